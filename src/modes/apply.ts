import { randomBytes } from 'node:crypto'
import { azureMLExtensionNames, converge, getExtension } from '../azure/extension.js'
import type { ExtensionWrite } from '../azure/extension.js'
import { RefusedError } from '../azure/errors.js'
import { findOrCreateRelay, readRelay } from '../azure/relay.js'
import type { RelayTarget } from '../azure/relay.js'
import { ClusterFailedError } from '../cluster/errors.js'
import { decideApply, mayCreate } from '../settings/decide.js'
import type { ApplyFacts } from '../settings/decide.js'
import type { ProtectedValues, UpdatePlan } from '../settings/diff.js'
import {
  desiredExtension,
  needsRelay,
  protectedSettings,
  sideResourceSettings
} from '../settings/index.js'
import type { RelayFacts } from '../settings/index.js'
import type { LiveExtension } from '../settings/live.js'
import { operationWatch } from './cluster.js'
import type { ExtensionOutcome, PreflightFacts, RunContext } from './context.js'

/** Creates the extension, or updates only what differs; writes nothing when it already matches. */
export async function applyExtension(
  ctx: RunContext,
  facts: PreflightFacts
): Promise<ExtensionOutcome> {
  let changes: UpdatePlan['changes'] | undefined
  const secrets = protectedFacts(ctx, facts)
  let listed: Promise<string[]> | undefined
  const next = async (live: LiveExtension | undefined) => {
    ctx.seen(live)
    // Listed once, and only when a whole body may go out: an update cannot meet Helm's ownership check.
    const installed = mayCreate(live)
      ? await (listed ??= azureMLExtensionNames(ctx.arm, ctx.ref.cluster))
      : undefined
    const write = await applyWrite(ctx, facts, live, {
      protect: live ? await secrets(live) : undefined,
      installed
    })
    if (write?.kind === 'update') changes = write.changes
    return write
  }
  const { live, changed } = await converge(ctx.arm, ctx.ref, ctx.deadline, {
    log: ctx.log.info,
    next,
    watch: operationWatch(ctx),
    sending: ctx.sending
  }).catch(async (err: unknown) => {
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
  live: LiveExtension | undefined,
  read: Pick<ApplyFacts, 'protect' | 'installed'>
): Promise<ExtensionWrite | undefined> {
  const request = ctx.plan.request!
  const { protect } = read
  const decision = decideApply({
    request,
    cluster: facts.cluster,
    live,
    usage: facts.usage,
    allowDisruptiveUpdate: ctx.plan.inputs.allowDisruptiveUpdate,
    ...read
  })
  switch (decision.kind) {
    case 'refuse':
      throw new RefusedError(decision)
    case 'none':
      noteLeftovers(ctx, decision.plan)
      return undefined
    case 'create': {
      ctx.log.info(
        decision.replacing
          ? `The extension is ${decision.replacing} from an earlier operation; sending the whole body again (PUT).`
          : 'Creating the extension (PUT).'
      )
      const relay = needsRelay(request)
        ? await findOrCreateRelay(
            ctx.arm,
            relayTarget(ctx, facts),
            ctx.mask,
            ctx.log.info,
            ctx.deadline
          )
        : undefined
      const side = { relay, digestSalt: protect?.salt ?? newSalt() }
      return { kind: 'create', body: desiredExtension(request, facts.cluster, side).body }
    }
    case 'update': {
      const { plan } = decision
      noteLeftovers(ctx, plan)
      ctx.log.info(`Updating the extension (PATCH): ${plan.changes.map(c => c.path).join(', ')}.`)
      // The service replaces protected settings whole: the plan has checked that every live key
      // is among the values sent.
      const patch = plan.protectedWrite
        ? { ...plan.patch, configurationProtectedSettings: protect!.values }
        : plan.patch
      return { kind: 'update', patch, changes: plan.changes }
    }
  }
}

/**
 * Every protected value an update could send, read once per run: the user's, the TLS material,
 * and the Relay connection string read again with listKeys (a regenerated key is a change).
 */
function protectedFacts(
  ctx: RunContext,
  facts: PreflightFacts
): (live: LiveExtension) => Promise<ProtectedValues> {
  let read: Promise<ProtectedValues> | undefined
  return live => (read ??= readProtected(ctx, facts, live))
}

async function readProtected(
  ctx: RunContext,
  facts: PreflightFacts,
  live: LiveExtension
): Promise<ProtectedValues> {
  const request = ctx.plan.request!
  const relay = needsRelay(request) ? await updateRelay(ctx, facts, live) : undefined
  const fromRelay = relay ? sideResourceSettings(request, { relay }).protected : {}
  return { values: { ...protectedSettings(request), ...fromRelay }, salt: newSalt() }
}

/**
 * The Relay an update sends: the one the extension uses, its keys read again; or, when the update
 * turns the Relay on, found or created as a create does.
 */
async function updateRelay(
  ctx: RunContext,
  facts: PreflightFacts,
  live: LiveExtension
): Promise<RelayFacts | undefined> {
  if (live.protectedKeys.includes(RELAY_CONNECTION_KEY)) return existingRelay(ctx, facts)
  const target = relayTarget(ctx, facts)
  return findOrCreateRelay(ctx.arm, target, ctx.mask, ctx.log.info, ctx.deadline)
}

/** The Relay's keys, or undefined when it is gone (the plan then names what cannot be sent). */
async function existingRelay(
  ctx: RunContext,
  facts: PreflightFacts
): Promise<RelayFacts | undefined> {
  return readRelay(ctx.arm, relayTarget(ctx, facts), ctx.mask).catch((err: Error) => {
    ctx.log.info(`The Azure Relay could not be read: ${err.message}`)
    return undefined
  })
}

function relayTarget(ctx: RunContext, facts: PreflightFacts): RelayTarget {
  return {
    resourceGroup: ctx.ref.cluster.resourceGroup,
    clusterName: facts.cluster.name,
    location: facts.cluster.location
  }
}

const RELAY_CONNECTION_KEY = 'relayServerConnectionString'

const newSalt = () => randomBytes(16).toString('base64')

function noteLeftovers(ctx: RunContext, plan: UpdatePlan): void {
  for (const l of plan.leftovers) {
    ctx.log.info(
      `Note: ${l.path}=${l.actual} is on the live extension but no longer in the inputs; an update cannot remove it.`
    )
  }
}
