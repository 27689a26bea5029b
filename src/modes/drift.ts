import { driftOf } from '../settings/decide.js'
import type { ExtensionOutcome, PreflightFacts, RunContext } from './context.js'
import { settledExtension } from './settled.js'

/** Compares the inputs with the live extension without writing anything. */
export async function detectDrift(
  ctx: RunContext,
  facts: PreflightFacts
): Promise<ExtensionOutcome> {
  const live = await settledExtension(ctx, facts, ': everything has drifted')
  const drift = driftOf(ctx.plan.request!, facts.cluster, live)
  drift.forEach(d =>
    ctx.log.info(
      `Drift: ${d.path}: inputs ${d.desired ?? '(unset)'}, live ${d.actual ?? '(unset)'}`
    )
  )
  return { live, absent: 'NotFound', changed: false, drift }
}
