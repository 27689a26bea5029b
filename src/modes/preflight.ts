import { checkProvider, readCluster } from '../azure/cluster.js'
import { PreflightError } from '../azure/errors.js'
import { throwIfAny } from '../problems.js'
import { validateAgainstCluster } from '../settings/index.js'
import type { ClusterFacts } from '../settings/index.js'
import { whyNotChecked } from './cluster.js'
import type { PreflightFacts, RunContext } from './context.js'

/**
 * Facts before any write: the cluster resource (a mistyped cluster must fail, never pass as
 * "nothing to do"), and for apply the provider, the request against the cluster and its usage.
 */
export async function preflight(ctx: RunContext): Promise<PreflightFacts> {
  const { arm, ref, plan, log } = ctx
  const applying = plan.inputs.mode === 'apply'
  if (applying) await checkProvider(arm)
  const cluster = await readCluster(arm, ref.cluster)
  log.info(describeCluster(cluster))
  if (!applying || !plan.request) return { cluster }
  throwIfAny(validateAgainstCluster(plan.request, cluster))
  await namespaceNotTerminating(ctx)
  return { cluster, usage: await readUsage(ctx) }
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
  return `Cluster ${c.name}: ${c.type} in ${c.location}, ${nodes}${c.distribution ? `, ${c.distribution}` : ''}.`
}
