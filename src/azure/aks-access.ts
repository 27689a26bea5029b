/**
 * AKS without a kubeconfig: the cluster's API server address and CA from ARM
 * (listClusterUserCredential), and on Entra-integrated clusters a token for the AKS server
 * application from the identity that signed in to ARM. Nothing is written to disk and every
 * credential is masked before anything could print it. The ContainerService SDK and the
 * Kubernetes client load only here, only for runs that come this way.
 */
import type { AccessToken } from '@azure/identity'
import type { KubeConfig } from '@kubernetes/client-node'
import type { ManagedCluster } from '@azure/arm-containerservice'
import { withFix } from '../problems.js'
import { AKS_SERVER_APP, aksAccess, explainFailure } from '../cluster/access.js'
import type { AccessIdentity, AksAccessFacts, ClusterFailure } from '../cluster/access.js'
import type { Cluster } from '../cluster/index.js'
import type { Arm } from './arm.js'
import { clusterResourceId } from './cluster.js'
import type { ClusterRef } from './cluster.js'
import { PreflightError } from './errors.js'
import type { Deadline } from '../deadline.js'

export interface AksReach {
  arm: Arm
  cluster: ClusterRef
  access: 'auto' | 'arm' | 'run-command'
  /** The identity's client id, for the fixes' role assignments. */
  clientId: string
  mask: (secret: string) => void
  info: (line: string) => void
  debug: (line: string) => void
  /** How long the API server may take to answer at all (default 10 s). */
  connectMs?: number
  /** Bounds every Run Command and its polls. */
  deadline: Deadline
  /** Least time between two Run Command listings (default 10 s; tests go faster). */
  listingMs?: number
}

/** Reaches the AKS cluster as ARM allows, or throws a PreflightError that says why not and the fix. */
export async function reachAks(r: AksReach): Promise<Cluster> {
  const { get, listClusterUserCredentials } =
    await import('@azure/arm-containerservice/api/managedClusters')
  const { createContainerService } = await import('@azure/arm-containerservice/api')
  const aks = createContainerService(r.arm.credential, r.arm.subscriptionId, r.arm.clientOptions)
  const facts = accessFacts(await get(aks, r.cluster.resourceGroup, r.cluster.name))
  const decision = aksAccess(r.access, facts, r.cluster)
  if (decision.way === 'refused') throw new PreflightError(withFix(decision.message, decision.fix))
  r.info(`The cluster is checked ${decision.note}.`)
  if (decision.way === 'run-command') return openByRunCommand(r, facts)
  const credential = await listClusterUserCredentials(
    aks,
    r.cluster.resourceGroup,
    r.cluster.name
  ).catch((err: unknown) => {
    throw credentialRefused(err, facts, r)
  })
  const value = credential.kubeconfigs?.[0]?.value
  if (!value) throw new PreflightError('ARM returned no user credential for the cluster.')
  // As ARM sent it (base64 on one line): masked before the text is even looked at.
  r.mask(Buffer.from(value).toString('base64'))
  return openThroughCredential(r, Buffer.from(value).toString('utf8'), facts, decision.credential)
}

/**
 * Private clusters (or cluster-access: run-command): every look is a `kubectl get` that AKS runs
 * inside the cluster, as the signed-in identity; Entra-integrated clusters need the AKS server
 * application's token in each request, masked like every other credential.
 */
async function openByRunCommand(r: AksReach, facts: AksAccessFacts): Promise<Cluster> {
  const [{ aksCommandRunner }, { openRunCommandCluster }] = await Promise.all([
    import('./run-command.js'),
    import('../cluster/run-command-cluster.js')
  ])
  const run = aksCommandRunner(r.arm, r.cluster, {
    ...(facts.entra ? { clusterToken: entraToken(r) } : {}),
    deadline: r.deadline,
    debug: r.debug
  })
  return openRunCommandCluster(run, {
    debug: r.debug,
    ...(r.listingMs !== undefined ? { pollMs: r.listingMs } : {})
  })
}

function accessFacts(mc: ManagedCluster): AksAccessFacts {
  const aad = mc.aadProfile
  const api = mc.apiServerAccessProfile
  return {
    entra: aad?.managed === true,
    azureRbac: aad?.managed === true && aad.enableAzureRbac === true,
    localAccountsDisabled: mc.disableLocalAccounts === true,
    private: api?.enablePrivateCluster === true,
    authorizedIpRanges: api?.authorizedIPRanges ?? []
  }
}

/** The kubeconfig in memory, reached and readable, its failures explained for this cluster. */
async function openThroughCredential(
  r: AksReach,
  text: string,
  facts: AksAccessFacts,
  way: 'entra' | 'local'
): Promise<Cluster> {
  const k8s = await import('../cluster/index.js')
  let kc: KubeConfig
  try {
    const credential = k8s.parseKubeconfig(text, "ARM's user credential")
    k8s.kubeconfigSecrets(credential).forEach(r.mask)
    kc = k8s.aksKubeconfig(credential, way === 'entra' ? entraToken(r) : undefined)
  } catch (err) {
    throw new PreflightError(
      `The cluster's user credential cannot be used: ${(err as Error).message}.`
    )
  }
  const server = kc.getCurrentCluster()!.server
  r.debug(`AKS API server ${server}, ${way === 'entra' ? 'Entra token' : 'local account'}.`)
  const explain = explainer(r, facts, server)
  const silent = await k8s.unanswered(kc, r.connectMs ?? 10_000)
  if (silent) throw explain({ kind: 'unreachable', detail: silent } satisfies ClusterFailure)
  await k8s.checkReadable(kc).catch((err: unknown) => {
    throw explain(err)
  })
  return explained(k8s.openCluster(kc, r.mask, r.debug), explain)
}

/**
 * The AKS server application's token for each request: one shared while it has more than five
 * minutes left (the watch's parallel lists would otherwise each ask Entra), then a fresh one.
 */
function entraToken(r: AksReach): () => Promise<string> {
  let held: AccessToken | undefined
  let pending: Promise<AccessToken> | undefined
  const fresh = async (): Promise<AccessToken> => {
    const token = await r.arm.credential.getToken(`${AKS_SERVER_APP}/.default`)
    if (!token) throw new Error('Entra ID issued no token for the AKS server application')
    r.mask(token.token)
    return (held = token)
  }
  return async () => {
    if (held && held.expiresOnTimestamp - Date.now() > 5 * 60_000) return held.token
    pending ??= fresh().finally(() => (pending = undefined))
    return (await pending).token
  }
}

/** Refusals by the API server or the network, in terms of this cluster and identity. */
function explainer(r: AksReach, facts: AksAccessFacts, server: string): (err: unknown) => Error {
  const who: AccessIdentity = {
    clientId: r.clientId,
    clusterId: clusterResourceId(r.arm.subscriptionId, r.cluster)
  }
  return err => {
    const said = explainFailure(facts, err as ClusterFailure, { cluster: r.cluster, server, who })
    return said
      ? new PreflightError(withFix(said.message, said.fix), { cause: err })
      : (err as Error)
  }
}

/** The cluster with every failure explained as `explain` says. */
function explained(cluster: Cluster, explain: (err: unknown) => Error): Cluster {
  const wrap =
    <A extends unknown[], T>(f: (...a: A) => Promise<T>) =>
    (...a: A) =>
      f(...a).catch((err: unknown) => {
        throw explain(err)
      })
  return {
    ...cluster,
    usage: wrap(cluster.usage),
    namespacePhase: wrap(cluster.namespacePhase),
    verdict: wrap(cluster.verdict),
    failure: wrap(cluster.failure),
    look: wrap(cluster.look),
    gone: wrap(cluster.gone)
  }
}

/** ARM's refusal of listClusterUserCredential, with the role or the cluster change that fixes it. */
function credentialRefused(err: unknown, facts: AksAccessFacts, r: AksReach): Error {
  const e = err as { statusCode?: number; code?: string; message?: string }
  const id = clusterResourceId(r.arm.subscriptionId, r.cluster)
  if (e.statusCode === 403) {
    return new PreflightError(
      withFix(
        `ARM refused listClusterUserCredential on cluster ${r.cluster.name}: the identity (client id ${r.clientId}) lacks Microsoft.ContainerService/managedClusters/listClusterUserCredential/action there.`,
        `Assign the built-in role "Azure Kubernetes Service Cluster User Role" on the cluster: az role assignment create --assignee ${r.clientId} --role "Azure Kubernetes Service Cluster User Role" --scope ${id}`
      )
    )
  }
  if (e.statusCode === 400 && /local accounts/i.test(e.message ?? '')) {
    const refused = aksAccess(
      'arm',
      { ...facts, entra: false, localAccountsDisabled: true },
      r.cluster
    )
    if (refused.way === 'refused') return new PreflightError(withFix(refused.message, refused.fix))
  }
  return new PreflightError(
    `ARM refused listClusterUserCredential on cluster ${r.cluster.name}: ${e.statusCode ?? ''} ${e.code ?? ''} ${e.message ?? String(err)}`.replace(
      /\s+/g,
      ' '
    )
  )
}
