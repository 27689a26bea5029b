/** Builders for `azureml` namespace facts, and the reference §11 fixture 2 as a snapshot. */
import type {
  ContainerFacts,
  EventFacts,
  ExpectedComponent,
  NamespaceSnapshot,
  NodeFacts,
  PodFacts,
  WorkloadFacts
} from '../../src/cluster/model.js'

export const T0 = Date.parse('2025-03-01T10:00:00Z')
export const SEC = 1000
export const MIN = 60 * SEC
export const iso = (ms: number) => new Date(ms).toISOString()

export function container(name: string, over: Partial<ContainerFacts> = {}): ContainerFacts {
  return { name, init: false, ready: true, restarts: 0, state: 'running', ...over }
}

/** A Running pod with `ready` of `total` containers ready (names c0, c1, …). */
export function running(name: string, ready = 1, total = ready, over: Partial<PodFacts> = {}) {
  const containers = Array.from({ length: total }, (_, i) =>
    container(i === 0 ? name.split('-')[0]! : `c${i}`, {
      ready: i < ready,
      state: 'running'
    })
  )
  return pod(name, { phase: 'Running', containers, ...over })
}

export function pod(name: string, over: Partial<PodFacts> = {}): PodFacts {
  return {
    name,
    phase: 'Pending',
    node: 'aks-nodepool1-29411547-vmss000000',
    labels: { 'ml.azure.com/amlarc-system': 'true' },
    terminating: false,
    createdAt: iso(T0),
    containers: [],
    ...over
  }
}

/** The hook pod as kubectl lists it when it passed: Completed, READY 0/1. */
export function completedHook(over: Partial<PodFacts> = {}): PodFacts {
  return pod('healthcheck', {
    phase: 'Succeeded',
    createdAt: iso(T0 - MIN),
    containers: [
      container('healthcheck', {
        ready: false,
        state: 'terminated',
        reason: 'Completed',
        exitCode: 0
      })
    ],
    ...over
  })
}

export function event(
  involvedKind: string,
  involvedName: string,
  reason: string,
  message: string,
  over: Partial<EventFacts> = {}
): EventFacts {
  return {
    involvedKind,
    involvedName,
    type: 'Warning',
    reason,
    message,
    source: 'kubelet',
    count: 1,
    lastSeen: iso(T0),
    ...over
  }
}

export function workload(
  kind: WorkloadFacts['kind'],
  name: string,
  desired = 1,
  over: Partial<WorkloadFacts> = {}
): WorkloadFacts {
  return {
    kind,
    name,
    desired,
    ready: desired,
    updated: desired,
    generation: 1,
    observedGeneration: 1,
    conditions: [],
    ...over
  }
}

export function node(name: string, over: Partial<NodeFacts> = {}): NodeFacts {
  return { name, ready: true, unschedulable: false, labels: {}, taints: [], ...over }
}

/** Longest expected name that is the pod's name or a `-` prefix of it (the catalog's fallback rule). */
export function prefixMatcher(expected: readonly ExpectedComponent[]) {
  const names = expected.map(c => c.name).sort((a, b) => b.length - a.length)
  return (p: PodFacts) => names.find(n => p.name === n || p.name.startsWith(`${n}-`))
}

/** Reference §11 fixture 2: AKS, 2 nodes, training + inference, extension `mllab`, chart 1.1.71. */
const FIXTURE_2: [pod: string, ready: number, total: number][] = [
  ['aml-operator-6f99cc458c-zpwsw', 2, 2],
  ['amlarc-identity-controller-cb86645b9-qhmhc', 2, 2],
  ['amlarc-identity-proxy-5dd64f65f4-ds8t2', 2, 2],
  ['azureml-fe-v2-5868d64648-6jk9c', 4, 4],
  ['azureml-ingress-nginx-controller-7db4bf4cc7-qnm9c', 1, 1],
  ['gateway-7d4c4f7d77-5spfc', 2, 2],
  ['inference-operator-controller-manager-58f676cdcd-77p5r', 2, 2],
  ['metrics-controller-manager-5df854d9d6-4xk5s', 2, 2],
  ['mllab-kube-state-metrics-766cd6dcc-m692j', 1, 1],
  ['mllab-prometheus-operator-8ffbc49bb-wqd2q', 1, 1],
  ['prometheus-prom-prometheus-0', 2, 2],
  ['volcano-admission-76695cb547-mch2n', 1, 1],
  ['volcano-controllers-7fb464574c-6ghkk', 1, 1],
  ['volcano-scheduler-754747f8d8-cb6dz', 1, 1]
]

const DEPLOYMENTS = [
  'aml-operator',
  'amlarc-identity-controller',
  'amlarc-identity-proxy',
  'azureml-fe-v2',
  'azureml-ingress-nginx-controller',
  'gateway',
  'inference-operator-controller-manager',
  'metrics-controller-manager',
  'mllab-kube-state-metrics',
  'mllab-prometheus-operator',
  'volcano-admission',
  'volcano-controllers',
  'volcano-scheduler'
]

export interface Scenario {
  expected: ExpectedComponent[]
  snapshot: NamespaceSnapshot
}

/** A pod's ReplicaSet: its name minus the 5-character suffix. */
const replicaSetOf = (podName: string) => podName.slice(0, podName.lastIndexOf('-'))

export function fixture2(): Scenario {
  const expected: ExpectedComponent[] = [
    ...DEPLOYMENTS.map(name => ({ name, kind: 'Deployment' as const, desired: 1 })),
    { name: 'prometheus-prom-prometheus', kind: 'StatefulSet', desired: 1 },
    { name: 'healthcheck', kind: 'Hook', desired: 1 }
  ]
  const nodes = ['aks-nodepool1-29411547-vmss000000', 'aks-nodepool1-29411547-vmss000001']
  const pods = FIXTURE_2.map(([name, ready, total], i) =>
    running(name, ready, total, {
      node: nodes[i % 2],
      owner: name.startsWith('prometheus-prom')
        ? { kind: 'StatefulSet', name: 'prometheus-prom-prometheus' }
        : { kind: 'ReplicaSet', name: replicaSetOf(name) }
    })
  )
  const replicaSets = FIXTURE_2.filter(([name]) => !name.startsWith('prometheus-prom')).map(
    ([name]) => {
      const rs = replicaSetOf(name)
      return workload('ReplicaSet', rs, 1, { owner: replicaSetOf(rs) })
    }
  )
  return {
    expected,
    snapshot: {
      namespacePhase: 'Active',
      pods: [...pods, completedHook()],
      workloads: [
        ...DEPLOYMENTS.map(name => workload('Deployment', name)),
        workload('StatefulSet', 'prometheus-prom-prometheus'),
        ...replicaSets
      ],
      nodes: nodes.map(name => node(name)),
      events: [
        event('Pod', 'gateway-7d4c4f7d77-5spfc', 'Started', 'Started container gateway', {
          type: 'Normal'
        })
      ]
    }
  }
}

/** Replaces the pod whose name starts with `prefix` (the fixture's one pod of that component). */
export function withPod(s: Scenario, prefix: string, make: (old: PodFacts) => PodFacts): Scenario {
  const i = s.snapshot.pods.findIndex(p => p.name.startsWith(prefix))
  if (i < 0) throw new Error(`no pod ${prefix}`)
  s.snapshot.pods[i] = make(s.snapshot.pods[i]!)
  return s
}
