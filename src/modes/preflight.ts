import { readCluster } from '../azure/cluster.js'
import { PreflightError } from '../azure/errors.js'
import {
  describeShortfalls,
  neededPermissions,
  readPermissions,
  shortfalls
} from '../azure/permissions.js'
import { providerNamespaces, registerProvider, unregisteredProviders } from '../azure/providers.js'
import { throwIfAny } from '../problems.js'
import { connectivityRefusal, needsRelay, validateAgainstCluster } from '../settings/index.js'
import type { ClusterFacts } from '../settings/index.js'
import { whyNotChecked } from './cluster.js'
import type { PreflightFacts, RunContext } from './context.js'
import { checkOpenShift } from './openshift.js'
import { reachCluster } from './reach.js'

/**
 * Facts before any write: the cluster resource (a mistyped cluster must fail, never pass as
 * "nothing to do"); for apply and delete what the identity may do; for apply the providers, the
 * request against the cluster and its usage. An AKS cluster without a kubeconfig is reached
 * through ARM here, once the permissions are known. Registering a provider is the last step: it is the
 * only write here, made once every check has passed.
 */
export async function preflight(ctx: RunContext): Promise<PreflightFacts> {
  const { arm, ref, plan, log } = ctx
  const cluster = await readCluster(arm, ref.cluster)
  log.info(describeCluster(cluster))
  const mode = plan.inputs.mode
  if (mode === 'apply' || mode === 'delete') {
    const refusal = connectivityRefusal(cluster, mode, plan.inputs.forceDelete)
    if (refusal) throw new PreflightError(refusal)
  }
  if (mode === 'delete') await checkAccess(ctx, cluster, 'delete')
  if (plan.inputs.mode !== 'apply' || !plan.request) {
    await reachCluster(ctx)
    return { cluster }
  }
  throwIfAny(validateAgainstCluster(plan.request, cluster))
  const unregistered = await checkAccess(ctx, cluster, 'apply')
  await reachCluster(ctx)
  await namespaceNotTerminating(ctx)
  await checkOpenShift(ctx, cluster)
  const usage = await readUsage(ctx)
  for (const [namespace, state] of unregistered) {
    await registerProvider(arm, namespace, state, ctx.deadline, line => log.info(line))
  }
  return { cluster, usage }
}

/**
 * Providers and permissions, read before the first write: a run that fails halfway for want of a
 * role leaves a half-made Relay behind. Returns the providers apply must still register.
 */
async function checkAccess(
  ctx: RunContext,
  cluster: ClusterFacts,
  mode: 'apply' | 'delete'
): Promise<Map<string, string>> {
  const { arm, plan, ref } = ctx
  // Relay (and its provider) only matters when this request finds or creates one.
  const relay = mode === 'apply' && needsRelay(plan.request!)
  const unregistered =
    mode === 'apply'
      ? await unregisteredProviders(arm, providerNamespaces(relay))
      : new Map<string, string>()
  const needs = neededPermissions({
    mode,
    subscriptionId: arm.subscriptionId,
    cluster: { id: cluster.id, name: cluster.name, resourceGroup: ref.cluster.resourceGroup },
    relay,
    toRegister: [...unregistered].filter(([, state]) => state !== 'Registering').map(([ns]) => ns)
  })
  const granted = await readPermissions(
    arm,
    needs.map(n => n.scope),
    line => ctx.log.debug(line)
  )
  const missing = shortfalls(granted, needs)
  if (missing.length > 0) throw new PreflightError(describeShortfalls(missing))
  return unregistered
}

/**
 * A namespace still Terminating from an earlier delete makes any install fail: say so first. A
 * cluster that cannot be read stops the run here, before any write, when it is to be verified.
 */
async function namespaceNotTerminating(ctx: RunContext): Promise<void> {
  const phase = await ctx.plan.cluster?.namespacePhase().catch((err: Error) => {
    if (!whyNotChecked(ctx)) throw new PreflightError(`${err.message} Nothing was written.`)
    ctx.log.info(`The azureml namespace could not be read (${err.message}); going on.`)
    return undefined
  })
  if (phase === 'Terminating') {
    throw new PreflightError(
      'The azureml namespace is still Terminating from an earlier delete: an install would fail. Wait until it is gone (kubectl get namespace azureml), then run again.'
    )
  }
}

/** What runs on the cluster, read once: listing every pod is not cheap. */
async function readUsage(ctx: RunContext): Promise<PreflightFacts['usage']> {
  if (!ctx.plan.cluster) return undefined
  try {
    return await ctx.plan.cluster.usage()
  } catch (err) {
    ctx.log.info(
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
  const details = [c.distribution, c.connectivity]
    .filter(Boolean)
    .map(d => `, ${d}`)
    .join('')
  return `Cluster ${c.name}: ${c.type} in ${c.location}, ${nodes}${details}.`
}
