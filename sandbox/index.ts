import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startArm } from './arm/server.js'
import type { ArmSandbox } from './arm/server.js'
import { AKS_SERVER_APP, clusterId } from './arm/clusters.js'
import type { ClusterRecord, ClusterType } from './arm/clusters.js'
import { startBlackhole } from './blackhole.js'
import { startEntra } from './entra.js'
import type { EntraSandbox, FederatedCredential } from './entra.js'
import { startKube } from './kube/index.js'
import type { KubeSandbox, StartKubeOptions } from './kube/index.js'
import { startOidc } from './oidc.js'
import type { OidcSandbox } from './oidc.js'
import { sandboxTls } from './tls.js'

export interface SandboxOptions {
  /** The cluster type the Kubernetes side backs (default `connectedClusters`). */
  clusterType?: ClusterType
  /** `sub` of GitHub OIDC tokens; the federated credential expects it unless told otherwise. */
  subject?: string
  federatedCredential?: Partial<FederatedCredential>
  subscriptionId?: string
  tenantId?: string
  clientId?: string
  /** Passed to the Kubernetes side (nodes, pod step time, watch settings). */
  kube?: Omit<StartKubeOptions, 'tls'>
}

/** What the action (or a shell) needs to talk to the sandbox, as environment-style names. */
export interface SandboxEnv {
  ACTIONS_ID_TOKEN_REQUEST_URL: string
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: string
  /** For the action's `arm-endpoint` input. */
  ARM_ENDPOINT: string
  /** For the action's `authority-host` input. */
  AUTHORITY_HOST: string
  /** Path of a kubeconfig file for the sandbox's API server. */
  KUBECONFIG: string
  /** Path of the CA's PEM (read by Node only at process start). */
  NODE_EXTRA_CA_CERTS: string
  AZURE_SUBSCRIPTION_ID: string
  AZURE_TENANT_ID: string
  AZURE_CLIENT_ID: string
  AZURE_RESOURCE_GROUP: string
  AZURE_CLUSTER_NAME: string
  AZURE_CLUSTER_TYPE: ClusterType
  NO_PROXY: string
}

export interface Sandbox {
  env: SandboxEnv
  oidc: OidcSandbox
  entra: EntraSandbox
  arm: ArmSandbox
  kube: KubeSandbox
  /** The cluster backed by `kube`. */
  cluster: ClusterRecord
  /** CA certificate PEM. */
  ca: string
  kubeconfigPath: string
  stop(): Promise<void>
}

export const RESOURCE_GROUP = 'rg-ml'
export const CLUSTER_NAMES: Record<ClusterType, string> = {
  connectedClusters: 'arc-cluster',
  managedClusters: 'aks-cluster'
}

/** One subscription, `rg-ml`, an Arc and an AKS cluster in eastus; the chosen type is backed by kube. */
function seed(
  arm: ArmSandbox,
  kube: KubeSandbox,
  subscriptionId: string,
  backed: ClusterType,
  openshift: boolean
) {
  let chosen: ClusterRecord | undefined
  for (const type of ['connectedClusters', 'managedClusters'] as const) {
    const record = arm.clusters.add({
      subscriptionId,
      resourceGroup: RESOURCE_GROUP,
      name: CLUSTER_NAMES[type],
      type,
      location: 'eastus',
      ...(type === backed ? { nodeCount: () => kube.backend.nodeCount() } : {}),
      // Arc reports what it found when the cluster was connected.
      ...(type === backed && openshift && type === 'connectedClusters'
        ? { distribution: 'openshift' }
        : {})
    })
    if (type === backed) chosen = record
  }
  arm.setBackend(chosen!, kube.backend)
  arm.runCommands.attach(chosen!, kube.kubeconfigYaml)
  return chosen!
}

/**
 * The AKS cluster's access rules, read live from its ARM record: listClusterUserCredential hands
 * out the API server (or, when private, an address that never answers); the API server takes
 * Entra tokens for the AKS server app on Entra clusters, checks Azure RBAC data actions against
 * the identity's role assignments, refuses the local account when local accounts are disabled,
 * and answers only the authorized IP ranges.
 */
function aksAccess(
  arm: ArmSandbox,
  entra: EntraSandbox,
  kube: KubeSandbox,
  cluster: ClusterRecord,
  caPem: string,
  privateUrl: string
): void {
  arm.clusters.setApiServer(cluster, { url: kube.url, privateUrl, caPem, token: kube.token })
  kube.setAuth({
    localAccounts: () => !cluster.disableLocalAccounts,
    entra: () => (cluster.aad ? { key: entra.key, audience: AKS_SERVER_APP } : undefined),
    azureRbac: () =>
      cluster.aad?.azureRbac
        ? (oid, action) =>
            oid === entra.clientId && arm.permissions.allowsData(clusterId(cluster), action)
        : undefined,
    admits: address => admitted(cluster.authorizedIPRanges, address)
  })
}

/** Whether an IPv4 address (possibly IPv6-mapped) is in one of the CIDR ranges; none means all. */
function admitted(ranges: string[], address: string): boolean {
  if (ranges.length === 0) return true
  const ip = toNumber(address.replace(/^::ffff:/, ''))
  return ranges.some(range => {
    const [base = '', bits = '32'] = range.split('/')
    const mask = Number(bits) === 0 ? 0 : (~0 << (32 - Number(bits))) >>> 0
    return ip !== undefined && (ip & mask) >>> 0 === ((toNumber(base) ?? -1) & mask) >>> 0
  })
}

function toNumber(ipv4: string): number | undefined {
  const parts = ipv4.split('.').map(Number)
  if (parts.length !== 4 || parts.some(p => !(p >= 0 && p <= 255))) return undefined
  return parts.reduce((n, p) => n * 256 + p, 0)
}

/** Starts OIDC, Entra, ARM and Kubernetes stand-ins on loopback ports. */
export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const tls = sandboxTls()
  const subject = opts.subject ?? 'repo:octo-org/octo-repo:environment:prod'
  const [oidc, entra, kube, dir] = await Promise.all([
    startOidc({ subject }),
    startEntra({
      tls,
      ...(opts.tenantId ? { tenantId: opts.tenantId } : {}),
      ...(opts.clientId ? { clientId: opts.clientId } : {}),
      federatedCredential: { subject, ...opts.federatedCredential }
    }),
    startKube({ tls, ...opts.kube }),
    mkdtemp(join(tmpdir(), 'aml-sandbox-'))
  ])
  const arm = await startArm({
    tls,
    tenantId: entra.tenantId,
    clientId: entra.clientId,
    tokenKey: entra.key
  })
  const subscriptionId = opts.subscriptionId ?? randomUUID()
  const clusterType = opts.clusterType ?? 'connectedClusters'
  const cluster = seed(arm, kube, subscriptionId, clusterType, !!opts.kube?.openshift)
  const blackhole = await startBlackhole()
  if (clusterType === 'managedClusters') aksAccess(arm, entra, kube, cluster, tls.ca, blackhole.url)
  const caPath = join(dir, 'ca.pem')
  const kubeconfigPath = join(dir, 'kubeconfig')
  await Promise.all([writeFile(caPath, tls.ca), writeFile(kubeconfigPath, kube.kubeconfigYaml)])

  const env: SandboxEnv = {
    ACTIONS_ID_TOKEN_REQUEST_URL: oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.requestToken,
    ARM_ENDPOINT: arm.endpoint,
    AUTHORITY_HOST: entra.authorityHost,
    KUBECONFIG: kubeconfigPath,
    NODE_EXTRA_CA_CERTS: caPath,
    AZURE_SUBSCRIPTION_ID: subscriptionId,
    AZURE_TENANT_ID: entra.tenantId,
    AZURE_CLIENT_ID: entra.clientId,
    AZURE_RESOURCE_GROUP: RESOURCE_GROUP,
    AZURE_CLUSTER_NAME: cluster.name,
    AZURE_CLUSTER_TYPE: clusterType,
    NO_PROXY: '127.0.0.1,localhost'
  }
  const stop = async (): Promise<void> => {
    await Promise.all([arm.close(), entra.close(), oidc.close(), kube.close(), blackhole.close()])
    await rm(dir, { recursive: true, force: true })
  }
  return { env, oidc, entra, arm, kube, cluster, ca: tls.ca, kubeconfigPath, stop }
}
