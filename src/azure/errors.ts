import { TimeoutError } from '../deadline.js'
import { withFix } from '../problems.js'
import type { LiveExtension } from '../settings/live.js'
import type { FailureExplanation } from './failures.js'

/** A check before any write failed; the message says what to do. */
export class PreflightError extends Error {
  override name = 'PreflightError'
}

/** The extension's operation ended Failed or Canceled. */
export class OperationFailedError extends Error {
  override name = 'OperationFailedError'
  constructor(
    readonly live: LiveExtension | undefined,
    readonly explanation: FailureExplanation,
    /** Whether this run's own write ended so (rather than one found in that state). */
    readonly wrote = true
  ) {
    super(
      withFix(
        `The extension's operation ended ${live?.provisioningState ?? 'Failed'}: ${explanation.summary}`,
        explanation.fix
      )
    )
  }
}

/**
 * The timeout ended the wait for a write's operation. `live` is where the extension stood then:
 * null when gone, undefined when it could not be read.
 */
export class WriteTimeoutError extends TimeoutError {
  constructor(
    message: string,
    readonly live: LiveExtension | null | undefined,
    readonly write: 'create' | 'update' | 'delete'
  ) {
    super(message)
  }
}

/** ARM refused a write outright (4xx): the request, not the timing, is wrong. */
export class WriteRejectedError extends Error {
  override name = 'WriteRejectedError'
}

/** Why nothing may be written: a disruptive, impossible or mistaken update, and what to do. */
export interface Refusal {
  reason: string
  message: string
  fix: string
}

/** The decision was to write nothing; `refusal` says why. */
export class RefusedError extends Error {
  override name = 'RefusedError'
  constructor(readonly refusal: Refusal) {
    super(refusal.message)
  }
}
