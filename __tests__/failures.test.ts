/** Failed operations in words: what ARM said and the fix, for the failures seen in practice. */
import { explainFailure } from '../src/azure/failures.js'
import type { LiveExtension } from '../src/settings/live.js'

function failed(
  code: string,
  message: string,
  statuses: LiveExtension['statuses'] = []
): LiveExtension {
  return {
    id: '/x',
    name: 'arcml-extension',
    extensionType: 'microsoft.azureml.kubernetes',
    provisioningState: 'Failed',
    settings: {},
    protectedKeys: [],
    statuses,
    errorInfo: { code, message }
  }
}

test.each([
  [
    'healthcheck failed in the pre-install hook',
    failed(
      'ExtensionOperationFailed',
      'The extension operation failed with the following error: Error: failed pre-install: pod healthcheck failed.'
    ),
    /healthcheck hook failed: its report is in configmap arcml-healthcheck/
  ],
  [
    'release name still in use',
    failed('ExtensionOperationFailed', 'Error: cannot re-use a name that is still in use'),
    /still there: wait for the earlier delete to finish/
  ],
  [
    'a second AzureML extension under another name',
    failed(
      'ExtensionOperationFailed',
      'Error: rendered manifests contain a resource that already exists. Unable to continue with install: Deployment "amlarc-identity-controller" in namespace "azureml" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "ml-1": current value is "azureml"'
    ),
    /a cluster holds one AzureML extension\. Set extension-name to that extension's name/
  ],
  [
    'an earlier Helm operation in progress',
    failed(
      'ExtensionOperationFailed',
      'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress'
    ),
    /earlier operation still holds the release: wait/
  ],
  [
    'extension type not registered in the region',
    failed(
      'ExtensionTypeRegistrationGetFailed',
      'Extension type microsoft.azureml.kubernetes is not registered in region westindia'
    ),
    /not offered in the cluster's region/
  ],
  [
    'stale Arc agents',
    failed('ExtensionCreationFailed', 'Unable to get the status from the local CRD with the error'),
    /upgrade them \(az connectedk8s upgrade\)/
  ],
  [
    'an AKS message naming an agentpool is not about Arc agents',
    failed(
      'ExtensionOperationFailed',
      'Error: timed out waiting for the condition: pods on agentpool nodepool1 not ready'
    ),
    /^Read the extension statuses in the Azure portal/
  ],
  [
    'an unknown version',
    failed('ExtensionOperationFailed', 'Error: chart "amlarc-extension" version "9.9.9" not found'),
    /version or release train does not exist/
  ]
])('%s', (_name, live, fix) => {
  const e = explainFailure(live)
  expect(e.summary).toContain(live.errorInfo!.message!)
  expect(e.fix).toMatch(fix)
})

test('error statuses are part of the summary, and an unknown failure still points somewhere', () => {
  const e = explainFailure(
    failed('Weird', 'something odd', [{ level: 'Error', message: 'pod gateway crashed' }])
  )
  expect(e.summary).toBe('Weird: something odd | pod gateway crashed')
  expect(e.fix).toMatch(/Extensions blade/)
})
