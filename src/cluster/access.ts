/**
 * How the cluster checks reach the cluster, decided from the inputs and, for AKS without a
 * kubeconfig, from what ARM says about the cluster's API server. Pure: no I/O.
 */
import type { ClusterAccess, ClusterType } from '../inputs.js'

/** The AKS server application: Entra issues the tokens an Entra-integrated API server accepts. */
export const AKS_SERVER_APP = '6dae42f8-4368-4678-94ff-3960e28e3630'

/** What the Inputs phase can decide before anything calls Azure. */
export type AccessPlan =
  | { way: 'kubeconfig' }
  /** AKS: the way is decided once ARM has said how the API server may be reached. */
  | { way: 'aks'; access: 'auto' | 'arm' | 'run-command' }
  /** The cluster is not checked; `note` says why, `notice` (once, to the log) what to give. */
  | { way: 'none'; note: string; notice?: string }

export interface AccessInputs {
  access: ClusterAccess
  kubeconfigGiven: boolean
  clusterType: ClusterType
  waitForPods: boolean
}

/** The first step of the decision, from the inputs alone. */
export function planAccess(i: AccessInputs): AccessPlan {
  if (i.access === 'none') return { way: 'none', note: notChecked('cluster-access is none') }
  if (i.access === 'kubeconfig' || (i.access === 'auto' && i.kubeconfigGiven)) {
    return { way: 'kubeconfig' }
  }
  if (!i.waitForPods) return { way: 'none', note: notChecked('wait-for-pods is false') }
  if (i.clusterType === 'managedClusters') return { way: 'aks', access: i.access }
  return {
    way: 'none',
    note: notChecked('an Arc cluster is reached through its own kubeconfig, and none was given'),
    notice:
      'The pods are not verified: an Arc cluster is reached only through its own kubeconfig ' +
      '(cluster connect needs a local proxy, which an action cannot run). Give kubeconfig ' +
      '(a secret holding a kubeconfig whose user may read azureml), or set cluster-access: none ' +
      'to verify through ARM only without this notice.'
  }
}

const notChecked = (why: string) => `The cluster was not checked: ${why}.`

/** What ARM says about an AKS cluster's API server and who it lets in. */
export interface AksAccessFacts {
  /** Microsoft Entra ID integration (managed AAD). */
  entra: boolean
  /** Azure RBAC for Kubernetes authorization (Entra clusters only). */
  azureRbac: boolean
  localAccountsDisabled: boolean
  /** The API server has only a private address. */
  private: boolean
  /** Authorized IP ranges; empty when any address may connect. */
  authorizedIpRanges: string[]
}

/** How an AKS cluster without a kubeconfig is reached, or why it cannot be. */
export type AksAccess =
  /** listClusterUserCredential, then an Entra token for the AKS server app, or its local account. */
  | { way: 'arm'; credential: 'entra' | 'local'; note: string }
  | { way: 'run-command'; note: string }
  | { way: 'refused'; message: string; fix: string }

/** The second step, once ARM has described the cluster. */
export function aksAccess(
  access: 'auto' | 'arm' | 'run-command',
  facts: AksAccessFacts,
  cluster: { name: string; resourceGroup: string }
): AksAccess {
  if (access === 'run-command') {
    return { way: 'run-command', note: 'through AKS Run Command (cluster-access: run-command)' }
  }
  if (access === 'auto' && facts.private) {
    return {
      way: 'run-command',
      note: 'through AKS Run Command: the cluster is private, its API server has no public address'
    }
  }
  if (!facts.entra && facts.localAccountsDisabled) {
    const aks = `az aks update -g ${cluster.resourceGroup} -n ${cluster.name}`
    return {
      way: 'refused',
      message: `AKS cluster ${cluster.name} has local accounts disabled and no Microsoft Entra integration: ARM hands out no credential that its API server accepts.`,
      fix: `Enable Entra integration (${aks} --enable-aad --enable-azure-rbac), or local accounts again (${aks} --enable-local-accounts), or give a kubeconfig, or set cluster-access: none.`
    }
  }
  const how = facts.entra
    ? `with a Microsoft Entra token for the AKS server application (${facts.azureRbac ? 'Azure RBAC' : 'Kubernetes RBAC'})`
    : "with the cluster's local user credential"
  return {
    way: 'arm',
    credential: facts.entra ? 'entra' : 'local',
    note: `through ARM (listClusterUserCredential) ${how}`
  }
}

/** A Kubernetes request as RBAC names it: `list pods in azureml`, `list nodes`. */
export interface KubeRequest {
  verb: string
  /** `pods`, `deployments.apps`. */
  resource: string
  namespace?: string
}

/** Who asked, for the fixes: the identity's client id and the cluster's resource id. */
export interface AccessIdentity {
  clientId: string
  clusterId: string
}

// The read data actions of the built-in "Azure Kubernetes Service RBAC Reader" that the checks
// use; it has none for nodes (cluster-scoped), which the checks also read.
const RBAC_READER_COVERS = new Set([
  'namespaces',
  'pods',
  'events',
  'configmaps',
  'deployments.apps',
  'replicasets.apps',
  'daemonsets.apps',
  'statefulsets.apps'
])

/** The Azure RBAC data action a read of `resource` needs: `…/managedClusters/apps/deployments/read`. */
export function readDataAction(resource: string): string {
  const [plural, ...group] = resource.split('.')
  const path = group.length > 0 ? `${group.join('.')}/${plural}` : plural
  return `Microsoft.ContainerService/managedClusters/${path}/read`
}

/** A failed request to the API server, as the Kubernetes side reports it (ClusterRequestError). */
export interface ClusterFailure {
  kind?: 'forbidden' | 'unauthorized' | 'unreachable'
  operation?: KubeRequest
  /** The network's words: `ECONNREFUSED: …`, `no answer within 10 s`. */
  detail?: string
}

/**
 * A failure of a cluster reached through ARM, explained for that cluster and identity; undefined
 * when the Kubernetes side's own words are the best there are.
 */
export function explainFailure(
  facts: AksAccessFacts,
  failure: ClusterFailure,
  at: { cluster: { name: string; resourceGroup: string }; server: string; who: AccessIdentity }
): { message: string; fix: string } | undefined {
  if (failure.kind === 'forbidden' && facts.entra && failure.operation) {
    return explainForbidden(facts, failure.operation, at.who)
  }
  if (failure.kind === 'unauthorized' && facts.entra) {
    return {
      message: `The API server ${at.server} refused the identity's Entra token for the AKS server application (401 Unauthorized).`,
      fix: `Check that cluster ${at.cluster.name} is Entra-integrated in this identity's tenant (az aks show -g ${at.cluster.resourceGroup} -n ${at.cluster.name} --query aadProfile).`
    }
  }
  if (failure.kind !== 'unreachable') return undefined
  const why = failure.detail ?? 'no answer'
  return (
    explainUnreachable(facts, at.cluster, at.server, why) ?? {
      message: `The API server ${at.server} of AKS cluster ${at.cluster.name} did not answer (${why}).`,
      fix: 'Check the network path from the runner to the cluster, or set cluster-access: run-command, or wait-for-pods: false.'
    }
  )
}

/** Why the API server refused (403) a request made with the identity's Entra token, and the fix. */
export function explainForbidden(
  facts: AksAccessFacts,
  request: KubeRequest,
  who: AccessIdentity
): { message: string; fix: string } {
  const what = `${request.verb} ${request.resource}${request.namespace ? ` in ${request.namespace}` : ''}`
  if (!facts.azureRbac) {
    return {
      message: `The API server refused to ${what} for the identity (client id ${who.clientId}): the cluster authorizes Entra identities with Kubernetes RBAC, and no binding lets it read.`,
      fix: `Bind the read-only Role and ClusterRole of the README ("What the cluster's user needs") to the identity's object id (subjects: kind User, name <object id of ${who.clientId}>).`
    }
  }
  const action = readDataAction(request.resource)
  const assign = (role: string) =>
    `az role assignment create --assignee ${who.clientId} --role "${role}" --scope ${who.clusterId}`
  const message = `Azure RBAC refused to ${what} for the identity (client id ${who.clientId}): it holds no role with ${action} on the cluster (User does not have access to the resource in Azure).`
  if (RBAC_READER_COVERS.has(request.resource)) {
    return {
      message,
      fix: `Assign the built-in role "Azure Kubernetes Service RBAC Reader" on the cluster: ${assign('Azure Kubernetes Service RBAC Reader')} (and, for nodes, the role "AzureML extension verifier" of the README).`
    }
  }
  return {
    message,
    fix: `No read-only built-in role grants ${action}: create the role "AzureML extension verifier" of the README (az role definition create --role-definition @verifier-role.json) and assign it: ${assign('AzureML extension verifier')}.`
  }
}

/** Why the API server did not answer, on a cluster reached through ARM, and the fix. */
export function explainUnreachable(
  facts: AksAccessFacts,
  cluster: { name: string; resourceGroup: string },
  server: string,
  why: string
): { message: string; fix: string } | undefined {
  if (facts.private) {
    return {
      message: `AKS cluster ${cluster.name} is private: its API server ${server} has only a private address, and this runner cannot reach it (${why}).`,
      fix: 'Run the job on a runner inside the cluster’s virtual network (or one peered with it), or set cluster-access: run-command (or auto), or wait-for-pods: false.'
    }
  }
  if (facts.authorizedIpRanges.length > 0) {
    const ranges = facts.authorizedIpRanges.join(', ')
    return {
      message: `AKS cluster ${cluster.name} admits only the authorized IP ranges ${ranges} to its API server ${server}, and this runner got no answer (${why}): its egress address is not among them.`,
      fix: `Add the runner's egress IP (az aks update -g ${cluster.resourceGroup} -n ${cluster.name} --api-server-authorized-ip-ranges ${facts.authorizedIpRanges.join(',')},<runner IP>/32), use a runner whose egress is in a range, or set cluster-access: run-command.`
    }
  }
  return undefined
}
