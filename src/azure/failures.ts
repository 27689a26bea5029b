import type { LiveExtension } from '../settings/live.js'

/** A failed operation in words: what ARM said, and what to do about it. Pure. */
export interface FailureExplanation {
  summary: string
  fix: string
}

interface Known {
  test: RegExp
  fix: string
}

// spec/azureml-extension.md §9.3: failure signals seen in practice and their fixes.
const KNOWN: Known[] = [
  {
    test: /\bpre-(install|upgrade|rollback)\b|\bhealthcheck\b/i,
    fix: 'The healthcheck hook failed: its report is in configmap arcml-healthcheck in azureml (kubectl get configmap arcml-healthcheck -n azureml -o yaml); fix what its ErrorCode names, then run again.'
  },
  {
    test: /cannot re-use a name that is still in use|name.*still in use/i,
    fix: 'A Helm release of that name is still there: wait for the earlier delete to finish (up to an hour) or remove the leftover release, then run again.'
  },
  {
    test: /invalid ownership metadata|cannot be imported into the current release/i,
    fix: 'Another extension already owns the objects in azureml (its release is the "current value" above): a cluster holds one AzureML extension. Set extension-name to that extension\'s name to manage it, or delete it first.'
  },
  {
    test: /another operation \(install\/upgrade\/rollback\) is in progress|operation.*in progress/i,
    fix: 'An earlier operation still holds the release: wait (Helm gives up after about an hour), then run again.'
  },
  {
    test: /\bExtensionTypeRegistrationGetFailed\b|not registered in (the )?region|not available in region/i,
    fix: "Microsoft.AzureML.Kubernetes is not offered in the cluster's region: use a supported region."
  },
  {
    test: /\bExtensionCreationFailed\b|could not be read back|\bagents?\b/i,
    fix: 'The Arc agents could not report the extension status: upgrade them (az connectedk8s upgrade) and check the azure-arc pods.'
  },
  {
    test: /chart.*not found|version.*not found|failed to download/i,
    fix: 'The version or release train does not exist: fix version/release-train or leave version empty.'
  }
]

export function explainFailure(
  live: LiveExtension | undefined,
  operationMessage?: string
): FailureExplanation {
  const info = live?.errorInfo
  const errors = (live?.statuses ?? []).filter(s => s.level === 'Error')
  const parts = [
    info?.code && info.message ? `${info.code}: ${info.message}` : info?.message,
    ...errors.map(s => s.message),
    operationMessage
  ]
  const text = parts.filter(Boolean).join(' | ')
  const known = KNOWN.find(k => k.test.test(text))
  return {
    summary: text || `provisioningState ${live?.provisioningState ?? 'unknown'}`,
    fix:
      known?.fix ??
      'Read the extension statuses in the Azure portal (Extensions blade of the cluster) and the events in azureml.'
  }
}
