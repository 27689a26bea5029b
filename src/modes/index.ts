import type { Mode } from '../inputs.js'
import { applyExtension } from './apply.js'
import type { ExtensionOutcome, PreflightFacts, RunContext } from './context.js'
import { deleteExtension } from './delete.js'
import { detectDrift } from './drift.js'
import { verifyExtension } from './verify.js'

export type { ExtensionOutcome, PreflightFacts, RunContext } from './context.js'
export { preflight } from './preflight.js'

/** What a mode does in the Extension phase; every other phase is the same for all modes. */
export const EXTENSION_STEP: Record<
  Mode,
  (ctx: RunContext, facts: PreflightFacts) => Promise<ExtensionOutcome>
> = {
  apply: applyExtension,
  verify: verifyExtension,
  drift: detectDrift,
  delete: deleteExtension
}
