/** The `arcml-healthcheck` report (1.1.x format, spec/azureml-extension.md §9.2) and the Helm failures ARM relays. Pure. */
import type { HealthcheckErrorCode } from './faults.js'

export type HelmOperation = 'install' | 'upgrade' | 'delete'

const CHECKERS = [
  'info',
  'helmchart',
  'service',
  'clusterresource',
  'instancetype',
  'inferencev1'
] as const
type Checker = (typeof CHECKERS)[number]

/** Which checker reports a code, and the text it gives when none is supplied. */
const CODES: Record<HealthcheckErrorCode, { checker: Checker; name: string; message: string }> = {
  E40000: {
    checker: 'info',
    name: 'UNKNOWN_ERROR',
    message: 'unknown error, please check the healthcheck pod logs'
  },
  E40001: {
    checker: 'service',
    name: 'LOAD_BALANCER_NOT_SUPPORT',
    message:
      'load balancer service is not supported in this cluster, please use NodePort or ClusterIP for inferenceRouterServiceType'
  },
  E40002: {
    checker: 'clusterresource',
    name: 'INSUFFICIENT_NODE',
    message:
      'the number of healthy nodes is not enough for inferenceRouterHA, at least 3 nodes are required; set inferenceRouterHA=false or add nodes'
  },
  E40003: {
    checker: 'service',
    name: 'INTERNAL_LOAD_BALANCER_NOT_SUPPORT',
    message:
      'internal load balancer is only supported on AKS with internalLoadBalancerProvider=azure'
  },
  E40004: {
    checker: 'inferencev1',
    name: 'AZUREML_FE_DEPLOYMENT_NOT_FOUND',
    message: 'azureml-fe deployment not found'
  },
  E40005: {
    checker: 'inferencev1',
    name: 'AZUREML_FE_SCALE_UP_TIMEOUT',
    message: 'timed out waiting for azureml-fe to scale up'
  },
  E40006: {
    checker: 'inferencev1',
    name: 'AZUREML_FE_UPDATE_REPLICAS_FAILED',
    message: 'failed to update azureml-fe replicas'
  },
  E40007: {
    checker: 'service',
    name: 'INVALID_SSL_SETTING',
    message: 'invalid ssl setting: the certificate does not match sslCname'
  },
  E45001: {
    checker: 'clusterresource',
    name: 'AGENT_UNHEALTHY',
    message: 'some pods in azureml namespace are unhealthy'
  },
  E45002: {
    checker: 'helmchart',
    name: 'PROMETHEUS_CONFLICT',
    message: 'prometheus operator already exists in the cluster, set installPromOp=false'
  },
  E45003: {
    checker: 'clusterresource',
    name: 'BAD_NETWORK_CONNECTIVITY',
    message: 'failed to connect to mcr.microsoft.com: dial tcp: i/o timeout'
  },
  E45004: {
    checker: 'inferencev1',
    name: 'AZUREML_FE_ROLE_CONFLICT',
    message: 'legacy azureml-fe-role exists'
  },
  E45005: {
    checker: 'inferencev1',
    name: 'AZUREML_FE_DEPLOYMENT_CONFLICT',
    message: 'legacy azureml-fe deployment exists'
  },
  E49999: { checker: 'info', name: 'CHECKER_PANIC', message: 'checker panic' }
}

export interface ReportInput {
  date: string
  durationMs: number
  distribution: 'aks' | 'k3s' | 'generic'
  correlationId: string
  failure?: { code: HealthcheckErrorCode; message?: string }
  /** inferencev1 runs only when inference is enabled. */
  inference: boolean
}

export function healthcheckReport(r: ReportInput): string {
  const failed = r.failure ? CODES[r.failure.code] : undefined
  const lines = [
    'Report:',
    `  Duration: ${(r.durationMs / 1000).toFixed(3)}s`,
    `  Date: ${r.date}`,
    `  K8sDistribution: ${r.distribution}`,
    `  K8sInfrastructure: ${r.distribution === 'aks' ? 'azure' : 'generic'}`,
    `  CorrelationId: ${r.correlationId}`,
    '  TroubleShootingGuide: https://aka.ms/arcmltsg',
    ''
  ]
  for (const checker of CHECKERS) {
    if (checker === 'inferencev1' && !r.inference) continue
    if (failed?.checker === checker) {
      lines.push(
        'Status: Failed',
        `Name: ${checker}`,
        `ErrorCode: ${r.failure!.code} ErrorMessage: ${r.failure!.message ?? failed.message}`,
        ''
      )
    } else {
      lines.push('Status: Passed', `Name: ${checker}`, '')
    }
  }
  return lines.join('\n')
}

/** configmap keys written by a hook run (spec/azureml-extension.md §9.2: install failure adds pre-delete, upgrade failure pre-rollback). */
export function reportKeys(op: HelmOperation, failed: boolean): string[] {
  if (op === 'install')
    return failed ? ['reports-pre-install', 'reports-pre-delete'] : ['reports-pre-install']
  if (op === 'upgrade')
    return failed ? ['reports-pre-upgrade', 'reports-pre-rollback'] : ['reports-pre-upgrade']
  return ['reports-pre-delete']
}

const DOING: Record<HelmOperation, string> = {
  install: 'Installing the extension',
  upgrade: 'Updating the extension',
  delete: 'Deleting the extension'
}

/** How the extension manager words a Helm failure in `errorInfo.message`. */
export function extensionManagerMessage(op: HelmOperation, helmError: string): string {
  return `Error: {${helmError}} occurred while doing the operation : {${DOING[op]}} on the config, For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG, For more application specific troubleshooting visit: https://aka.ms/arcmltsg`
}

export function hookFailedError(op: HelmOperation): string {
  const phase = op === 'install' ? 'pre-install' : op === 'upgrade' ? 'pre-upgrade' : 'pre-delete'
  return `failed ${phase}: 1 error occurred:\n\t* pod healthcheck failed`
}

/**
 * Helm 3 will not install over objects another release owns (action/install.go,
 * existingResourceConflict), before any hook runs: a second AzureML extension under another name
 * fails on the first chart object it shares with the one installed.
 */
export function ownershipError(release: string, owner: string): string {
  return `rendered manifests contain a resource that already exists. Unable to continue with install: Deployment "amlarc-identity-controller" in namespace "azureml" exists and cannot be imported into the current release: invalid ownership metadata; annotation validation error: key "meta.helm.sh/release-name" must equal "${release}": current value is "${owner}"`
}

export function timeoutError(op: HelmOperation, release: string): string {
  if (op === 'install')
    return `release ${release} failed, and has been uninstalled due to atomic being set: context deadline exceeded`
  if (op === 'upgrade')
    return `an error occurred while rolling back the release. original upgrade error: context deadline exceeded`
  return 'timed out waiting for the condition'
}
