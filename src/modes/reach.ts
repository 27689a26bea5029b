import { reachAks } from '../azure/aks-access.js'
import { PreflightError } from '../azure/errors.js'
import { KUBECONFIG_FIX } from '../kubeconfig-input.js'
import { withFix } from '../problems.js'
import type { RunContext } from './context.js'

/**
 * The one place the cluster is reached, whatever the way, after sign-in and before any write: the
 * kubeconfig the Inputs phase checked, opened with the Kubernetes client; or AKS without a
 * kubeconfig, through ARM with the signed-in identity (a cluster that is to be verified and
 * cannot be reached stops apply here). Sets the plan's cluster; does nothing once it is set.
 */
export async function reachCluster(ctx: RunContext): Promise<void> {
  const { plan } = ctx
  if (plan.cluster) return
  if (plan.access.way === 'kubeconfig') plan.cluster = await openKubeconfig(ctx)
  else if (plan.access.way === 'aks') plan.cluster = await throughArm(ctx, plan.access.access)
}

/** The Inputs phase's check is lighter than client-node's: what it still refuses stops here. */
async function openKubeconfig(ctx: RunContext): Promise<RunContext['plan']['cluster']> {
  const source = ctx.plan.kubeconfig
  if (!source) return undefined
  const k8s = await import('../cluster/index.js')
  try {
    const kc = k8s.parseKubeconfig(source.text, source.what)
    return k8s.openCluster(kc, ctx.mask, line => ctx.log.debug(line))
  } catch (err) {
    throw new PreflightError(
      withFix(
        `Input 'kubeconfig' cannot be used: ${(err as Error).message}. Nothing was written.`,
        KUBECONFIG_FIX
      )
    )
  }
}

function throughArm(ctx: RunContext, access: 'auto' | 'arm' | 'run-command') {
  const { plan, arm, ref, log } = ctx
  return reachAks({
    arm,
    cluster: ref.cluster,
    access,
    clientId: plan.inputs.clientId,
    mask: ctx.mask,
    info: line => log.info(line),
    debug: line => log.debug(line),
    connectMs: plan.inputs.tuning.connectMs,
    deadline: ctx.deadline,
    listingMs: plan.inputs.tuning.pollIntervalMs
  })
}
