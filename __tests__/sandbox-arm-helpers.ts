/**
 * Shared by the sandbox's ARM/auth tests: OIDC + Entra + ARM without the Kubernetes side
 * (a scripted ClusterBackend stands in), and the real SDK clients pointed at them.
 */
import { randomUUID } from 'node:crypto'
import { ClientAssertionCredential } from '@azure/identity'
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration'
import type { ClusterBackend, ClusterOutcome, InstalledExtension } from '../sandbox/contract.js'
import { startArm } from '../sandbox/arm/server.js'
import type { ArmSandbox } from '../sandbox/arm/server.js'
import type { ClusterRecord } from '../sandbox/arm/clusters.js'
import { startEntra } from '../sandbox/entra.js'
import type { EntraSandbox } from '../sandbox/entra.js'
import { startOidc } from '../sandbox/oidc.js'
import type { OidcSandbox } from '../sandbox/oidc.js'
import { sandboxTls } from '../sandbox/tls.js'
import { trustSandboxCa } from '../sandbox/trust.js'

export const AUDIENCE = 'api://AzureADTokenExchange'
export const ARM_SCOPE = 'https://management.azure.com/.default'

/** A ClusterBackend the test scripts: calls are recorded; outcomes wait until released. */
export class ScriptedBackend implements ClusterBackend {
  readonly calls: { op: 'create' | 'update' | 'delete'; ext?: InstalledExtension }[] = []
  /** Outcomes to return, in order; `{ ok: true }` when empty. */
  readonly outcomes: ClusterOutcome[] = []
  private held: (() => void)[] = []
  private holding = false
  nodes = 3

  /** Keep operations in progress until release(). */
  hold(): void {
    this.holding = true
  }

  release(): void {
    this.holding = false
    for (const go of this.held.splice(0)) go()
  }

  applyExtension(ext: InstalledExtension, op: 'create' | 'update'): Promise<ClusterOutcome> {
    this.calls.push({ op, ext })
    return this.answer()
  }

  deleteExtension(): Promise<ClusterOutcome> {
    this.calls.push({ op: 'delete' })
    return this.answer()
  }

  nodeCount(): number {
    return this.nodes
  }

  private async answer(): Promise<ClusterOutcome> {
    if (this.holding) await new Promise<void>(resolve => this.held.push(resolve))
    return this.outcomes.shift() ?? { ok: true }
  }
}

export interface AzureWorld {
  oidc: OidcSandbox
  entra: EntraSandbox
  arm: ArmSandbox
  backend: ScriptedBackend
  arc: ClusterRecord
  aks: ClusterRecord
  subscriptionId: string
  stop(): Promise<void>
}

/** OIDC, Entra and ARM with an Arc cluster (backed by a ScriptedBackend) and an AKS cluster. */
/**
 * `staleReads: 0` turns off the replication lag (on by default, as the action must cope with it)
 * for tests about other behaviour that read a resource right after its operation.
 */
export async function startAzure(opts: { staleReads?: number } = {}): Promise<AzureWorld> {
  const material = sandboxTls()
  trustSandboxCa(material.ca)
  const [oidc, entra] = await Promise.all([startOidc(), startEntra({ tls: material })])
  const arm = await startArm({
    tls: material,
    tenantId: entra.tenantId,
    clientId: entra.clientId,
    tokenKey: entra.key
  })
  if (opts.staleReads !== undefined) arm.extensions.staleReads = opts.staleReads
  const subscriptionId = randomUUID()
  const backend = new ScriptedBackend()
  const cluster = { subscriptionId, resourceGroup: 'rg-ml', location: 'eastus' }
  const arc = arm.clusters.add({ ...cluster, name: 'arc-cluster', type: 'connectedClusters' })
  arc.nodeCount = () => backend.nodeCount()
  const aks = arm.clusters.add({ ...cluster, name: 'aks-cluster', type: 'managedClusters' })
  arm.setBackend(arc, backend)
  const stop = async (): Promise<void> => {
    backend.release()
    await Promise.all([arm.close(), entra.close(), oidc.close()])
  }
  return { oidc, entra, arm, backend, arc, aks, subscriptionId, stop }
}

/** A GitHub OIDC token fetched the way @actions/core does. */
export async function githubToken(oidc: OidcSandbox, audience = AUDIENCE): Promise<string> {
  const res = await fetch(`${oidc.requestUrl}&audience=${encodeURIComponent(audience)}`, {
    headers: { authorization: `Bearer ${oidc.requestToken}`, accept: 'application/json' }
  })
  if (!res.ok) throw new Error(`OIDC ${res.status}`)
  return ((await res.json()) as { value: string }).value
}

export function credential(world: Pick<AzureWorld, 'oidc' | 'entra'>, audience = AUDIENCE) {
  return new ClientAssertionCredential(
    world.entra.tenantId,
    world.entra.clientId,
    () => githubToken(world.oidc, audience),
    { authorityHost: world.entra.authorityHost, disableInstanceDiscovery: true }
  )
}

/** The real SDK client against the sandbox ARM; `maxRetries` keeps fault tests short. */
export function armClient(
  world: AzureWorld,
  maxRetries?: number
): SourceControlConfigurationClient {
  return new SourceControlConfigurationClient(credential(world), world.subscriptionId, {
    endpoint: world.arm.endpoint,
    credentialScopes: [ARM_SCOPE],
    ...(maxRetries !== undefined ? { retryOptions: { maxRetries, retryDelayInMs: 10 } } : {})
  })
}

/** Fast polling for the SDK's long-running-operation pollers. */
export const FAST = { updateIntervalInMs: 10 }

/** Path segments of the Arc cluster for the SDK's extension calls. */
export const ARC = ['rg-ml', 'Microsoft.Kubernetes', 'connectedClusters', 'arc-cluster'] as const
export const AKS = [
  'rg-ml',
  'Microsoft.ContainerService',
  'managedClusters',
  'aks-cluster'
] as const

/** An AzureML extension body as the action would send it. */
export function amlExtension(
  settings: Record<string, string> = {},
  secrets: Record<string, string> = {}
) {
  return {
    extensionType: 'microsoft.azureml.kubernetes',
    releaseTrain: 'stable',
    autoUpgradeMinorVersion: false,
    version: '1.1.71',
    scope: { cluster: { releaseNamespace: 'azureml' } },
    configurationSettings: { enableTraining: 'True', ...settings },
    configurationProtectedSettings: { ...secrets },
    identity: { type: 'SystemAssigned' as const }
  }
}

/** A raw ARM call with a real token: for status, header and body-shape assertions. */
export async function armFetch(
  world: AzureWorld,
  method: string,
  path: string,
  body?: unknown,
  apiVersion = '2023-05-01'
): Promise<{ status: number; headers: Headers; json: unknown }> {
  const token = await tokenFor(world)
  const sep = path.includes('?') ? '&' : '?'
  const res = await fetch(`${world.arm.endpoint}${path}${sep}api-version=${apiVersion}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' })
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    json: text ? (JSON.parse(text) as unknown) : undefined
  }
}

const tokens = new WeakMap<AzureWorld, Promise<string>>()

async function tokenFor(world: AzureWorld): Promise<string> {
  let token = tokens.get(world)
  if (!token) {
    token = credential(world)
      .getToken(ARM_SCOPE)
      .then(t => t.token)
    tokens.set(world, token)
  }
  return token
}

/** `/subscriptions/…/extensions[/name]` of a cluster. */
export function extensionsPath(c: ClusterRecord, name = ''): string {
  const rp = c.type === 'managedClusters' ? 'Microsoft.ContainerService' : 'Microsoft.Kubernetes'
  const base =
    `/subscriptions/${c.subscriptionId}/resourceGroups/${c.resourceGroup}/providers/${rp}/` +
    `${c.type}/${c.name}/providers/Microsoft.KubernetesConfiguration/extensions`
  return name ? `${base}/${name}` : base
}
