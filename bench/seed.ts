/**
 * Sandbox state for `npm run bench`, put in place without an ARM operation: the extension
 * resource as Succeeded, and a healthy `azureml` written straight into the store. The controller
 * cannot build 20,000 pods in reasonable time (its scheduler scans every pod for each placement),
 * so the components are the ones the action's catalog expects for the extension, built with the
 * controller's own object builders and every pod Ready.
 */
import { randomUUID } from 'node:crypto'
import { expectedComponents } from '../src/cluster/catalog.js'
import type { ExpectedComponent } from '../src/cluster/model.js'
import { fromPutBody, type StoredExtension } from '../sandbox/arm/extension-model.js'
import { SYSTEM_LABELS, type ComponentSpec } from '../sandbox/controller/components.js'
import { generatedName, templateHash } from '../sandbox/controller/naming.js'
import { nodeViews } from '../sandbox/controller/nodes.js'
import type { PodRuntime } from '../sandbox/controller/pod-lifecycle.js'
import { podObject, type PodTemplate } from '../sandbox/controller/pod-manifest.js'
import { ownerRef, workloadObjects, type WorkloadIds } from '../sandbox/controller/workloads.js'
import type { Sandbox } from '../sandbox/index.js'
import { nowIso, type ObjectStore } from '../sandbox/kube/store.js'

const NS = 'azureml'
const IMAGE_REPO = 'mcr.microsoft.com/azureml/amlarc/docker'

export interface Target {
  name: string
  version: string
  settings: Record<string, string>
}

/** The extension in ARM as a finished create leaves it: Succeeded at `version`. */
export function seedExtension(sandbox: Sandbox, t: Target): StoredExtension {
  const body = {
    ...(sandbox.cluster.type === 'connectedClusters'
      ? { identity: { type: 'SystemAssigned' } }
      : {}),
    properties: {
      extensionType: 'microsoft.azureml.kubernetes',
      releaseTrain: 'stable',
      autoUpgradeMinorVersion: false,
      version: t.version,
      scope: { cluster: { releaseNamespace: NS } },
      configurationSettings: t.settings
    }
  }
  const ext = fromPutBody(sandbox.cluster, t.name, body, sandbox.entra.tenantId)
  Object.assign(ext, { provisioningState: 'Succeeded', currentVersion: t.version })
  sandbox.arm.extensions.store.set(ext.id.toLowerCase(), ext)
  return ext
}

interface SeedContext {
  store: ObjectStore
  nodes: string[]
  target: Target
  now: string
  /** Pod names taken: 5 random characters collide within 5,000 DaemonSet pods. */
  names: Set<string>
}

/** Every expected component running and Ready; returns the pod count. */
export function seedHealthyNamespace(sandbox: Sandbox, target: Target): number {
  const store = sandbox.kube.store
  const views = nodeViews(store)
  const expected = expectedComponents({
    extensionName: target.name,
    version: target.version,
    clusterType: sandbox.cluster.type,
    settings: target.settings,
    nodes: views.map(n => ({ ...n, ready: true, taints: [] }))
  })
  store.put('namespaces', {
    metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS } },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' }
  })
  const names = new Set<string>()
  const ctx: SeedContext = { store, nodes: views.map(n => n.name), target, now: nowIso(), names }
  let pods = 0
  expected.forEach((c, i) => (pods += c.kind === 'Hook' ? seedHook(ctx) : seedWorkload(ctx, c, i)))
  return pods
}

function runtime(ctx: SeedContext, name: string, container: string, node: string): PodRuntime {
  ctx.names.add(name)
  return {
    name,
    uid: randomUUID(),
    component: container,
    hook: false,
    containers: [container],
    images: [`${IMAGE_REPO}/${container}:${ctx.target.version}`],
    stage: 'Ready',
    ticksInStage: 0,
    node,
    boundNode: node,
    restarts: 0,
    startedAt: ctx.now
  }
}

/** The healthcheck hook as Helm leaves it: Completed, kept until the next hook run. */
function seedHook(ctx: SeedContext): number {
  const rt: PodRuntime = {
    ...runtime(ctx, 'healthcheck', 'healthcheck', ctx.nodes[0]!),
    hook: true,
    stage: 'Succeeded',
    finishedAt: ctx.now
  }
  const labels = { app: 'healthcheck', ...SYSTEM_LABELS }
  const template = { labels, nodeSelector: {}, serviceAccount: 'default' }
  ctx.store.create('pods', podObject(rt, template, undefined, ctx.now))
  return 1
}

function uniqueName(ctx: SeedContext, generateName: string): string {
  for (;;) {
    const name = generatedName(generateName)
    if (!ctx.names.has(name)) return name
  }
}

/** A Deployment (+ReplicaSet), StatefulSet or DaemonSet and its pods, spread over the nodes. */
function seedWorkload(ctx: SeedContext, c: ExpectedComponent, offset: number): number {
  const kind = c.kind as ComponentSpec['kind']
  const labels = { app: c.name, ...SYSTEM_LABELS }
  const spec: ComponentSpec = {
    name: c.name,
    kind,
    replicas: c.desired,
    containers: [c.name],
    labels
  }
  const hash = templateHash(ctx.target.name, c.name, ctx.target.version)
  const ids: WorkloadIds = {
    uid: randomUUID(),
    hash,
    generation: 1,
    rsName: `${c.name}-${hash}`,
    rsUid: randomUUID()
  }
  const pods = Array.from({ length: c.desired }, (_, k) => {
    const node = ctx.nodes[(kind === 'DaemonSet' ? k : offset + k) % ctx.nodes.length]!
    const name =
      kind === 'StatefulSet'
        ? `${c.name}-${k}`
        : uniqueName(ctx, kind === 'Deployment' ? `${ids.rsName}-` : `${c.name}-`)
    return runtime(ctx, name, c.name, node)
  })
  const objects = workloadObjects({
    spec,
    ids,
    pods,
    nodeSelector: {},
    desiredNodes: c.desired,
    extName: ctx.target.name,
    now: ctx.now
  })
  for (const [storage, obj] of objects) ctx.store.create(storage, obj)
  const template = podTemplate(spec, ids)
  for (const rt of pods) ctx.store.create('pods', podObject(rt, template, undefined, ctx.now))
  return pods.length
}

/** The pod template the controller gives a component's pods (ComponentSet's, which is private). */
function podTemplate(spec: ComponentSpec, ids: WorkloadIds): PodTemplate {
  const owner =
    spec.kind === 'Deployment'
      ? ownerRef('apps/v1', 'ReplicaSet', ids.rsName!, ids.rsUid!)
      : ownerRef('apps/v1', spec.kind, spec.name, ids.uid)
  const hashLabels: Record<string, string> =
    spec.kind === 'Deployment'
      ? { 'pod-template-hash': ids.hash }
      : { 'controller-revision-hash': `${spec.name}-${ids.hash}` }
  if (spec.kind === 'DaemonSet') hashLabels['pod-template-generation'] = '1'
  return {
    labels: { ...spec.labels, ...hashLabels },
    owner,
    nodeSelector: {},
    serviceAccount: spec.name
  }
}
