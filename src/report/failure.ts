import { OperationFailedError, RefusedError, WriteTimeoutError } from '../azure/errors.js'
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
  // Where the extension stood when the timeout ended the wait for a write.
  if (err instanceof WriteTimeoutError && err.live !== undefined)
    report.extension(err.live ?? undefined, err.write === 'delete' ? 'Deleted' : 'NotFound')
  if (err instanceof CancelledError) {
    // A write may have been sent: ARM goes on with it whether or not anyone waits.
    const mode = report.target?.mode
    const inFlight = (mode === 'apply' || mode === 'delete') && err.phase === 'Extension'
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
  report.fail(err instanceof Error ? (unreachable(err) ?? err.message) : String(err))
}

const NETWORK =
  /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|REQUEST_SEND_ERROR)\b/

/**
 * A connection that failed with no answer and reached this far: the cluster and sign-in phases
 * explain their own, so it is Azure Resource Manager, and the inputs that point there say where.
 */
function unreachable(err: Error): string | undefined {
  // The raw error's code only: the cluster's own errors quote these codes in their words.
  const code = (err as { code?: unknown }).code
  if (typeof code !== 'string' || !NETWORK.test(code)) return undefined
  return `Azure Resource Manager could not be reached: ${err.message}. Check arm-endpoint (or environment, which picks it) and that the runner can connect to it.`
}
