import { X509Certificate } from 'node:crypto'
import type { ClusterType } from '../inputs.js'
import { asBoolean, cliBoolean } from './keys.js'
import type { ExtensionRequest } from './request.js'
import { AZUREML_NAMESPACE, EXTENSION_TYPE } from '../names.js'
import { digestSetting, DIGESTS_KEY } from './digests.js'

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
  /** Arc only: `Connected`, `Connecting`, `Offline`, `Expired`: whether its agents answer. */
  connectivity?: string
}

/** The Azure Relay hybrid connection an Arc cluster's relayserver uses. */
export interface RelayFacts {
  connectionString: string
  hybridConnectionResourceId: string
  hybridConnectionName: string
}

/** Azure resources made on the side before the extension, as the az CLI does (Relay on Arc). */
export interface SideResources {
  relay?: RelayFacts
  /** Salt for the digests of the protected values (settings/digests.ts); none: no digests. */
  digestSalt?: string
}

/** The body of the ARM PUT, in wire form (`properties` nested), api-version 2023-05-01. */
export interface ExtensionBody {
  identity?: { type: 'SystemAssigned' }
  properties: {
    extensionType: string
    autoUpgradeMinorVersion?: boolean
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

/** Whether the az CLI would find or create an Azure Relay for this request (spec/azureml-extension.md §3.5). */
export function needsRelay(req: ExtensionRequest): boolean {
  const enabled = asBoolean(req.settings['relayserver.enabled'])
  const own = 'relayServerConnectionString'
  const wanted = enabled ?? req.clusterType === 'connectedClusters'
  return wanted && !(own in req.settings) && !(own in req.protectedSettings)
}

/** A public key this action owns: the SHA-256 fingerprint of the TLS certificate it sent. */
export const TLS_FINGERPRINT_KEY = 'azuremlExtensionAction.sslCertSha256'

/**
 * Request + cluster facts → the ARM body the az CLI would send, minus its quirks: no local file
 * paths, and a user's `domain` kept. Pure.
 */
export function desiredExtension(
  req: ExtensionRequest,
  cluster: ClusterFacts,
  side: SideResources = {}
): DesiredExtension {
  const extra = sideResourceSettings(req, side)
  const secrets = { ...protectedSettings(req), ...extra.protected }
  if (side.digestSalt !== undefined && Object.keys(secrets).length > 0) {
    extra.public[DIGESTS_KEY] = digestSetting(secrets, side.digestSalt)
  }
  const body: ExtensionBody = {
    properties: {
      extensionType: EXTENSION_TYPE,
      ...(req.autoUpgradeMinorVersion !== undefined
        ? { autoUpgradeMinorVersion: req.autoUpgradeMinorVersion }
        : {}),
      releaseTrain: req.releaseTrain,
      ...(req.version !== undefined ? { version: req.version } : {}),
      scope: { cluster: { releaseNamespace: AZUREML_NAMESPACE } },
      configurationSettings: { ...publicSettings(req, cluster), ...extra.public },
      configurationProtectedSettings: secrets
    }
  }
  // The az CLI gives every cluster type but AKS a system-assigned identity.
  if (cluster.type !== 'managedClusters') body.identity = { type: 'SystemAssigned' }
  return { name: req.name, clusterId: cluster.id, body }
}

/** Public settings as the CLI computes them, without those that come from side resources. */
export function publicSettings(
  req: ExtensionRequest,
  cluster: ClusterFacts
): Record<string, string> {
  const s: Record<string, string> = { ...req.settings }
  s.enableTraining ??= cliBoolean(req.training)
  s.enableInference ??= cliBoolean(req.inference)
  smallClusterDefaults(s, req.protectedSettings, cluster)
  if (cluster.distribution?.toLowerCase() === 'openshift') s.openshift = 'true'
  if (req.inference) inferenceSettings(req, s)
  clusterSettings(s, cluster)
  return s
}

/** Protected settings from the user: their own keys and the TLS material, base64 as the CLI sends it. */
export function protectedSettings(req: ExtensionRequest): Record<string, string> {
  const p: Record<string, string> = { ...req.protectedSettings }
  const tls = activeTls(req)
  if (tls) {
    p['scoringFe.sslCert'] = Buffer.from(tls.cert).toString('base64')
    p['scoringFe.sslKey'] = Buffer.from(tls.key).toString('base64')
  }
  if (p.relayServerConnectionString !== undefined) {
    p['relayserver.relayConnectionString'] ??= p.relayServerConnectionString
  }
  return p
}

/** The PEM pair the inference router will serve, when HTTPS comes from PEM text. */
function activeTls(req: ExtensionRequest): { cert: string; key: string } | undefined {
  const { cert, key } = req.tls ?? {}
  const https = req.inference && asBoolean(req.settings.allowInsecureConnections) !== true
  return https && cert !== undefined && key !== undefined ? { cert, key } : undefined
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

function inferenceSettings(req: ExtensionRequest, s: Record<string, string>): void {
  const type = s.inferenceRouterServiceType?.toLowerCase()
  if (type === 'nodeport') s['scoringFe.serviceType.nodePort'] = 'True'
  else if (s.internalLoadBalancerProvider?.toLowerCase() === 'azure') {
    s['scoringFe.serviceType.internalLoadBalancer'] = 'True'
  }
  const tls = activeTls(req)
  // The certificate is public; its fingerprint lets a later run see whether TLS changed without
  // storing the key or anything it could be recovered from.
  if (tls) s[TLS_FINGERPRINT_KEY] = new X509Certificate(tls.cert).fingerprint256
  else if (s.sslSecret !== undefined && asBoolean(s.allowInsecureConnections) !== true) {
    s['scoringFe.sslSecret'] = s.sslSecret
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

/** Settings that point the extension at its Azure Relay. */
export function sideResourceSettings(
  req: ExtensionRequest,
  side: SideResources
): { public: Record<string, string>; protected: Record<string, string> } {
  const s: Record<string, string> = {}
  const p: Record<string, string> = {}
  if (needsRelay(req)) {
    if (!side.relay) throw new Error('desiredExtension: the relay must be found or created first')
    p.relayServerConnectionString = side.relay.connectionString
    p['relayserver.relayConnectionString'] = side.relay.connectionString
    s['relayserver.hybridConnectionResourceID'] = side.relay.hybridConnectionResourceId
    s['relayserver.hybridConnectionName'] = side.relay.hybridConnectionName
  }
  return { public: s, protected: p }
}
