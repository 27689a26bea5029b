/** Names the AzureML extension fixes, in one place. */

/** The extension type ARM knows it by (compared case-insensitively). */
export const EXTENSION_TYPE = 'microsoft.azureml.kubernetes'

/** The namespace the extension installs into; the az CLI always sends it as the release namespace. */
export const AZUREML_NAMESPACE = 'azureml'

/** The Helm hook pod, a bare pod named exactly this. */
export const HEALTHCHECK_POD = 'healthcheck'

/** The configmap the healthcheck writes its reports to (since 1.0.75; `amlarc-healthcheck` before). */
export const HEALTHCHECK_CONFIGMAPS = ['arcml-healthcheck', 'amlarc-healthcheck'] as const

/** The API group of the custom resources the extension runs jobs and online deployments as. */
export const AML_CRD_GROUP = 'amlarc.azureml.com'
