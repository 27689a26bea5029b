import type { ActionInputs } from '../inputs.js'
import type { Deadline } from '../deadline.js'
import type { LiveExtension } from '../settings/live.js'
import type { Arm } from '../azure/arm.js'
import { PreflightError, readCluster } from '../azure/cluster.js'
import { OperationFailedError } from '../azure/errors.js'
import { extensionRef, isSucceeded, waitUntilIdle } from '../azure/extension.js'
import { explainFailure } from '../azure/failures.js'

export interface VerifyContext {
  inputs: ActionInputs
  arm: Arm
  deadline: Deadline
  log: (line: string) => void
}

/** The live extension once no operation runs on it; fails unless it is Succeeded. Writes nothing. */
export async function verifyExtension(ctx: VerifyContext): Promise<LiveExtension> {
  const ref = extensionRef(ctx.inputs)
  const cluster = await readCluster(ctx.arm, ref.cluster)
  const live = await waitUntilIdle(ctx.arm, ref, ctx.deadline, l =>
    ctx.log(`The extension is ${l.provisioningState}; waiting for it to end.`)
  )
  if (!live)
    throw new PreflightError(
      `Extension ${ref.name} does not exist on ${cluster.name}. Run mode: apply to create it.`
    )
  if (!isSucceeded(live.provisioningState))
    throw new OperationFailedError(live, explainFailure(live))
  ctx.log(`Extension ${ref.name} is Succeeded at version ${live.currentVersion ?? 'unknown'}.`)
  return live
}
