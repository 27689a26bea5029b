import { randomUUID } from 'node:crypto'
import type { SandboxResponse } from '../http.js'
import { notFound } from './errors.js'
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
      enableRBAC: true
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

  routes(router: Router): void {
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
