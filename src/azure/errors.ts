import type { LiveExtension } from '../settings/live.js'
import type { FailureExplanation } from './failures.js'

/** The extension's operation ended Failed or Canceled. */
export class OperationFailedError extends Error {
  override name = 'OperationFailedError'
  constructor(
    readonly live: LiveExtension | undefined,
    readonly explanation: FailureExplanation
  ) {
    super(
      `The extension's operation ended ${live?.provisioningState ?? 'Failed'}: ${explanation.summary}\nFix: ${explanation.fix}`
    )
  }
}

/** ARM refused a write outright (4xx): the request, not the timing, is wrong. */
export class WriteRejectedError extends Error {
  override name = 'WriteRejectedError'
}
