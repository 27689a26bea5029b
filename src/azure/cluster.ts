import type { ClusterType } from '../inputs.js'
import type { ClusterFacts } from '../settings/index.js'
import type { Arm } from './arm.js'
import { isNotFound } from './arm.js'
import { PreflightError } from './errors.js'

// The api-versions the az CLI reads the cluster resource with.
export const CLUSTER_RP: Record<ClusterType, { rp: string; apiVersion: string }> = {
  managedClusters: { rp: 'Microsoft.ContainerService', apiVersion: '2022-11-01' },
  connectedClusters: { rp: 'Microsoft.Kubernetes', apiVersion: '2021-10-01' }
}

export interface ClusterRef {
  resourceGroup: string
  type: ClusterType
  name: string
}

export function clusterResourceId(subscriptionId: string, c: ClusterRef): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${c.resourceGroup}/providers/${CLUSTER_RP[c.type].rp}/${c.type}/${c.name}`
}

interface ClusterResource {
  id: string
  location: string
  properties?: {
    agentPoolProfiles?: { count?: number }[]
    totalNodeCount?: number
    distribution?: string
    connectivityStatus?: string
  }
}

/** The cluster resource and the facts the settings engine needs; a 404 names the other type to try. */
export async function readCluster(arm: Arm, ref: ClusterRef): Promise<ClusterFacts> {
  const get = (type: ClusterType) =>
    arm.request<ClusterResource>(
      'GET',
      clusterResourceId(arm.subscriptionId, { ...ref, type }),
      CLUSTER_RP[type].apiVersion
    )
  let resource: ClusterResource
  try {
    resource = await get(ref.type)
  } catch (err) {
    if (!isNotFound(err)) throw err
    const other: ClusterType =
      ref.type === 'managedClusters' ? 'connectedClusters' : 'managedClusters'
    const exists = await get(other).then(
      () => true,
      () => false
    )
    const hint = exists
      ? `It exists as ${other}: set cluster-type: ${other}.`
      : `Check cluster-name, resource-group and subscription-id (it is not a ${other} either).`
    throw new PreflightError(
      `Cluster ${ref.name} was not found as ${ref.type} in resource group ${ref.resourceGroup}. ${hint}`
    )
  }
  const props = resource.properties ?? {}
  const nodeCount =
    ref.type === 'managedClusters'
      ? props.agentPoolProfiles?.reduce((sum, p) => sum + (p.count ?? 0), 0)
      : props.totalNodeCount
  return {
    id: clusterResourceId(arm.subscriptionId, ref),
    name: ref.name,
    type: ref.type,
    location: resource.location,
    nodeCount,
    distribution: props.distribution,
    connectivity: ref.type === 'connectedClusters' ? props.connectivityStatus : undefined
  }
}
