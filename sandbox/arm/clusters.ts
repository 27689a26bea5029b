import { randomUUID } from 'node:crypto'
import type { SandboxResponse } from '../http.js'
import { ArmError, notFound } from './errors.js'
import type { Router } from './router.js'
import type { Scopes } from './scope.js'

export type ClusterType = 'connectedClusters' | 'managedClusters'

export const CLUSTER_RP: Record<ClusterType, string> = {
  connectedClusters: 'Microsoft.Kubernetes',
  managedClusters: 'Microsoft.ContainerService'
}

/** A cluster resource in the sandbox. Fields are live: tests may change them at any time. */
export interface ClusterRecord {
  subscriptionId: string
  resourceGroup: string
  name: string
  type: ClusterType
  location: string
  /** Reported as AKS `agentPoolProfiles[].count` sum or Arc `totalNodeCount`. */
  nodeCount: () => number
  /** Arc only: `k3s`, `openshift`, `aks`, … */
  distribution: string
  /** Arc only. */
  connectivityStatus: 'Connected' | 'Offline' | 'Expired' | 'Connecting'
  kubernetesVersion: string
  principalId: string
  /** AKS: Microsoft Entra integration (managed AAD), with Azure RBAC or Kubernetes RBAC. */
  aad?: { azureRbac: boolean }
  /** AKS: no local accounts (listClusterUserCredential then has nothing for a non-Entra cluster). */
  disableLocalAccounts: boolean
  /** AKS: the API server has only a private address, which the action cannot reach. */
  privateCluster: boolean
  /** AKS: the only client addresses the API server answers (empty: any). */
  authorizedIPRanges: string[]
}

/** Where a cluster's API server answers, for the user credential ARM hands out. */
export interface ApiServerAccess {
  url: string
  /** Where a private cluster's address leads from the action: nowhere that answers. */
  privateUrl: string
  caPem: string
  /** The local account's token. */
  token: string
}

export type ClusterSeed = Pick<
  ClusterRecord,
  'subscriptionId' | 'resourceGroup' | 'name' | 'type'
> &
  Partial<Omit<ClusterRecord, 'subscriptionId' | 'resourceGroup' | 'name' | 'type'>>

export function clusterId(c: ClusterRecord): string {
  return (
    `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}` +
    `/providers/${CLUSTER_RP[c.type]}/${c.type}/${c.name}`
  )
}

function aksBody(c: ClusterRecord, tenantId: string): Record<string, unknown> {
  const count = c.nodeCount()
  return {
    id: clusterId(c),
    location: c.location,
    name: c.name,
    type: 'Microsoft.ContainerService/ManagedClusters',
    identity: { type: 'SystemAssigned', principalId: c.principalId, tenantId },
    sku: { name: 'Base', tier: 'Free' },
    properties: {
      provisioningState: 'Succeeded',
      powerState: { code: 'Running' },
      kubernetesVersion: c.kubernetesVersion,
      dnsPrefix: `${c.name}-dns`,
      fqdn: `${c.name}-dns-00000000.hcp.${c.location}.azmk8s.io`,
      agentPoolProfiles: [
        { name: 'nodepool1', count, vmSize: 'Standard_DS3_v2', osType: 'Linux', mode: 'System' }
      ],
      nodeResourceGroup: `MC_${c.resourceGroup}_${c.name}_${c.location}`,
      enableRBAC: true,
      disableLocalAccounts: c.disableLocalAccounts,
      ...(c.aad
        ? {
            aadProfile: {
              managed: true,
              enableAzureRBAC: c.aad.azureRbac,
              adminGroupObjectIDs: [],
              tenantID: tenantId
            }
          }
        : {}),
      apiServerAccessProfile: {
        enablePrivateCluster: c.privateCluster,
        ...(c.authorizedIPRanges.length > 0 ? { authorizedIPRanges: c.authorizedIPRanges } : {})
      },
      ...(c.privateCluster
        ? { privateFQDN: `${c.name}-dns-00000000.privatelink.${c.location}.azmk8s.io` }
        : {})
    }
  }
}

function arcBody(c: ClusterRecord, tenantId: string): Record<string, unknown> {
  return {
    id: clusterId(c),
    name: c.name,
    type: 'Microsoft.Kubernetes/connectedClusters',
    location: c.location,
    identity: { type: 'SystemAssigned', principalId: c.principalId, tenantId },
    properties: {
      kubernetesVersion: c.kubernetesVersion,
      totalNodeCount: c.nodeCount(),
      totalCoreCount: c.nodeCount() * 4,
      agentVersion: '1.21.10',
      provisioningState: 'Succeeded',
      distribution: c.distribution,
      infrastructure: 'generic',
      connectivityStatus: c.connectivityStatus,
      lastConnectivityTime: new Date().toISOString()
    }
  }
}

/** The cluster resources of both types (GET at any api-version, as the CLI's 2022-11-01 / 2021-10-01). */
export class Clusters {
  private readonly records: ClusterRecord[] = []
  private readonly apiServers = new Map<ClusterRecord, ApiServerAccess>()

  constructor(
    private readonly scopes: Scopes,
    private readonly tenantId: string
  ) {}

  add(seed: ClusterSeed): ClusterRecord {
    const record: ClusterRecord = {
      location: 'eastus',
      nodeCount: () => 3,
      distribution: seed.type === 'managedClusters' ? 'aks' : 'k3s',
      connectivityStatus: 'Connected',
      kubernetesVersion: '1.30.6',
      principalId: randomUUID(),
      disableLocalAccounts: false,
      privateCluster: false,
      authorizedIPRanges: [],
      ...seed
    }
    this.scopes.addResourceGroup(record.subscriptionId, record.resourceGroup)
    this.records.push(record)
    return record
  }

  /** Finds a cluster by path segments (case-insensitive); throws ARM's 404 otherwise. */
  require(sub: string, rg: string, rp: string, type: string, name: string): ClusterRecord {
    const group = this.scopes.requireResourceGroup(sub, rg)
    const found = this.records.find(
      c =>
        c.subscriptionId.toLowerCase() === sub.toLowerCase() &&
        c.resourceGroup.toLowerCase() === rg.toLowerCase() &&
        CLUSTER_RP[c.type].toLowerCase() === rp.toLowerCase() &&
        c.type.toLowerCase() === type.toLowerCase() &&
        c.name.toLowerCase() === name.toLowerCase()
    )
    if (!found) throw notFound(`${rp}/${type}/${name}`, group)
    return found
  }

  byName(name: string): ClusterRecord | undefined {
    return this.records.find(c => c.name.toLowerCase() === name.toLowerCase())
  }

  body(c: ClusterRecord): Record<string, unknown> {
    return c.type === 'managedClusters' ? aksBody(c, this.tenantId) : arcBody(c, this.tenantId)
  }

  /** Where the cluster's API server answers; clusters without one get no user credential. */
  setApiServer(c: ClusterRecord, access: ApiServerAccess): void {
    this.apiServers.set(c, access)
  }

  /**
   * `listClusterUserCredential`: a kubeconfig, base64 in `kubeconfigs[0].value`. An Entra cluster's
   * user is the kubelogin exec plugin (or the retired azure auth-provider with `format=azure`):
   * only its server and CA are of use without kubelogin. A non-Entra cluster's user carries the
   * local account's token; with local accounts disabled there is none, as AKS answers.
   */
  userCredential(c: ClusterRecord, format: string | null): SandboxResponse {
    // `format` has two known values; what AKS answers for another is not documented: the
    // stricter reading refuses it, whatever the cluster's kind of user.
    if (format !== null && format !== 'azure' && format !== 'exec') {
      throw new ArmError(
        400,
        'InvalidParameter',
        `The value '${format}' of parameter 'format' is not supported: 'azure' or 'exec'.`
      )
    }
    const api = this.apiServers.get(c)
    if (c.type !== 'managedClusters' || !api) {
      throw new ArmError(404, 'NotFound', `The cluster ${c.name} has no user credential here.`)
    }
    if (!c.aad && c.disableLocalAccounts) {
      throw new ArmError(
        400,
        'BadRequest',
        'Getting static credential is not allowed because this cluster is set to disable local accounts.'
      )
    }
    const server = c.privateCluster ? api.privateUrl : api.url
    const user = c.aad ? entraUser(this.tenantId, format) : { token: api.token }
    const kubeconfig = credentialKubeconfig(c, server, api.caPem, user)
    return {
      status: 200,
      body: {
        kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(kubeconfig).toString('base64') }]
      }
    }
  }

  routes(router: Router): void {
    router.on(
      'POST',
      '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}/listClusterUserCredential',
      (p, req): SandboxResponse =>
        this.userCredential(
          this.require(p.sub!, p.rg!, 'Microsoft.ContainerService', 'managedClusters', p.cluster!),
          req.query.get('format')
        )
    )
    router.on(
      'GET',
      '/subscriptions/{sub}/resourceGroups/{rg}/providers/{rp}/{type}/{cluster}',
      (p): SandboxResponse => ({
        status: 200,
        body: this.body(this.require(p.sub!, p.rg!, p.rp!, p.type!, p.cluster!))
      })
    )
  }
}

/** The AKS server application: the audience of Entra tokens for Entra-integrated clusters. */
export const AKS_SERVER_APP = '6dae42f8-4368-4678-94ff-3960e28e3630'
// The Azure CLI's public client, which kubelogin signs users in as.
const AZURE_CLI_APP = '04b07795-8ddb-461a-bbee-02f9e1bf7b46'

function entraUser(tenantId: string, format: string | null): Record<string, unknown> {
  if (format === 'azure') {
    return {
      'auth-provider': {
        name: 'azure',
        config: {
          'apiserver-id': AKS_SERVER_APP,
          'client-id': AZURE_CLI_APP,
          'config-mode': '1',
          environment: 'AzurePublicCloud',
          'tenant-id': tenantId
        }
      }
    }
  }
  return {
    exec: {
      apiVersion: 'client.authentication.k8s.io/v1beta1',
      command: 'kubelogin',
      args: [
        'get-token',
        '--login',
        'devicecode',
        '--server-id',
        AKS_SERVER_APP,
        '--client-id',
        AZURE_CLI_APP,
        '--tenant-id',
        tenantId,
        '--environment',
        'AzurePublicCloud'
      ],
      interactiveMode: 'IfAvailable',
      provideClusterInfo: false
    }
  }
}

/** The kubeconfig AKS returns, as JSON (which is YAML): one cluster, one user, one context. */
function credentialKubeconfig(
  c: ClusterRecord,
  server: string,
  caPem: string,
  user: Record<string, unknown>
): string {
  const userName = `clusterUser_${c.resourceGroup}_${c.name}`
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: c.name,
        cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') }
      }
    ],
    users: [{ name: userName, user }],
    contexts: [{ name: c.name, context: { cluster: c.name, user: userName } }],
    'current-context': c.name,
    preferences: {}
  })
}
