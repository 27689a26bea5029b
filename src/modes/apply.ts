import type { ActionInputs } from '../inputs.js'
import { throwIfAny } from '../problems.js'
import type { Deadline } from '../deadline.js'
import {
  desiredExtension,
  needsRelay,
  protectedSettings,
  sideResourceSettings,
  validateAgainstCluster
} from '../settings/index.js'
import type { ClusterFacts, ExtensionRequest, SideResources } from '../settings/index.js'
import { planUpdate } from '../settings/diff.js'
import type { ClusterUsage, UpdatePlan } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'
import type { Arm } from '../azure/arm.js'
import { checkProvider, PreflightError, readCluster } from '../azure/cluster.js'
import { OperationFailedError, WriteRejectedError } from '../azure/errors.js'
import {
  getExtension,
  isTerminal,
  pauseBeforeRetry,
  sendWrite,
  waitUntilIdle,
  isSucceeded
} from '../azure/extension.js'
import type { ExtensionRef, ExtensionWrite } from '../azure/extension.js'
import { extensionRef, hasFailed } from '../azure/extension.js'
import { explainFailure } from '../azure/failures.js'
import { findOrCreateRelay, readRelay } from '../azure/relay.js'
import { guardDisruption } from './guard.js'

export interface ApplyContext {
  inputs: ActionInputs
  request: ExtensionRequest
  arm: Arm
  deadline: Deadline
  log: (line: string) => void
  mask: (secret: string) => void
  /** What the cluster can tell about GPUs and running workloads; absent when it is not reachable. */
  clusterUsage?: () => Promise<ClusterUsage>
}

export interface ApplyResult {
  live: LiveExtension
  /** Whether this run wrote to Azure. */
  changed: boolean
  plan?: UpdatePlan
}

const ATTEMPTS = 4

/**
 * Creates the extension, or updates only what differs, then follows the operation to its end.
 * After a busy, throttled or ambiguous write it reads the live extension before deciding again.
 */
export async function applyExtension(ctx: ApplyContext): Promise<ApplyResult> {
  const { inputs, request, arm, deadline } = ctx
  const ref = extensionRef(inputs)
  await checkProvider(arm)
  const cluster = await readCluster(arm, ref.cluster)
  ctx.log(describeCluster(cluster))
  throwIfAny(validateAgainstCluster(request, cluster))
  let wrote = false
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    let live = await getExtension(arm, ref)
    if (live && !isTerminal(live.provisioningState)) {
      ctx.log(
        `The extension is ${live.provisioningState} from an earlier operation; waiting for it to end.`
      )
      live = await waitUntilIdle(arm, ref, deadline)
    }
    if (wrote && live && !isSucceeded(live.provisioningState)) {
      throw new OperationFailedError(live, explainFailure(live))
    }
    const next = await nextWrite(ctx, ref, cluster, live)
    if (!next) return { live: live!, changed: wrote }
    ctx.log(describeWrite(next.write, next.plan))
    const outcome = await sendWrite(arm, ref, next.write, deadline)
    if (outcome.kind === 'rejected') {
      throw new WriteRejectedError(
        `ARM refused the ${next.write.kind} (${outcome.statusCode} ${outcome.code}): ${outcome.message}`
      )
    }
    if (outcome.kind === 'done') return finish(arm, ref, next.plan)
    wrote ||= outcome.mayHaveWritten
    await pauseBeforeRetry(arm, next.write.kind, outcome, attempt, deadline, ctx.log)
  }
  throw new Error(
    `The extension could not be written after ${ATTEMPTS} attempts; see the log for each reason.`
  )
}

async function finish(arm: Arm, ref: ExtensionRef, plan?: UpdatePlan): Promise<ApplyResult> {
  const live = await getExtension(arm, ref)
  if (!live || !isSucceeded(live.provisioningState))
    throw new OperationFailedError(live, explainFailure(live))
  return { live, changed: true, plan }
}

/** The write that brings the live extension to the inputs, or undefined when it already matches. */
async function nextWrite(
  ctx: ApplyContext,
  ref: ExtensionRef,
  cluster: ClusterFacts,
  live: LiveExtension | undefined
): Promise<{ write: ExtensionWrite; plan?: UpdatePlan } | undefined> {
  const { request } = ctx
  if (live && live.extensionType.toLowerCase() !== 'microsoft.azureml.kubernetes') {
    throw new PreflightError(
      `An extension named ${ref.name} exists on ${cluster.name} with type ${live.extensionType}. Choose another extension-name.`
    )
  }
  if (!live || hasFailed(live.provisioningState)) {
    if (live) {
      ctx.log(
        `The extension is ${live.provisioningState} from an earlier operation; sending the whole body again.`
      )
      // A failed extension still runs what its last good settings installed: guard that too.
      const usage = await readUsage(ctx)
      guardDisruption(
        planUpdate(request, cluster, live, usage),
        ctx.inputs.allowDisruptiveUpdate,
        usage?.workloads
      )
    }
    const side = await sideResources(ctx, cluster, 'create')
    return { write: { kind: 'create', body: desiredExtension(request, cluster, side).body } }
  }
  const usage = await readUsage(ctx)
  const plan = planUpdate(request, cluster, live, usage)
  if (plan.impossible.length > 0) throw new PreflightError(plan.impossible.join('\n'))
  guardDisruption(plan, ctx.inputs.allowDisruptiveUpdate, usage?.workloads)
  plan.leftovers.forEach(l =>
    ctx.log(
      `Note: ${l.path}=${l.actual} is on the live extension but no longer in the inputs; an update cannot remove it.`
    )
  )
  if (plan.changes.length === 0) return undefined
  const patch = { ...plan.patch }
  if (plan.protectedWrite) {
    // The service replaces protected settings whole: send every one the extension needs.
    const side = await sideResources(ctx, cluster, 'update')
    patch.configurationProtectedSettings = {
      ...protectedSettings(request),
      ...sideResourceSettings(request, side).protected
    }
  }
  return { write: { kind: 'update', patch }, plan }
}

async function sideResources(
  ctx: ApplyContext,
  cluster: ClusterFacts,
  op: 'create' | 'update'
): Promise<SideResources> {
  const { request, arm, inputs } = ctx
  if (!needsRelay(request)) return {}
  const target = {
    resourceGroup: inputs.resourceGroup,
    clusterName: cluster.name,
    location: cluster.location
  }
  const relay =
    op === 'create'
      ? await findOrCreateRelay(arm, target, ctx.mask, ctx.log)
      : await readRelay(arm, target, ctx.mask)
  return { relay }
}

const usageRead = new WeakMap<ApplyContext, Promise<ClusterUsage>>()

/** What the cluster says about its use, read once per run: listing every pod is not cheap. */
async function readUsage(ctx: ApplyContext): Promise<ClusterUsage | undefined> {
  if (!ctx.clusterUsage) return undefined
  try {
    return await (usageRead.get(ctx) ?? usageRead.set(ctx, ctx.clusterUsage()).get(ctx))
  } catch (err) {
    ctx.log(
      `The cluster could not be read for running work (${(err as Error).message}); counting nothing.`
    )
    return undefined
  }
}

function describeCluster(c: ClusterFacts): string {
  const nodes =
    c.nodeCount === undefined
      ? 'node count unknown'
      : `${c.nodeCount} node${c.nodeCount === 1 ? '' : 's'}`
  return `Cluster ${c.name}: ${c.type} in ${c.location}, ${nodes}${c.distribution ? `, ${c.distribution}` : ''}.`
}

function describeWrite(write: ExtensionWrite, plan?: UpdatePlan): string {
  if (write.kind === 'create') return 'Creating the extension (PUT).'
  if (write.kind === 'delete') return 'Deleting the extension.'
  const paths = plan?.changes.map(c => c.path).join(', ')
  return `Updating the extension (PATCH): ${paths}.`
}
