import { checkProvider, readCluster } from '../azure/cluster.js'
import { throwIfAny } from '../problems.js'
import { validateAgainstCluster } from '../settings/index.js'
import type { ClusterFacts } from '../settings/index.js'
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
  return { cluster, usage: await readUsage(ctx) }
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
