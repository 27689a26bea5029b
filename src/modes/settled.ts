import { PreflightError } from '../azure/errors.js'
import { waitUntilIdle } from '../azure/extension.js'
import type { LiveExtension } from '../settings/live.js'
import type { PreflightFacts, RunContext } from './context.js'

/**
 * The live extension once no operation runs on it, for the modes that only read (verify, drift);
 * a missing extension fails them, with `missing` saying what that means for the mode.
 */
export async function settledExtension(
  ctx: RunContext,
  facts: PreflightFacts,
  missing: string
): Promise<LiveExtension> {
  const live = await waitUntilIdle(ctx.arm, ctx.ref, ctx.deadline, l =>
    ctx.log.info(`The extension is ${l.provisioningState}; waiting for its operation to end.`)
  )
  ctx.seen(live)
  if (!live) {
    throw new PreflightError(
      `Extension ${ctx.ref.name} does not exist on ${facts.cluster.name}${missing}. Run mode: apply to create it.`
    )
  }
  return live
}
