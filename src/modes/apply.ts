import { converge, getExtension } from '../azure/extension.js'
import type { ExtensionWrite } from '../azure/extension.js'
import { RefusedError } from '../azure/errors.js'
import { findOrCreateRelay, readRelay } from '../azure/relay.js'
import { decideApply } from '../settings/decide.js'
import {
  desiredExtension,
  needsRelay,
  protectedSettings,
  sideResourceSettings
} from '../settings/index.js'
import type { SideResources } from '../settings/index.js'
import type { UpdatePlan } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'
import { ClusterFailedError } from '../cluster/errors.js'
import { operationWatch } from './cluster.js'
import type { ExtensionOutcome, PreflightFacts, RunContext } from './context.js'

/** Creates the extension, or updates only what differs; writes nothing when it already matches. */
export async function applyExtension(
  ctx: RunContext,
  facts: PreflightFacts
): Promise<ExtensionOutcome> {
  let changes: UpdatePlan['changes'] | undefined
  const next = async (live: LiveExtension | undefined) => {
    ctx.seen(live)
    const write = await applyWrite(ctx, facts, live)
    if (write?.kind === 'update') changes = write.changes
    return write
  }
  const { live, changed } = await converge(
    ctx.arm,
    ctx.ref,
    ctx.deadline,
    ctx.log.info,
    next,
    operationWatch(ctx)
  ).catch(async (err: unknown) => {
    // The cluster failed while the operation ran: report where the extension stands now.
    if (err instanceof ClusterFailedError)
      ctx.seen(await getExtension(ctx.arm, ctx.ref).catch(() => undefined))
    throw err
  })
  ctx.log.info(
    changed
      ? 'The extension was written and its operation succeeded.'
      : 'The extension already matches the inputs: nothing was written.'
  )
  return { live, absent: 'NotFound', changed, changes }
}

/** Decides (pure) on the facts and the live extension, then builds the write that carries it out. */
async function applyWrite(
  ctx: RunContext,
  facts: PreflightFacts,
  live: LiveExtension | undefined
): Promise<ExtensionWrite | undefined> {
  const request = ctx.plan.request!
  const decision = decideApply({
    request,
    cluster: facts.cluster,
    live,
    usage: facts.usage,
    allowDisruptiveUpdate: ctx.plan.inputs.allowDisruptiveUpdate
  })
  switch (decision.kind) {
    case 'refuse':
      throw new RefusedError(decision.reason, decision.message, decision.fix)
    case 'none':
      noteLeftovers(ctx, decision.plan)
      return undefined
    case 'create': {
      ctx.log.info(
        decision.replacing
          ? `The extension is ${decision.replacing} from an earlier operation; sending the whole body again (PUT).`
          : 'Creating the extension (PUT).'
      )
      const side = await sideResources(ctx, facts, 'create')
      return { kind: 'create', body: desiredExtension(request, facts.cluster, side).body }
    }
    case 'update': {
      const { plan } = decision
      noteLeftovers(ctx, plan)
      ctx.log.info(`Updating the extension (PATCH): ${plan.changes.map(c => c.path).join(', ')}.`)
      const patch = { ...plan.patch }
      if (plan.protectedWrite) {
        // The service replaces protected settings whole: send every one the extension needs.
        const side = await sideResources(ctx, facts, 'update')
        patch.configurationProtectedSettings = {
          ...protectedSettings(request),
          ...sideResourceSettings(request, side).protected
        }
      }
      return { kind: 'update', patch, changes: plan.changes }
    }
  }
}

function noteLeftovers(ctx: RunContext, plan: UpdatePlan): void {
  for (const l of plan.leftovers) {
    ctx.log.info(
      `Note: ${l.path}=${l.actual} is on the live extension but no longer in the inputs; an update cannot remove it.`
    )
  }
}

/** The Azure Relay an Arc extension needs (made as the az CLI makes it, on create only). */
async function sideResources(
  ctx: RunContext,
  facts: PreflightFacts,
  op: 'create' | 'update'
): Promise<SideResources> {
  const request = ctx.plan.request!
  if (!needsRelay(request)) return {}
  const target = {
    resourceGroup: ctx.ref.cluster.resourceGroup,
    clusterName: facts.cluster.name,
    location: facts.cluster.location
  }
  const relay =
    op === 'create'
      ? await findOrCreateRelay(ctx.arm, target, ctx.mask, ctx.log.info)
      : await readRelay(ctx.arm, target, ctx.mask)
  return { relay }
}
