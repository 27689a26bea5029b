import { OperationFailedError } from '../azure/errors.js'
import { isSucceeded } from '../azure/extension.js'
import { explainFailure } from '../azure/failures.js'
import type { ExtensionOutcome, PreflightFacts, RunContext } from './context.js'
import { settledExtension } from './settled.js'

/** The live extension once no operation runs on it; fails unless it is Succeeded. Writes nothing. */
export async function verifyExtension(
  ctx: RunContext,
  facts: PreflightFacts
): Promise<ExtensionOutcome> {
  const live = await settledExtension(ctx, facts, '')
  if (!isSucceeded(live.provisioningState))
    throw new OperationFailedError(live, explainFailure(live), false)
  ctx.log.info(
    `Extension ${ctx.ref.name} is Succeeded at version ${live.currentVersion ?? 'unknown'}.`
  )
  return { live, absent: 'NotFound', changed: false }
}
