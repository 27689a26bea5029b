import type { ActionInputs } from '../inputs.js'
import type { Deadline } from '../deadline.js'
import type { LiveExtension } from '../settings/live.js'
import type { Arm } from '../azure/arm.js'
import { readCluster } from '../azure/cluster.js'
import { OperationFailedError, WriteRejectedError } from '../azure/errors.js'
import { getExtension, pauseBeforeRetry, sendWrite, waitUntilIdle } from '../azure/extension.js'
import { extensionRef, hasFailed } from '../azure/extension.js'
import { explainFailure } from '../azure/failures.js'

export interface DeleteContext {
  inputs: ActionInputs
  arm: Arm
  deadline: Deadline
  log: (line: string) => void
}

export interface DeleteResult {
  /** `Deleted` when this run removed it, `NotFound` when it was already gone. */
  provisioningState: 'Deleted' | 'NotFound'
  changed: boolean
  /** The extension as it was before the delete. */
  before?: LiveExtension
}

const ATTEMPTS = 4

/** Deletes the extension and waits until ARM no longer has it. Already gone is success. */
export async function deleteExtension(ctx: DeleteContext): Promise<DeleteResult> {
  const { inputs, arm, deadline } = ctx
  const ref = extensionRef(inputs)
  // A mistyped cluster must fail, not pass as "already deleted".
  await readCluster(arm, ref.cluster)
  const before = await getExtension(arm, ref)
  let wrote = false
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const live = await waitUntilIdle(arm, ref, deadline)
    if (!live)
      return wrote
        ? { provisioningState: 'Deleted', changed: true, before }
        : { provisioningState: 'NotFound', changed: false }
    if (wrote && hasFailed(live.provisioningState))
      throw new OperationFailedError(live, explainFailure(live))
    ctx.log(`Deleting extension ${ref.name}${inputs.forceDelete ? ' (forceDelete)' : ''}.`)
    const outcome = await sendWrite(
      arm,
      ref,
      { kind: 'delete', force: inputs.forceDelete },
      deadline
    )
    if (outcome.kind === 'rejected') {
      throw new WriteRejectedError(
        `ARM refused the delete (${outcome.statusCode} ${outcome.code}): ${outcome.message}`
      )
    }
    wrote ||= outcome.kind === 'done' || outcome.mayHaveWritten
    if (outcome.kind === 'unsure')
      await pauseBeforeRetry(arm, 'delete', outcome, attempt, deadline, ctx.log)
  }
  throw new Error(
    `The extension could not be deleted after ${ATTEMPTS} attempts; see the log for each reason.`
  )
}
