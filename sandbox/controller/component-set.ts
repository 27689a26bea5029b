/**
 * The extension's workloads in `azureml` and their pods: created, scaled, replaced and removed
 * to match a desired component list, advanced one lifecycle step per tick and mirrored into the store.
 */
import { randomUUID } from 'node:crypto'
import { nowIso, type ObjectStore } from '../kube/store.js'
import type { ComponentSpec } from './components.js'
import type { EventRecorder } from './event-recorder.js'
import type { ComponentFaults } from './faults.js'
import { generatedName, templateHash } from './naming.js'
import { nodeViews } from './nodes.js'
import { step, type EventSpec, type PodRuntime } from './pod-lifecycle.js'
import { podObject, type PodTemplate } from './pod-manifest.js'
import { serviceAccountOf } from './scc.js'
import { eligibleNodes, place, type NodeView, type Placement } from './scheduler.js'
import { ownerRef, workloadObjects, type WorkloadIds } from './workloads.js'

interface Component {
  spec: ComponentSpec
  ids: WorkloadIds
  pods: PodRuntime[]
  nodeSelector: Record<string, string>
  removing: boolean
  /** Admission refused a pod: ticks until the next try, and how many were refused in a row. */
  refused?: { wait: number; times: number }
  /** Last status signature written, to skip unchanged writes. */
  written?: string
}

const IMAGE_REPO = 'mcr.microsoft.com/azureml/amlarc/docker'
const STABLE = new Set(['Ready', 'Succeeded', 'Failed'])

export class ComponentSet {
  private readonly components = new Map<string, Component>()
  private readonly podWritten = new Map<string, string>()

  constructor(
    private readonly store: ObjectStore,
    private readonly events: EventRecorder,
    private readonly faults: ComponentFaults,
    private readonly release: () => { name: string; version: string },
    /** How long a deleted pod stays Terminating (its containers stopping) before it is gone. */
    private readonly terminationGraceMs = 0,
    /** Why a pod of this service account would be refused (OpenShift SCC), or undefined. */
    private readonly admission?: (serviceAccount: string) => string | undefined
  ) {}

  /** Brings the workload set to `desired` (scale, replace on template change, remove the rest). */
  reconcile(desired: ComponentSpec[], nodeSelector: Record<string, string>): void {
    const wanted = new Set(desired.map(c => c.name))
    for (const c of this.components.values()) if (!wanted.has(c.spec.name)) this.remove(c)
    const { name, version } = this.release()
    for (const spec of desired) {
      const hash = templateHash(
        name,
        spec.name,
        version,
        spec.containers.join(','),
        JSON.stringify(nodeSelector)
      )
      let c = this.components.get(spec.name)
      if (c && c.ids.hash !== hash) c = this.replaceTemplate(c, spec, hash, nodeSelector)
      c ??= this.create(spec, hash, nodeSelector)
      c.spec = spec
      c.removing = false
      this.scale(c)
    }
  }

  removeAll(): void {
    for (const c of this.components.values()) this.remove(c)
  }

  get empty(): boolean {
    return this.components.size === 0
  }

  /** Every pod of every desired component Ready, counts right, nothing terminating. */
  get rolledOut(): boolean {
    for (const c of this.components.values()) {
      if (c.removing || c.pods.some(p => p.terminating || p.stage !== 'Ready')) return false
      if (c.pods.length !== this.desiredPods(c)) return false
    }
    return true
  }

  /** Whether anything still moves without outside input (pods walking, faults repeating). */
  get busy(): boolean {
    for (const c of this.components.values()) {
      if (c.removing || c.refused || this.faults.get(c.spec.name)) return true
      if (c.pods.some(p => p.terminating || !STABLE.has(p.stage))) return true
    }
    return false
  }

  tick(now: string): void {
    const nodes = nodeViews(this.store)
    for (const c of this.components.values()) {
      // Pods marked for deletion are gone once their grace period has passed (at least a tick).
      const gone = (p: PodRuntime) =>
        p.terminating && Date.now() - (p.terminatingAt ?? 0) >= this.terminationGraceMs
      for (const p of c.pods.filter(gone)) this.deletePod(p)
      c.pods = c.pods.filter(p => !gone(p))
      if (c.removing) {
        this.markTerminating(c.pods, now)
        if (c.pods.length === 0) this.deleteWorkload(c)
        continue
      }
      if (c.refused && --c.refused.wait <= 0) this.scale(c)
      for (const p of c.pods) {
        const evs = step(p, {
          fault: this.faults.get(c.spec.name),
          hookFails: false,
          place: () => this.placement(c, p, nodes),
          now
        })
        this.recordPodEvents(p, evs, now)
      }
    }
    this.sync(now)
  }

  /** Mirrors pods and workloads into the store where they changed. */
  sync(now: string): void {
    for (const c of this.components.values()) {
      const template = this.template(c)
      for (const p of c.pods) this.writePod(p, template, c, now)
      const signature = `${c.pods.map(p => `${p.stage}${p.terminating ? 'T' : ''}${p.node ?? ''}`).join()}|${this.desiredPods(c)}|${c.ids.generation}`
      if (signature === c.written) continue
      c.written = signature
      const objects = workloadObjects({
        spec: c.spec,
        ids: c.ids,
        pods: c.pods,
        nodeSelector: c.nodeSelector,
        desiredNodes: this.desiredPods(c),
        extName: this.release().name,
        now
      })
      for (const [storage, obj] of objects) this.store.put(storage, obj)
    }
  }

  private create(
    spec: ComponentSpec,
    hash: string,
    nodeSelector: Record<string, string>
  ): Component {
    const c: Component = {
      spec,
      ids: {
        uid: randomUUID(),
        hash,
        generation: 1,
        rsName: `${spec.name}-${hash}`,
        rsUid: randomUUID()
      },
      pods: [],
      nodeSelector,
      removing: false
    }
    this.components.set(spec.name, c)
    if (spec.kind === 'Deployment') {
      this.recordWorkloadEvent(c, 'Deployment', {
        type: 'Normal',
        reason: 'ScalingReplicaSet',
        message: `Scaled up replica set ${c.ids.rsName} from 0 to ${spec.replicas}`,
        source: 'deployment-controller'
      })
    }
    return c
  }

  /** A new pod template (version or selector change): a new ReplicaSet replaces the old pods. */
  private replaceTemplate(
    c: Component,
    spec: ComponentSpec,
    hash: string,
    nodeSelector: Record<string, string>
  ): Component {
    const now = nowIso()
    this.markTerminating(c.pods, now)
    if (c.ids.rsName) this.store.remove('apps/replicasets', 'azureml', c.ids.rsName)
    c.ids = {
      ...c.ids,
      hash,
      generation: c.ids.generation + 1,
      rsName: `${spec.name}-${hash}`,
      rsUid: randomUUID()
    }
    c.nodeSelector = nodeSelector
    c.written = undefined
    return c
  }

  private remove(c: Component): void {
    c.removing = true
  }

  private desiredPods(c: Component): number {
    if (c.spec.kind !== 'DaemonSet') return c.spec.replicas
    return eligibleNodes(nodeViews(this.store), c.nodeSelector).length
  }

  private scale(c: Component): void {
    const live = c.pods.filter(p => !p.terminating)
    if (c.spec.kind === 'DaemonSet') return this.scaleDaemonSet(c, live)
    const now = nowIso()
    if (live.length > c.spec.replicas) this.markTerminating(live.slice(c.spec.replicas), now)
    for (let i = live.length; i < c.spec.replicas; i++) {
      const name = this.podName(c, i)
      if (this.refuses(c, name)) return
      c.pods.push(this.newPod(c, name))
    }
  }

  /**
   * Admission refusing the component's pods: the workload controller records FailedCreate and
   * retries, so the workload stays without pods and Helm waits until its timeout.
   */
  private refuses(c: Component, podName: string): boolean {
    const why = this.admission?.(serviceAccountOf(c.spec.name, this.release().name))
    if (why === undefined) {
      c.refused = undefined
      return false
    }
    // The controller's exponential back-off, in ticks.
    const times = (c.refused?.times ?? 0) + 1
    c.refused = { times, wait: 2 ** Math.min(times, 6) }
    const sts = c.spec.kind === 'StatefulSet'
    const generated = c.spec.kind === 'Deployment' ? `${c.ids.rsName}-` : `${c.spec.name}-`
    const forbidden = `pods "${sts ? podName : generated}" is forbidden: ${why}`
    this.recordWorkloadEvent(c, c.spec.kind === 'Deployment' ? 'ReplicaSet' : c.spec.kind, {
      type: 'Warning',
      reason: 'FailedCreate',
      message: sts
        ? `create Pod ${podName} in StatefulSet ${c.spec.name} failed error: ${forbidden}`
        : `Error creating: ${forbidden}`,
      source: `${c.spec.kind === 'Deployment' ? 'replicaset' : c.spec.kind.toLowerCase()}-controller`
    })
    return true
  }

  private scaleDaemonSet(c: Component, live: PodRuntime[]): void {
    const eligible = new Set(eligibleNodes(nodeViews(this.store), c.nodeSelector).map(n => n.name))
    this.markTerminating(
      live.filter(p => !eligible.has(p.boundNode!)),
      nowIso()
    )
    const covered = new Set(live.map(p => p.boundNode))
    for (const node of eligible) {
      if (covered.has(node)) continue
      const name = generatedName(`${c.spec.name}-`)
      if (this.refuses(c, name)) return
      c.pods.push({ ...this.newPod(c, name), boundNode: node })
    }
  }

  private podName(c: Component, ordinal: number): string {
    if (c.spec.kind === 'StatefulSet') return `${c.spec.name}-${ordinal}`
    return generatedName(`${c.ids.rsName}-`)
  }

  private newPod(c: Component, name: string): PodRuntime {
    const version = this.release().version
    const pod: PodRuntime = {
      name,
      uid: randomUUID(),
      component: c.spec.name,
      hook: false,
      containers: c.spec.containers,
      images: c.spec.containers.map(x => `${IMAGE_REPO}/${x}:${version}`),
      stage: 'Pending',
      ticksInStage: 0,
      restarts: 0
    }
    if (c.spec.kind === 'Deployment') {
      this.recordWorkloadEvent(c, 'ReplicaSet', {
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message: `Created pod: ${name}`,
        source: 'replicaset-controller'
      })
    } else {
      const controller =
        c.spec.kind === 'DaemonSet' ? 'daemonset-controller' : 'statefulset-controller'
      const message =
        c.spec.kind === 'DaemonSet'
          ? `Created pod: ${name}`
          : `create Pod ${name} in StatefulSet ${c.spec.name} successful`
      this.recordWorkloadEvent(c, c.spec.kind, {
        type: 'Normal',
        reason: 'SuccessfulCreate',
        message,
        source: controller
      })
    }
    return pod
  }

  private placement(c: Component, p: PodRuntime, nodes: NodeView[]): Placement {
    const fault = this.faults.get(c.spec.name)
    const load = new Map<string, number>()
    for (const other of this.components.values())
      for (const q of other.pods) if (q.node) load.set(q.node, (load.get(q.node) ?? 0) + 1)
    const taken = c.spec.onePerNode
      ? new Set(c.pods.filter(q => q !== p && q.node && !q.terminating).map(q => q.node!))
      : undefined
    return place({
      nodes: p.boundNode ? nodes.filter(n => n.name === p.boundNode) : nodes,
      nodeSelector: c.nodeSelector,
      antiAffinityNodes: taken,
      load,
      forced: fault?.kind === 'Unschedulable' ? fault.reason : undefined
    })
  }

  private template(c: Component): PodTemplate {
    const kind = c.spec.kind
    const labels =
      kind === 'Deployment'
        ? { ...c.spec.labels, 'pod-template-hash': c.ids.hash }
        : {
            ...c.spec.labels,
            'controller-revision-hash': `${c.spec.name}-${c.ids.hash}`,
            ...(kind === 'DaemonSet' ? { 'pod-template-generation': String(c.ids.generation) } : {})
          }
    const owner =
      kind === 'Deployment'
        ? ownerRef('apps/v1', 'ReplicaSet', c.ids.rsName!, c.ids.rsUid!)
        : ownerRef('apps/v1', kind, c.spec.name, c.ids.uid)
    return {
      labels,
      owner,
      nodeSelector: c.nodeSelector,
      antiAffinityLabels: c.spec.onePerNode ? { azuremlappname: 'azureml-fe' } : undefined,
      serviceAccount: serviceAccountOf(c.spec.name, this.release().name)
    }
  }

  private writePod(p: PodRuntime, t: PodTemplate, c: Component, now: string): void {
    const signature = podSignature(p)
    if (this.podWritten.get(p.uid) === signature) return
    this.podWritten.set(p.uid, signature)
    const stored = podObject(p, t, this.faults.get(c.spec.name), now)
    if (c.spec.kind === 'StatefulSet')
      stored.metadata.labels = {
        ...stored.metadata.labels,
        'statefulset.kubernetes.io/pod-name': p.name,
        'apps.kubernetes.io/pod-index': p.name.slice(p.name.lastIndexOf('-') + 1)
      }
    this.store.put('pods', stored)
  }

  private markTerminating(pods: PodRuntime[], now: string): void {
    for (const p of pods) {
      if (p.terminating) continue
      p.terminating = true
      p.terminatingAt = Date.now()
      if (p.node) {
        this.recordPodEvents(
          p,
          p.containers.map(x => ({
            type: 'Normal' as const,
            reason: 'Killing',
            message: `Stopping container ${x}`,
            source: 'kubelet',
            fieldPath: `spec.containers{${x}}`
          })),
          now
        )
      }
    }
  }

  private deletePod(p: PodRuntime): void {
    this.store.remove('pods', 'azureml', p.name)
    this.podWritten.delete(p.uid)
  }

  private deleteWorkload(c: Component): void {
    const storage = {
      Deployment: 'apps/deployments',
      StatefulSet: 'apps/statefulsets',
      DaemonSet: 'apps/daemonsets'
    }[c.spec.kind]
    this.store.remove(storage, 'azureml', c.spec.name)
    if (c.ids.rsName) this.store.remove('apps/replicasets', 'azureml', c.ids.rsName)
    this.components.delete(c.spec.name)
  }

  private recordPodEvents(p: PodRuntime, evs: EventSpec[], now: string): void {
    for (const e of evs)
      this.events.record(
        { kind: 'Pod', name: p.name, uid: p.uid, apiVersion: 'v1', node: p.node },
        e,
        now
      )
  }

  private recordWorkloadEvent(c: Component, kind: string, e: EventSpec): void {
    const name = kind === 'ReplicaSet' ? c.ids.rsName! : c.spec.name
    const uid = kind === 'ReplicaSet' ? c.ids.rsUid! : c.ids.uid
    this.events.record({ kind, name, uid, apiVersion: 'apps/v1' }, e, nowIso())
  }

  /** Pod names per component, for reports and tests. */
  podsOf(component: string): PodRuntime[] {
    return this.components.get(component)?.pods ?? []
  }
}

/** Everything a pod's rendering depends on, to skip writes that would change nothing. */
export function podSignature(p: PodRuntime): string {
  return [p.stage, p.restarts, p.node, p.terminating, p.pullBackOff, p.schedulingMessage].join('|')
}
