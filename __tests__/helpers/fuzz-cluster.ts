/**
 * Random `azureml` namespaces for the diagnosis fuzzing, as Kubernetes objects (plain JSON, the
 * way watch events bring them), reduced with the action's own facts reducers. `healthyWorld`
 * builds a namespace where every expected component runs Running and Ready; the noise and
 * trouble arbitraries add what a real namespace also holds.
 */
import type {
  CoreV1Event,
  V1ContainerStatus,
  V1DaemonSet,
  V1Deployment,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet
} from '@kubernetes/client-node'
import fc from 'fast-check'
import {
  eligibleNodes,
  expectedComponents,
  nodeSelectorOf,
  SYSTEM_TOLERATIONS
} from '../../src/cluster/catalog.js'
import {
  daemonSetFacts,
  deploymentFacts,
  eventFacts,
  nodeFacts,
  podFacts,
  replicaSetFacts,
  statefulSetFacts
} from '../../src/cluster/facts.js'
import type { ExpectedComponent, NamespaceSnapshot } from '../../src/cluster/model.js'
import type { ClusterTarget } from '../../src/cluster/verify.js'

export const NOW = Date.parse('2025-06-01T12:00:00Z')
const MIN = 60_000
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
const one = <T>(...values: T[]) => fc.constantFrom(...values)

/** The Kubernetes objects of one namespace, before they are reduced to facts. */
export interface Objects {
  namespacePhase?: string
  pods: V1Pod[]
  deployments: V1Deployment[]
  statefulSets: V1StatefulSet[]
  daemonSets: V1DaemonSet[]
  replicaSets: V1ReplicaSet[]
  nodes: V1Node[]
  events: CoreV1Event[]
  healthcheck?: Record<string, string>
}

export function snapshotOf(o: Objects): NamespaceSnapshot {
  return {
    ...(o.namespacePhase ? { namespacePhase: o.namespacePhase } : {}),
    pods: o.pods.map(podFacts),
    workloads: [
      ...o.deployments.map(deploymentFacts),
      ...o.statefulSets.map(statefulSetFacts),
      ...o.daemonSets.map(daemonSetFacts),
      ...o.replicaSets.map(replicaSetFacts)
    ],
    nodes: o.nodes.map(nodeFacts),
    events: o.events.map(eventFacts),
    ...(o.healthcheck ? { healthcheck: o.healthcheck } : {})
  }
}

// ---------------------------------------------------------------- the extension and its nodes

const SETTING_KEYS = [
  'enableTraining',
  'enableInference',
  'inferenceRouterHA',
  'inferenceLoadBalancerHA',
  'installPromOp',
  'reuseExistingPromOp',
  'installVolcano',
  'volcanoScheduler.enable',
  'installNvidiaDevicePlugin',
  'installDcgmExporter',
  'relayserver.enabled',
  'nginxIngress.enabled',
  'blobCsiDriverEnabled'
]

export const targetArb: fc.Arbitrary<ClusterTarget> = fc.record({
  extensionName: one(
    'arcml-extension',
    'mllab',
    'azureml',
    'a',
    'gateway',
    'ml-extension-with-a-long-name-that-pushes-pod-names-63',
    'e'.repeat(53)
  ),
  version: fc.option(one('1.0.75', '1.1.4', '1.1.5', '1.1.16', '1.1.17', '1.1.71', 'v1.2.0', 'x'), {
    nil: undefined
  }),
  clusterType: one('connectedClusters', 'managedClusters'),
  settings: fc
    .tuple(
      fc.dictionary(one(...SETTING_KEYS), one('true', 'false', 'True', 'FALSE', '', 'yes'), {
        maxKeys: 8
      }),
      fc.option(one('cpu', 'gpu'), { nil: undefined })
    )
    .map(([s, pool]) => (pool ? { ...s, 'nodeSelector.pool': pool } : s))
})

const TAINTS = [
  { key: 'ml.azure.com/amlarc', value: 'true', effect: 'NoSchedule' },
  { key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' },
  { key: 'dedicated', value: 'gpu', effect: 'PreferNoSchedule' }
]

/** A node as the property prints it; `nodeObjects` makes the Kubernetes objects. */
export interface NodeShape {
  ready?: string
  cordoned: boolean
  pool: string
  os: string
  taints: { key: string; value?: string; effect: string }[]
}

export const nodesArb: fc.Arbitrary<NodeShape[]> = fc.array(
  fc.record({
    ready: one<string | undefined>('True', 'True', 'True', 'False', 'Unknown', undefined),
    cordoned: fc.integer({ min: 0, max: 5 }).map(n => n === 0),
    pool: one('cpu', 'gpu'),
    os: one('linux', 'windows'),
    taints: fc.uniqueArray(one(...TAINTS), { maxLength: 2, selector: t => t.key })
  }),
  { minLength: 1, maxLength: 6 }
)

export function nodeObjects(shapes: NodeShape[]): V1Node[] {
  return shapes.map((n, i) => ({
    metadata: {
      name: `aks-${n.pool}-1234-vmss00000${i}`,
      labels: { pool: n.pool, 'kubernetes.io/os': n.os }
    },
    spec: { unschedulable: n.cordoned, taints: n.taints },
    status: {
      conditions: n.ready === undefined ? [] : [{ type: 'Ready', status: n.ready }],
      allocatable: { cpu: '4', memory: '16Gi', pods: '110' }
    }
  }))
}

// ---------------------------------------------------------------- a healthy namespace

/** A small PRNG, so one generated seed shapes every pod of a namespace. */
export function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  const chars = (n: number, alphabet = 'bcdfghjklmnpqrstvwxz2456789') =>
    Array.from({ length: n }, () => alphabet[int(0, alphabet.length - 1)]).join('')
  return { next, int, chars }
}
export type Random = ReturnType<typeof random>

/** Kubernetes' generateName: the base cut to 58 characters, then 5 random ones. */
const generated = (base: string, r: Random) => `${base.slice(0, 58)}${r.chars(5)}`

const ownerRef = (kind: string, name: string) => [
  { apiVersion: 'apps/v1', kind, name, uid: `${kind}-${name}`, controller: true }
]

function runningContainer(name: string, r: Random, created: number): V1ContainerStatus {
  const restarts = r.next() < 0.7 ? 0 : r.int(1, 6)
  const lastState = restarts
    ? {
        terminated: {
          reason: ['Error', 'OOMKilled', 'Completed'][r.int(0, 2)]!,
          exitCode: [1, 137, 0][r.int(0, 2)]!,
          finishedAt: new Date(created + MIN)
        }
      }
    : {}
  return {
    name,
    image: `mcr.microsoft.com/azureml/${name}:1`,
    imageID: '',
    ready: true,
    restartCount: restarts,
    started: true,
    state: { running: { startedAt: new Date(created + 2 * MIN) } },
    lastState
  }
}

/** A pod Running with every container ready (some restarted earlier, some with init containers). */
export function readyPod(
  name: string,
  owner: { kind: string; name: string } | undefined,
  node: string | undefined,
  r: Random
): V1Pod {
  const created = NOW - r.int(1, 120) * MIN
  const names = Array.from({ length: r.int(1, 3) }, (_, i) => `c${i}`)
  const inits = r.next() < 0.3 ? ['init'] : []
  return {
    metadata: {
      name,
      namespace: 'azureml',
      labels: { 'ml.azure.com/amlarc-system': 'true' },
      ownerReferences: owner ? ownerRef(owner.kind, owner.name) : undefined,
      // Lists bring Date objects, watch events strings: both must read the same.
      creationTimestamp: (r.next() < 0.5 ? iso(created) : new Date(created)) as unknown as Date
    },
    spec: {
      nodeName: node,
      containers: names.map(n => ({ name: n })),
      initContainers: inits.map(n => ({ name: n }))
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Initialized', status: 'True' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'Ready', status: 'True' }
      ],
      containerStatuses: names.map(n => runningContainer(n, r, created)),
      initContainerStatuses: inits.map(n => ({
        name: n,
        image: 'i',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { reason: 'Completed', exitCode: 0 } }
      }))
    }
  }
}

function completedHook(r: Random): V1Pod {
  const created = NOW - r.int(5, 200) * MIN
  return {
    metadata: {
      name: 'healthcheck',
      namespace: 'azureml',
      creationTimestamp: iso(created) as unknown as Date
    },
    spec: { containers: [{ name: 'healthcheck', image: 'h' }] },
    status: {
      phase: 'Succeeded',
      conditions: [{ type: 'Ready', status: 'False', reason: 'PodCompleted' }],
      containerStatuses: [
        {
          name: 'healthcheck',
          image: 'h',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { terminated: { reason: 'Completed', exitCode: 0 } }
        }
      ]
    }
  }
}

/** A finished Job's pod: Succeeded, its container terminated Completed. */
export function completedJobPod(name: string, job: string): V1Pod {
  const p = completedHook(random(name.length))
  return {
    ...p,
    metadata: { ...p.metadata, name, ownerReferences: ownerRef('Job', job) }
  }
}

const meta = (name: string, generation = 1) => ({ name, namespace: 'azureml', generation })

function deployment(c: ExpectedComponent, r: Random, o: Objects, nodes: string[]): void {
  const rs = `${c.name}-${r.chars(r.int(9, 10))}`
  o.deployments.push({
    metadata: meta(c.name),
    spec: { replicas: c.desired, selector: {}, template: {} },
    status: {
      observedGeneration: 1,
      replicas: c.desired,
      readyReplicas: c.desired,
      updatedReplicas: c.desired,
      availableReplicas: c.desired,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }
      ]
    }
  })
  // Reads may miss the ReplicaSet (RBAC, a race): the pod's owner name still says which.
  if (r.next() < 0.8)
    o.replicaSets.push({
      metadata: { ...meta(rs), ownerReferences: ownerRef('Deployment', c.name) },
      spec: { replicas: c.desired, selector: {} },
      status: { replicas: c.desired, readyReplicas: c.desired, observedGeneration: 1 }
    })
  for (let i = 0; i < c.desired; i++)
    o.pods.push(
      readyPod(generated(`${rs}-`, r), { kind: 'ReplicaSet', name: rs }, nodes[i % nodes.length], r)
    )
}

function statefulSet(c: ExpectedComponent, r: Random, o: Objects, nodes: string[]): void {
  o.statefulSets.push({
    metadata: meta(c.name),
    spec: { replicas: c.desired, selector: {}, serviceName: c.name, template: {} },
    status: {
      observedGeneration: 1,
      replicas: c.desired,
      readyReplicas: c.desired,
      updatedReplicas: c.desired
    }
  })
  for (let i = 0; i < c.desired; i++)
    o.pods.push(
      readyPod(`${c.name}-${i}`, { kind: 'StatefulSet', name: c.name }, nodes[i % nodes.length], r)
    )
}

function daemonSet(c: ExpectedComponent, r: Random, o: Objects, eligible: string[]): void {
  o.daemonSets.push({
    metadata: meta(c.name),
    spec: { selector: {}, template: {} },
    status: {
      observedGeneration: 1,
      currentNumberScheduled: c.desired,
      desiredNumberScheduled: c.desired,
      numberMisscheduled: 0,
      numberReady: c.desired,
      updatedNumberScheduled: c.desired
    }
  })
  for (let i = 0; i < c.desired; i++)
    o.pods.push(
      readyPod(generated(`${c.name}-`, r), { kind: 'DaemonSet', name: c.name }, eligible[i], r)
    )
}

/** Normal events of a pod's start, each with a count and a time after its creation. */
function startEvents(pod: V1Pod, r: Random): CoreV1Event[] {
  const created = Date.parse(podFacts(pod).createdAt ?? '')
  return ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'].map((reason, i) =>
    k8sEvent('Pod', pod.metadata!.name!, reason, `${reason} container`, {
      type: 'Normal',
      count: r.int(1, 3),
      lastTimestamp: iso(created + i * 1000)
    })
  )
}

export function k8sEvent(
  kind: string,
  name: string,
  reason: string,
  message: string,
  over: { type?: string; count?: number; lastTimestamp?: unknown; source?: string } = {}
): CoreV1Event {
  return {
    metadata: { name: `${name}.${reason}`, namespace: 'azureml' },
    involvedObject: { kind, name, namespace: 'azureml' },
    type: over.type ?? 'Warning',
    reason,
    message,
    count: over.count ?? 1,
    source: { component: over.source ?? 'kubelet' },
    lastTimestamp: over.lastTimestamp as Date | undefined
  }
}

/** The extension's expected components for a target on these nodes, and a namespace where all run. */
export interface World {
  target: ClusterTarget
  expected: ExpectedComponent[]
  objects: Objects
}

export function healthyWorld(target: ClusterTarget, shapes: NodeShape[], seed: number): World {
  const r = random(seed)
  const nodes = nodeObjects(shapes)
  const facts = nodes.map(nodeFacts)
  const expected = expectedComponents({ ...target, nodes: facts })
  const o: Objects = {
    namespacePhase: r.next() < 0.5 ? 'Active' : undefined,
    pods: [],
    deployments: [],
    statefulSets: [],
    daemonSets: [],
    replicaSets: [],
    nodes,
    events: []
  }
  const names = facts.map(n => n.name)
  // Kubernetes runs DaemonSet pods on cordoned nodes too (they tolerate `unschedulable`).
  const selector = nodeSelectorOf(target.settings)
  const uncordoned = facts.map(n => ({ ...n, unschedulable: false }))
  const eligible = eligibleNodes(uncordoned, selector, SYSTEM_TOLERATIONS).map(n => n.name)
  for (const c of expected) {
    if (c.kind === 'Hook') o.pods.push(completedHook(r))
    else if (c.kind === 'Deployment') deployment(c, r, o, names)
    else if (c.kind === 'StatefulSet') statefulSet(c, r, o, names)
    else daemonSet({ ...c, desired: eligible.length }, r, o, eligible)
  }
  o.events = o.pods.flatMap(p => startEvents(p, r))
  return { target, expected, objects: o }
}

// ---------------------------------------------------------------- trouble and noise

/** A time as the API may bring it: recent ISO, a Date, an unreadable string, or none. */
const timeArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -240, max: 2 }).map(m => iso(NOW + m * MIN)) },
  { weight: 1, arbitrary: fc.integer({ min: -240, max: 2 }).map(m => new Date(NOW + m * MIN)) },
  { weight: 1, arbitrary: one<unknown>(undefined, '', 'yesterday', '2025-02-30T25:61:00Z', 0) }
)

const CONTAINER_REASONS = [
  'ErrImagePull',
  'ImagePullBackOff',
  'CrashLoopBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'InvalidImageName',
  'ContainerCreating',
  'PodInitializing',
  'OOMKilled',
  'Error',
  'Completed',
  'ContainerCannotRun',
  undefined
]

export const MESSAGES = [
  'Back-off pulling image "mcr.microsoft.com/azureml/gateway:1"',
  'Failed to pull image "mcr.microsoft.com/x:1": rpc error: code = NotFound desc = manifest unknown',
  'Failed to pull image "mcr.microsoft.com/x:1": dial tcp 20.0.0.1:443: i/o timeout',
  'Back-off restarting failed container c0 in pod gateway-abc',
  '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available.',
  "0/3 nodes are available: 1 node(s) had untolerated taint {CriticalAddonsOnly: true}, 2 node(s) didn't match Pod's node affinity/selector.",
  "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules.",
  '0/1 nodes are available: 1 Too many pods, 1 node(s) were unschedulable.',
  'pod triggered scale-up: [{aks-nodepool1-vmss 1->2 (max: 3)}]',
  "pod didn't trigger scale-up: 1 max node group size reached",
  'MountVolume.SetUp failed for volume "cert" : secret "azureml-fe-tls" not found',
  'MountVolume.SetUp failed for volume "amlarc-identity-certs" : not found',
  'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-allowed-images] image not allowed',
  'Error creating: pods "gateway-x" is forbidden: exceeded quota: compute',
  'Error: secret "relay-conn" not found',
  "Error: couldn't find key cert.pem in Secret azureml/fe-tls",
  'Readiness probe failed: HTTP probe failed with statuscode: 503',
  'Stopping container c0',
  'Created container c0',
  '',
  'ünïcödé {<pod>} %s ${x}',
  'x'.repeat(400)
]

/** One pod pushed into some state: any phase, container state, condition, owner or age. */
export interface Trouble {
  pod: number
  phase?: string
  reason?: string
  container: {
    index: number
    init: boolean
    state: 'waiting' | 'running' | 'terminated' | 'none'
    reason?: string
    message: string
    exitCode?: number
    ready: boolean
    restarts: number
    lastTermination?: string
  }
  scheduled?: { status: string; reason?: string; message: string; time: unknown }
  ready?: string
  node?: string | null
  deleting: boolean
  owner: 'keep' | 'drop' | 'job' | 'unknown-replicaset'
  created: unknown
}

export const troubleArb: fc.Arbitrary<Trouble> = fc.record({
  pod: fc.nat(),
  phase: one<string | undefined>('Pending', 'Running', 'Succeeded', 'Failed', 'Unknown', undefined),
  reason: one<string | undefined>(undefined, undefined, 'Evicted', 'NodeLost', 'Shutdown'),
  container: fc.record({
    index: fc.nat(3),
    init: fc.boolean(),
    state: one('waiting', 'running', 'terminated', 'none'),
    reason: one(...CONTAINER_REASONS),
    message: one(...MESSAGES),
    exitCode: one<number | undefined>(0, 1, 2, 137, 143, undefined),
    ready: fc.boolean(),
    restarts: fc.nat(12),
    lastTermination: one<string | undefined>(undefined, 'OOMKilled', 'Error', 'Completed')
  }),
  scheduled: fc.option(
    fc.record({
      status: one('True', 'False', 'Unknown'),
      reason: one<string | undefined>('Unschedulable', undefined),
      message: one(...MESSAGES),
      time: timeArb
    }),
    { nil: undefined }
  ),
  ready: one<string | undefined>('True', 'False', undefined),
  node: one<string | null | undefined>(undefined, null, 'aks-cpu-1234-vmss000000', 'gone-node'),
  deleting: fc.boolean(),
  owner: one('keep', 'keep', 'drop', 'job', 'unknown-replicaset'),
  created: timeArb
})

function containerStatus(t: Trouble['container'], name: string): V1ContainerStatus {
  const { state, reason, message, exitCode } = t
  return {
    name,
    image: 'i',
    imageID: '',
    ready: t.ready,
    restartCount: t.restarts,
    state:
      state === 'waiting'
        ? { waiting: { reason, message } }
        : state === 'running'
          ? { running: {} }
          : state === 'terminated'
            ? { terminated: { reason, message, exitCode: exitCode ?? 0 } }
            : {},
    lastState: t.lastTermination
      ? { terminated: { reason: t.lastTermination, exitCode: exitCode ?? 1 } }
      : {}
  }
}

/** The pod of `t.pod` (modulo the count) with the trouble applied; a new object. */
export function troubled(pods: V1Pod[], t: Trouble): V1Pod[] {
  if (pods.length === 0) return pods
  const at = t.pod % pods.length
  const old = pods[at]!
  const p: V1Pod = structuredClone(old)
  const status = (p.status ??= {})
  if (t.phase !== undefined) status.phase = t.phase
  status.reason = t.reason
  const list = t.container.init
    ? (status.initContainerStatuses ??= [])
    : (status.containerStatuses ??= [])
  const i = Math.min(t.container.index, list.length)
  list[i] = containerStatus(t.container, list[i]?.name ?? `c${i}`)
  const spec = (p.spec ??= { containers: [] })
  const specList = t.container.init ? (spec.initContainers ??= []) : spec.containers
  if (!specList.some(c => c.name === list[i]!.name)) specList.push({ name: list[i]!.name })
  const conditions = (status.conditions ?? []).filter(
    c => c.type !== 'PodScheduled' && c.type !== 'Ready'
  )
  if (t.scheduled)
    conditions.push({
      type: 'PodScheduled',
      status: t.scheduled.status,
      reason: t.scheduled.reason,
      message: t.scheduled.message,
      lastTransitionTime: t.scheduled.time as Date
    })
  if (t.ready) conditions.push({ type: 'Ready', status: t.ready })
  status.conditions = conditions
  if (t.node !== undefined) spec.nodeName = t.node ?? undefined
  const metadata = (p.metadata ??= {})
  if (t.deleting) metadata.deletionTimestamp = new Date(NOW)
  if (t.owner === 'drop') metadata.ownerReferences = undefined
  if (t.owner === 'job') metadata.ownerReferences = ownerRef('Job', `${metadata.name}-job`)
  if (t.owner === 'unknown-replicaset')
    metadata.ownerReferences = ownerRef('ReplicaSet', 'other-7f9c8d')
  metadata.creationTimestamp = t.created as Date
  return pods.map((q, j) => (j === at ? p : q))
}

/** A random event about a pod, a workload, one of their ReplicaSets, or something long gone. */
export interface RandomEvent {
  about: 'pod' | 'workload' | 'gone'
  index: number
  reason: string
  message: string
  count?: number
  time: unknown
  type: string
  source: string
}

export const eventArb: fc.Arbitrary<RandomEvent> = fc.record({
  about: one('pod', 'pod', 'workload', 'gone'),
  index: fc.nat(),
  reason: one(
    'BackOff',
    'Failed',
    'FailedScheduling',
    'TriggeredScaleUp',
    'NotTriggerScaleUp',
    'FailedMount',
    'FailedCreate',
    'Unhealthy',
    'Killing',
    'Pulled',
    'Started',
    'Evicted',
    ''
  ),
  message: one(...MESSAGES),
  count: one<number | undefined>(0, 1, 2, 3, 5, 40, -1, undefined),
  time: timeArb,
  type: one('Warning', 'Normal', ''),
  source: one('kubelet', 'default-scheduler', 'cluster-autoscaler', 'replicaset-controller')
})

export function eventFor(o: Objects, e: RandomEvent): CoreV1Event {
  const workloads = [...o.deployments, ...o.statefulSets, ...o.daemonSets, ...o.replicaSets]
  const kindOf = (w: object) =>
    o.replicaSets.includes(w as V1ReplicaSet)
      ? 'ReplicaSet'
      : o.deployments.includes(w as V1Deployment)
        ? 'Deployment'
        : o.statefulSets.includes(w as V1StatefulSet)
          ? 'StatefulSet'
          : 'DaemonSet'
  let kind = 'Pod'
  let name = `gone-${e.index}`
  if (e.about === 'pod' && o.pods.length > 0)
    name = o.pods[e.index % o.pods.length]!.metadata!.name!
  if (e.about === 'workload' && workloads.length > 0) {
    const w = workloads[e.index % workloads.length]!
    kind = kindOf(w)
    name = w.metadata!.name!
  }
  return k8sEvent(kind, name, e.reason, e.message, {
    type: e.type,
    count: e.count,
    lastTimestamp: e.time,
    source: e.source
  })
}
