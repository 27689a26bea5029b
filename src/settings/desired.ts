import type { ClusterType } from '../inputs.js'
import { asBoolean, cliBoolean } from './keys.js'
import type { ExtensionRequest } from './request.js'

export const EXTENSION_TYPE = 'microsoft.azureml.kubernetes'
export const RELEASE_NAMESPACE = 'azureml'

/** What ARM says about the cluster resource; feeds the CLI-derived settings. */
export interface ClusterFacts {
  /** Full ARM resource id of the cluster. */
  id: string
  name: string
  type: ClusterType
  location: string
  nodeCount?: number
  /** Arc only: `properties.distribution`, e.g. `openshift`, `k3s`, `aks`. */
  distribution?: string
}

/** The Azure Relay hybrid connection an Arc cluster's relayserver uses. */
export interface RelayFacts {
  connectionString: string
  hybridConnectionResourceId: string
  hybridConnectionName: string
}

/** The Log Analytics workspace `logAnalyticsWS=true` asks for. */
export interface LogAnalyticsFacts {
  customerId: string
  sharedKey: string
}

/** Azure resources made on the side before the extension, as the az CLI does. */
export interface SideResources {
  relay?: RelayFacts
  logAnalytics?: LogAnalyticsFacts
}

/** The body of the ARM PUT, in wire form (`properties` nested), api-version 2023-05-01. */
export interface ExtensionBody {
  identity?: { type: 'SystemAssigned' }
  properties: {
    extensionType: string
    autoUpgradeMinorVersion: boolean
    releaseTrain: string
    version?: string
    scope: { cluster: { releaseNamespace: string } }
    configurationSettings: Record<string, string>
    configurationProtectedSettings: Record<string, string>
  }
}

export interface DesiredExtension {
  name: string
  clusterId: string
  body: ExtensionBody
}

/** Whether the az CLI would find or create an Azure Relay for this request (reference §3.5). */
export function needsRelay(req: ExtensionRequest): boolean {
  const enabled = asBoolean(req.settings['relayserver.enabled'])
  const own = 'relayServerConnectionString'
  const wanted = enabled ?? req.clusterType === 'connectedClusters'
  return wanted && !(own in req.settings) && !(own in req.protectedSettings)
}

/** Whether a Log Analytics workspace must be found or created for this request. */
export function needsLogAnalytics(req: ExtensionRequest): boolean {
  const key = 'azure_log_analytics.connection_string'
  return asBoolean(req.settings.logAnalyticsWS) === true && !(key in req.protectedSettings)
}

/**
 * Request + cluster facts → the ARM body the az CLI would send, minus its quirks: no local file
 * paths, and a user's `domain` kept. Pure.
 */
export function desiredExtension(
  req: ExtensionRequest,
  cluster: ClusterFacts,
  side: SideResources = {}
): DesiredExtension {
  const s: Record<string, string> = { ...req.settings }
  const p: Record<string, string> = { ...req.protectedSettings }
  s.enableTraining ??= cliBoolean(req.training)
  s.enableInference ??= cliBoolean(req.inference)
  smallClusterDefaults(s, p, cluster)
  if (cluster.distribution?.toLowerCase() === 'openshift') s.openshift = 'true'
  if (req.inference) inferenceSettings(req, s, p)
  clusterSettings(s, cluster)
  sideResourceSettings(req, s, p, side)

  const body: ExtensionBody = {
    properties: {
      extensionType: EXTENSION_TYPE,
      autoUpgradeMinorVersion: req.autoUpgradeMinorVersion,
      releaseTrain: req.releaseTrain,
      ...(req.version !== undefined ? { version: req.version } : {}),
      scope: { cluster: { releaseNamespace: RELEASE_NAMESPACE } },
      configurationSettings: s,
      configurationProtectedSettings: p
    }
  }
  // The az CLI gives every cluster type but AKS a system-assigned identity.
  if (cluster.type !== 'managedClusters') body.identity = { type: 'SystemAssigned' }
  return { name: req.name, clusterId: cluster.id, body }
}

function smallClusterDefaults(
  s: Record<string, string>,
  p: Record<string, string>,
  cluster: ClusterFacts
): void {
  if (cluster.nodeCount === undefined || cluster.nodeCount >= 3) return
  if (!('clusterPurpose' in s) && !('clusterPurpose' in p)) s.clusterPurpose = 'DevTest'
  if (!('inferenceRouterHA' in s) && !('inferenceRouterHA' in p)) s.inferenceRouterHA = 'false'
}

function inferenceSettings(
  req: ExtensionRequest,
  s: Record<string, string>,
  p: Record<string, string>
): void {
  const type = s.inferenceRouterServiceType?.toLowerCase()
  if (type === 'nodeport') s['scoringFe.serviceType.nodePort'] = 'True'
  else if (s.internalLoadBalancerProvider?.toLowerCase() === 'azure') {
    s['scoringFe.serviceType.internalLoadBalancer'] = 'True'
  }
  if (asBoolean(s.allowInsecureConnections) !== true) {
    const { cert, key } = req.tls ?? {}
    if (cert !== undefined && key !== undefined) {
      p['scoringFe.sslCert'] = Buffer.from(cert).toString('base64')
      p['scoringFe.sslKey'] = Buffer.from(key).toString('base64')
    } else if (s.sslSecret !== undefined) {
      s['scoringFe.sslSecret'] = s.sslSecret
    }
  }
  if (asBoolean(s.isAKSMigration) === true) s['scoringFe.namespace'] = 'default'
}

function clusterSettings(s: Record<string, string>, cluster: ClusterFacts): void {
  const location = cluster.location.toLowerCase()
  s.cluster_name ??= cluster.id
  s.clusterId ??= s.cluster_name
  s['prometheus.prometheusSpec.externalLabels.cluster_name'] ??= s.cluster_name
  s.domain ??= `${location}.cloudapp.azure.com`
  s.location ??= location
  s.jobSchedulerLocation ??= location
  s.cluster_name_friendly ??= cluster.name
  const aks = cluster.type === 'managedClusters'
  s['servicebus.enabled'] ??= 'false'
  s['relayserver.enabled'] ??= aks ? 'false' : 'true'
  s['nginxIngress.enabled'] ??= aks ? 'true' : 'false'
}

function sideResourceSettings(
  req: ExtensionRequest,
  s: Record<string, string>,
  p: Record<string, string>,
  side: SideResources
): void {
  const ownRelay = p.relayServerConnectionString
  if (ownRelay !== undefined) p['relayserver.relayConnectionString'] ??= ownRelay
  if (needsRelay(req)) {
    if (!side.relay) throw new Error('desiredExtension: the relay must be found or created first')
    p.relayServerConnectionString = side.relay.connectionString
    p['relayserver.relayConnectionString'] = side.relay.connectionString
    s['relayserver.hybridConnectionResourceID'] = side.relay.hybridConnectionResourceId
    s['relayserver.hybridConnectionName'] = side.relay.hybridConnectionName
  }
  if (needsLogAnalytics(req)) {
    if (!side.logAnalytics)
      throw new Error('desiredExtension: the workspace must be found or created first')
    s['azure_log_analytics.enabled'] = 'True'
    s['azure_log_analytics.customer_id'] = side.logAnalytics.customerId
    p['azure_log_analytics.connection_string'] = side.logAnalytics.sharedKey
  }
}
