import { OperationFailedError, RefusedError } from '../azure/errors.js'
import { ClusterFailedError } from '../cluster/errors.js'
import { CancelledError, TimeoutError } from '../deadline.js'
import { ValidationError } from '../problems.js'
import type { Report } from './report.js'

/** Records why a run stopped: every input problem, a failed operation, a refused update. Pure. */
export function recordFailure(report: Report, err: unknown): void {
  if (err instanceof ValidationError) {
    const n = err.problems.length
    report.inputProblems(err.problems)
    report.fail(
      `${n} input problem${n === 1 ? '' : 's'}; nothing was changed in Azure or on the cluster.`
    )
    return
  }
  if (err instanceof OperationFailedError) {
    const { live, explanation } = err
    report.extension(live)
    report.changed ||= err.wrote
    const state = live?.provisioningState ?? 'Failed'
    report.fail(`The extension's operation ended ${state}.`, {
      component: 'extension',
      reason: live?.errorInfo?.code ?? state,
      message: `The extension's operation ended ${state}: ${explanation.summary}`,
      fix: explanation.fix
    })
    return
  }
  if (err instanceof ClusterFailedError) {
    // Raised while this run's write was in progress: ARM may still be running it.
    report.changed = true
    report.components = err.assessment.components
    report.problems.push(...err.assessment.problems)
    report.fail(
      `${err.message} ARM's operation may still be running: Helm rolls it back when its own timeout ends.`
    )
    return
  }
  if (err instanceof CancelledError || err instanceof TimeoutError)
    report.changed ||= report.writeSent
  if (err instanceof CancelledError) {
    // A write may have been sent: ARM goes on with it whether or not anyone waits.
    const inFlight =
      report.target?.mode === 'apply' || report.target?.mode === 'delete'
        ? err.phase === 'Extension'
        : false
    report.fail(
      inFlight
        ? `${err.message} An ARM operation on the extension may still be running: check its provisioning state before running again.`
        : err.message
    )
    return
  }
  if (err instanceof RefusedError) {
    const { reason, message, fix } = err.refusal
    report.fail(`The update was refused (${reason}): nothing was written.`, {
      component: 'extension',
      reason,
      message,
      fix
    })
    return
  }
  report.fail(err instanceof Error ? err.message : String(err))
}
