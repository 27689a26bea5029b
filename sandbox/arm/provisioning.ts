import type { ArmErrorDetail, ArmExtensionStatus, ClusterOutcome } from '../contract.js'

export type ExtensionOperationKind = 'create' | 'update' | 'delete'

/** How the extension agent words the operation in its error messages. */
const OPERATION_WORD: Record<ExtensionOperationKind, string> = {
  create: 'Create',
  update: 'Update',
  delete: 'Delete'
}

/** Helm's own words when the `healthcheck` hook pod fails, per operation. */
const HELM_FAILURE: Record<ExtensionOperationKind, (release: string) => string> = {
  create: release =>
    'Helm installation failed : Unable to create/update Kubernetes resources for the ' +
    'extension : Recommendation Please check that there are no policies blocking the ' +
    'resource creation/update for the extension. Please refer to this URL for more details ' +
    `on this error: aka.ms/bing : InnerError [release ${release} failed, and has been ` +
    'uninstalled due to atomic being set: failed pre-install: pod healthcheck failed]',
  update: release =>
    `Helm Upgrade Failed : : InnerError [release ${release} failed, and has been rolled back ` +
    'due to atomic being set: pre-upgrade hooks failed: pod healthcheck failed]',
  delete: release =>
    `Helm Uninstall Failed : : InnerError [release ${release}: pre-delete hooks failed: ` +
    'pod healthcheck failed]'
}

/**
 * The errorInfo the service reports when Helm's healthcheck hook fails (pre-install on create,
 * pre-upgrade on update), worded as the extension agent words it.
 */
export function healthcheckHookFailure(
  release: string,
  operation: ExtensionOperationKind
): ArmErrorDetail {
  const helm = HELM_FAILURE[operation](release)
  return {
    code: 'ExtensionOperationFailed',
    message:
      `The extension operation failed with the following error:  Error: [ InnerError: [${helm}]] ` +
      `occurred while doing the operation : [${OPERATION_WORD[operation]}] on the config, ` +
      'For general troubleshooting visit: https://aka.ms/k8s-extensions-TSG, For more ' +
      'application specific troubleshooting visit: Troubleshooting: https://aka.ms/arcmltsg.'
  }
}

/** A failure to impose on the next operation(s), instead of asking the cluster. */
export interface ForcedFailure {
  /** Default: the healthcheck hook failure for the operation. */
  errorInfo?: ArmErrorDetail
  statuses?: ArmExtensionStatus[]
  /** How many operations fail (default 1). */
  times?: number
}

/**
 * Provisioning faults: slow operations and failures the service reports.
 * Timers are tracked so a stopping sandbox leaves none behind.
 */
export class ProvisioningFaults {
  /** Extra time every operation takes before the cluster is asked. */
  delayMs = 0
  private failures: ForcedFailure[] = []
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>()

  /** Make the next operation(s) end Failed (default errorInfo: healthcheck pre-install hook). */
  fail(failure: ForcedFailure = {}): void {
    this.failures.push({ ...failure, times: failure.times ?? 1 })
  }

  clear(): void {
    this.failures = []
    this.delayMs = 0
  }

  async delay(): Promise<void> {
    if (this.delayMs <= 0) return
    await new Promise<void>(resolve => {
      const entry = { timer: setTimeout(() => done(), this.delayMs), resolve }
      const done = (): void => {
        this.timers.delete(entry)
        resolve()
      }
      this.timers.add(entry)
    })
  }

  /** The forced outcome for this operation, if a failure is armed. */
  take(release: string, operation: ExtensionOperationKind): ClusterOutcome | undefined {
    const next = this.failures[0]
    if (!next) return undefined
    next.times = (next.times ?? 1) - 1
    if (next.times <= 0) this.failures.shift()
    return {
      ok: false,
      errorInfo: next.errorInfo ?? healthcheckHookFailure(release, operation),
      ...(next.statuses ? { statuses: next.statuses } : {})
    }
  }

  /** Ends pending delays at once (the sandbox is stopping). */
  release(): void {
    for (const { timer, resolve } of this.timers) {
      clearTimeout(timer)
      resolve()
    }
    this.timers.clear()
  }
}
