import type { Assessment } from './model.js'

/** The cluster checks found the extension's components certainly failed, or out of time. */
export class ClusterFailedError extends Error {
  override name = 'ClusterFailedError'
  constructor(
    message: string,
    readonly assessment: Assessment
  ) {
    super(message)
  }
}
