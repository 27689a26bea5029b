/**
 * apply on an OpenShift Arc cluster, before any write: SCC `privileged` must admit the service
 * accounts the extension runs as, else its pods are never created and the install hangs until
 * Helm's timeout. Gathers what can be read; cluster/scc.ts decides.
 */
import { PreflightError } from '../azure/errors.js'
import {
  PRIVILEGED_SCC,
  SccReadForbidden,
  decideScc,
  isOpenShift,
  requiredServiceAccounts
} from '../cluster/scc.js'
import type { SccFacts, ServiceAccountRef } from '../cluster/scc.js'
import { publicSettings } from '../settings/index.js'
import type { ClusterFacts } from '../settings/index.js'
import { whyNotChecked } from './cluster.js'
import type { RunContext } from './context.js'

export async function checkOpenShift(ctx: RunContext, cluster: ClusterFacts): Promise<void> {
  const request = ctx.plan.request
  if (!request || cluster.type !== 'connectedClusters' || !isOpenShift(cluster.distribution)) return
  const required = requiredServiceAccounts({
    extensionName: request.name,
    version: request.version,
    clusterType: cluster.type,
    settings: publicSettings(request, cluster)
  })
  const decision = decideScc(required, await sccFacts(ctx, required))
  if (decision.act === 'refuse') throw new PreflightError(decision.message)
  if (decision.act === 'warn') ctx.log.warning(decision.message)
  else ctx.log.info(decision.note)
}

async function sccFacts(ctx: RunContext, required: ServiceAccountRef[]): Promise<SccFacts> {
  const cluster = ctx.plan.cluster
  if (!cluster?.securityContextConstraint) return { kind: 'unreachable' }
  const namespaces = required.map(sa => sa.namespace)
  try {
    const grants = await cluster.securityContextConstraint(PRIVILEGED_SCC, namespaces)
    return grants ? { kind: 'read', grants } : { kind: 'not-served' }
  } catch (err) {
    if (err instanceof SccReadForbidden) return { kind: 'forbidden', what: err.what }
    return { kind: 'failed', message: (err as Error).message, fatal: !whyNotChecked(ctx) }
  }
}
