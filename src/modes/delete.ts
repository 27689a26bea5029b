import { converge } from '../azure/extension.js'
import type { ExtensionWrite } from '../azure/extension.js'
import type { LiveExtension } from '../settings/live.js'
import type { ExtensionOutcome, RunContext } from './context.js'

/** Deletes the extension and waits until ARM no longer has it. Already gone is success. */
export async function deleteExtension(ctx: RunContext): Promise<ExtensionOutcome> {
  const force = ctx.plan.inputs.forceDelete
  const next = async (live: LiveExtension | undefined): Promise<ExtensionWrite | undefined> => {
    ctx.seen(live)
    if (!live) return undefined
    ctx.log.info(`Deleting extension ${ctx.ref.name}${force ? ' (forceDelete)' : ''}.`)
    return { kind: 'delete', force }
  }
  const { changed } = await converge(ctx.arm, ctx.ref, ctx.deadline, {
    log: ctx.log.info,
    next,
    sending: ctx.sending
  })
  ctx.log.info(
    changed ? 'The extension was deleted.' : 'The extension was already gone: nothing was written.'
  )
  return { live: undefined, absent: changed ? 'Deleted' : 'NotFound', changed }
}
