/** The verdict on the `azureml` namespace: healthy, waiting (for what), component and pod statuses. */
import { assess } from '../src/cluster/assess.js'
import type { AssessOptions } from '../src/cluster/assess.js'
import type {
  ExpectedComponent,
  NamespaceSnapshot,
  PodFacts,
  WorkloadFacts
} from '../src/cluster/model.js'
import { podStatus } from '../src/cluster/pod-state.js'
import {
  completedHook,
  container,
  event,
  fixture2,
  iso,
  MIN,
  node,
  pod,
  prefixMatcher,
  running,
  T0,
  withPod,
  workload
} from './helpers/cluster-facts.js'
import type { Scenario } from './helpers/cluster-facts.js'

const run = (s: Scenario, now = T0 + MIN, extra: Partial<AssessOptions> = {}) =>
  assess(s.expected, s.snapshot, prefixMatcher(s.expected), { now, since: T0, ...extra })

type Row = [name: string, ready: number, total: number, restarts?: number, node?: string]

const D = (name: string, desired = 1): ExpectedComponent => ({ name, kind: 'Deployment', desired })
const PROMETHEUS: ExpectedComponent = {
  name: 'prometheus-prom-prometheus',
  kind: 'StatefulSet',
  desired: 1
}
const HOOK: ExpectedComponent = { name: 'healthcheck', kind: 'Hook', desired: 1 }

/** A kubectl listing (reference §11) as facts: owners and workloads follow from the expected set. */
function listing(expected: ExpectedComponent[], rows: Row[]): Scenario {
  const of = prefixMatcher(expected)
  const kindOf = new Map(expected.map(c => [c.name, c.kind]))
  const pods = rows.map(([name, ready, total, restarts = 0, at]) => {
    if (name === 'healthcheck') return completedHook()
    const component = of(pod(name))!
    const kind = kindOf.get(component)
    const owner =
      kind === 'Deployment'
        ? { kind: 'ReplicaSet', name: name.slice(0, name.lastIndexOf('-')) }
        : { kind: kind!, name: component }
    const p = running(name, ready, total, { owner, ...(at ? { node: at } : {}) })
    p.containers[0]!.restarts = restarts
    return p
  })
  const workloads = expected
    .filter(c => c.kind !== 'Hook')
    .map(c => workload(c.kind as WorkloadFacts['kind'], c.name, c.desired))
  const nodes = [...new Set(pods.map(p => p.node!))].map(n => node(n))
  return {
    expected,
    snapshot: { namespacePhase: 'Active', pods, workloads, nodes, events: [] }
  }
}

const VOLCANO = ['volcano-admission', 'volcano-controllers', 'volcano-scheduler'].map(n => D(n))
const N1 = 'aks-nodepool1-10287945-vmss00000'

/** Fixture 1: AKS, 3 nodes, HA on (3 azureml-fe-v2, one per node), extension `azml`. */
const fixture1 = () =>
  listing(
    [
      ...[
        'aml-operator',
        'amlarc-identity-controller',
        'amlarc-identity-proxy',
        'azml-kube-state-metrics',
        'azml-prometheus-operator',
        'azureml-ingress-nginx-controller',
        'gateway',
        'inference-operator-controller-manager',
        'metrics-controller-manager'
      ].map(n => D(n)),
      D('azureml-fe-v2', 3),
      ...VOLCANO,
      PROMETHEUS,
      HOOK
    ],
    [
      ['aml-operator-6f9fbb5c6-hlf7f', 2, 2, 0, `${N1}1`],
      ['amlarc-identity-controller-68cf5dd8b5-srshb', 2, 2, 0, `${N1}1`],
      ['amlarc-identity-proxy-5d5bb99f56-jbrrx', 2, 2, 0, `${N1}0`],
      ['azml-kube-state-metrics-bbb9b749c-nvvgs', 1, 1, 0, `${N1}0`],
      ['azml-prometheus-operator-7f6466cc44-wxpwv', 1, 1, 0, `${N1}1`],
      ['azureml-fe-v2-76b9b8bfff-4rmhc', 4, 4, 0, `${N1}0`],
      ['azureml-fe-v2-76b9b8bfff-rw5mt', 4, 4, 0, `${N1}1`],
      ['azureml-fe-v2-76b9b8bfff-zjqkn', 4, 4, 0, `${N1}2`],
      ['azureml-ingress-nginx-controller-58c8c98cd9-66zhm', 1, 1, 0, `${N1}2`],
      ['gateway-7f969684dc-2lxzh', 2, 2, 0, `${N1}2`],
      ['healthcheck', 0, 1],
      ['inference-operator-controller-manager-5f5bd65867-c6c4r', 2, 2, 0, `${N1}1`],
      ['metrics-controller-manager-7c6d7dcdf4-ph4x9', 2, 2, 0, `${N1}1`],
      ['prometheus-prom-prometheus-0', 2, 2, 0, `${N1}0`],
      ['volcano-admission-665df9d565-c9k94', 1, 1, 0, `${N1}2`],
      ['volcano-controllers-5555c45f8d-qxprn', 1, 1, 0, `${N1}2`],
      ['volcano-scheduler-694d688b9-mfphc', 1, 1, 0, `${N1}2`]
    ]
  )

/** Fixture 3: Arc (K3s), training only, two relayserver replicas, one early restart. */
const fixture3 = () =>
  listing(
    [D('metrics-controller-manager'), D('relayserver', 2), ...VOLCANO, PROMETHEUS, HOOK],
    [
      ['healthcheck', 0, 1],
      ['metrics-controller-manager-54dcd8c5b-lxc2h', 2, 2, 1],
      ['prometheus-prom-prometheus-0', 2, 2],
      ['relayserver-6dc46db4cf-5mf76', 2, 2],
      ['relayserver-6dc46db4cf-wl7vg', 2, 2],
      ['volcano-admission-79ccc96f98-99hrj', 1, 1],
      ['volcano-controllers-695dd87b59-j59m4', 1, 1],
      ['volcano-scheduler-65dcb7666-t7j96', 1, 1]
    ]
  )

/** Fixture 4: early 1.1.x, fluent-bit DaemonSet on 3 nodes, fe with 3 containers, one early restart. */
const fixture4 = () =>
  listing(
    [
      ...[
        'aml-operator',
        'amlarc-identity-controller',
        'amlarc-identity-proxy',
        'azureml-fe-v2',
        'azureml-ingress-nginx-controller',
        'cluster-status-reporter',
        'gateway',
        'inference-operator-controller-manager',
        'metrics-controller-manager',
        'tomaskubicaaml-kube-state-metrics',
        'tomaskubicaaml-prometheus-operator'
      ].map(n => D(n)),
      D('relayserver', 2),
      { name: 'fluent-bit', kind: 'DaemonSet', desired: 3 },
      ...VOLCANO,
      PROMETHEUS,
      HOOK
    ],
    [
      ['aml-operator-6676d6c959-8kmcj', 1, 1],
      ['amlarc-identity-controller-95d7cb964-d2lbj', 1, 1],
      ['amlarc-identity-proxy-597b94d56-j4mqx', 1, 1],
      ['azureml-fe-v2-b8c86749f-4gfbw', 3, 3],
      ['azureml-ingress-nginx-controller-5996df8ddd-rtkzl', 1, 1],
      ['cluster-status-reporter-55f9f744dd-jc5fp', 1, 1],
      ['fluent-bit-dfhwl', 1, 1, 0, 'aks-agentpool-0'],
      ['fluent-bit-gnpz5', 1, 1, 0, 'aks-agentpool-1'],
      ['fluent-bit-vq72l', 1, 1, 0, 'aks-agentpool-2'],
      ['gateway-7b58dc99cd-c6c4s', 1, 1],
      ['healthcheck', 0, 1],
      ['inference-operator-controller-manager-56d97d6445-8spg9', 1, 1, 1],
      ['metrics-controller-manager-794b997d78-872lm', 1, 1],
      ['prometheus-prom-prometheus-0', 2, 2],
      ['relayserver-6995b6594d-2f4km', 1, 1],
      ['relayserver-6995b6594d-t5zrj', 1, 1],
      ['tomaskubicaaml-kube-state-metrics-785d98c5d5-dfbqc', 1, 1],
      ['tomaskubicaaml-prometheus-operator-6c978c7968-prsvl', 1, 1],
      ['volcano-admission-74f559c556-5l9np', 1, 1],
      ['volcano-controllers-56894dd996-fl5qx', 1, 1],
      ['volcano-scheduler-774bd78f4-cgsm4', 1, 1]
    ]
  )

describe('healthy namespaces (reference §11 listings)', () => {
  test('fixture 2: every component Ready, the healthcheck Completed with READY 0/1', () => {
    const a = run(fixture2())
    expect(a).toMatchObject({
      verdict: 'healthy',
      problems: [],
      awaiting: [],
      notes: [],
      unexpected: []
    })
    expect(a.components.map(c => [c.name, c.kind, c.status, c.ready, c.desired])).toEqual([
      ['aml-operator', 'Deployment', 'Ready', 1, 1],
      ['amlarc-identity-controller', 'Deployment', 'Ready', 1, 1],
      ['amlarc-identity-proxy', 'Deployment', 'Ready', 1, 1],
      ['azureml-fe-v2', 'Deployment', 'Ready', 1, 1],
      ['azureml-ingress-nginx-controller', 'Deployment', 'Ready', 1, 1],
      ['gateway', 'Deployment', 'Ready', 1, 1],
      ['inference-operator-controller-manager', 'Deployment', 'Ready', 1, 1],
      ['metrics-controller-manager', 'Deployment', 'Ready', 1, 1],
      ['mllab-kube-state-metrics', 'Deployment', 'Ready', 1, 1],
      ['mllab-prometheus-operator', 'Deployment', 'Ready', 1, 1],
      ['volcano-admission', 'Deployment', 'Ready', 1, 1],
      ['volcano-controllers', 'Deployment', 'Ready', 1, 1],
      ['volcano-scheduler', 'Deployment', 'Ready', 1, 1],
      ['prometheus-prom-prometheus', 'StatefulSet', 'Ready', 1, 1],
      ['healthcheck', 'Hook', 'Completed', 1, 1]
    ])
    const byName = new Map(a.components.map(c => [c.name, c]))
    expect(byName.get('azureml-fe-v2')?.pods).toEqual([
      {
        name: 'azureml-fe-v2-5868d64648-6jk9c',
        phase: 'Running',
        ready: '4/4',
        restarts: 0,
        node: 'aks-nodepool1-29411547-vmss000001'
      }
    ])
    expect(byName.get('healthcheck')).toMatchObject({
      kind: 'Hook',
      status: 'Completed',
      pods: [{ name: 'healthcheck', phase: 'Completed', ready: '0/1', restarts: 0 }]
    })
  })

  test.each([
    ['fixture 1: HA, three azureml-fe-v2 replicas', fixture1, 17],
    ['fixture 3: Arc, an early single restart', fixture3, 8],
    ['fixture 4: fluent-bit DaemonSet, fe 3/3, an early single restart', fixture4, 21]
  ])('%s', (_, make, pods) => {
    const a = run(make())
    expect(a.verdict).toBe('healthy')
    expect([a.problems, a.awaiting, a.unexpected]).toEqual([[], [], []])
    expect(a.components.flatMap(c => c.pods)).toHaveLength(pods)
  })

  test('restarts add up over containers; one early restart is still healthy', () => {
    const s = withPod(fixture2(), 'gateway', old => ({
      ...old,
      containers: old.containers.map(c => ({ ...c, restarts: 1 }))
    }))
    const a = run(s)
    expect(a.verdict).toBe('healthy')
    expect(a.components.find(c => c.name === 'gateway')?.pods[0]?.restarts).toBe(2)
  })
})

describe('unexpected pods are reported, never failed on', () => {
  test.each([
    ['a debug pod', running('netshoot-7c9d8', 1, 1)],
    [
      'a leftover fluent-bit crash-looping',
      pod('fluent-bit-x2k4p', {
        phase: 'Running',
        containers: [
          container('fluent-bit', {
            ready: false,
            state: 'waiting',
            reason: 'CrashLoopBackOff',
            restarts: 40
          })
        ]
      })
    ]
  ])('%s', (_, extra) => {
    const s = fixture2()
    s.snapshot.pods.push(extra)
    const a = run(s, T0 + 30 * MIN)
    expect(a.verdict).toBe('healthy')
    expect(a.problems).toEqual([])
    expect(a.unexpected).toEqual([extra.name])
    expect(a.components.at(-1)).toEqual({
      name: extra.name,
      kind: 'Pod',
      status: 'Unexpected',
      ready: extra.phase === 'Running' && extra.containers.every(c => c.ready) ? 1 : 0,
      desired: 0,
      pods: [podStatus(extra)]
    })
  })
})

const gatewayRs = (s: Scenario) => s.snapshot.workloads.find(w => w.name.startsWith('gateway-'))!
const gatewayDeploy = (s: Scenario) => s.snapshot.workloads.find(w => w.name === 'gateway')!
const NEW_GATEWAY = 'gateway-5b9d8c7f6a-q8wzt'

describe('a rollout in progress is waited for', () => {
  const cases: [string, (s: Scenario) => void][] = [
    [
      'a new pod is creating beside the old one',
      s => {
        gatewayDeploy(s).updated = 0
        s.snapshot.pods.push(
          pod(NEW_GATEWAY, {
            containers: [
              container('gateway', { ready: false, state: 'waiting', reason: 'ContainerCreating' })
            ]
          })
        )
      }
    ],
    [
      'the controller has not seen the new generation yet',
      s => Object.assign(gatewayDeploy(s), { generation: 3, observedGeneration: 2 })
    ],
    [
      'the old pod is terminating beside the ready new one',
      s => {
        s.snapshot.pods.push(running(NEW_GATEWAY, 2, 2))
        withPod(s, 'gateway-7d4c4f7d77', old => ({ ...old, terminating: true }))
      }
    ],
    [
      'the old ReplicaSet still scales down (one pod more than desired)',
      s => {
        s.snapshot.pods.push(running(NEW_GATEWAY, 2, 2))
        s.snapshot.workloads.push(
          workload('ReplicaSet', 'gateway-5b9d8c7f6a', 1, { owner: 'gateway' })
        )
      }
    ],
    [
      'two ReplicaSets still want pods',
      s => {
        s.snapshot.workloads.push(
          workload('ReplicaSet', 'gateway-5b9d8c7f6a', 1, { owner: 'gateway' })
        )
        gatewayRs(s).desired = 1
      }
    ]
  ]

  test.each(cases)('%s', (_, change) => {
    const s = fixture2()
    change(s)
    const a = run(s, T0 + 10 * MIN)
    expect(a.verdict).toBe('waiting')
    expect(a.problems).toEqual([])
    expect(a.awaiting).toEqual(['gateway (rolling out)'])
    expect(a.components.find(c => c.name === 'gateway')?.status).toBe('NotReady')
  })
})

describe('not there yet: waiting, saying for what', () => {
  const cases: [string, (s: Scenario) => void, string[]][] = [
    [
      'azureml-fe-v2 with 3 of 4 containers ready',
      s =>
        withPod(s, 'azureml-fe-v2', old => ({
          ...old,
          containers: old.containers.map((c, i) => ({ ...c, ready: i > 0 }))
        })),
      ['azureml-fe-v2 (0/1 ready)']
    ],
    [
      'azureml-fe-v2 HA with one of three replicas ready',
      s => {
        s.expected.find(c => c.name === 'azureml-fe-v2')!.desired = 3
        s.snapshot.pods.push(
          pod('azureml-fe-v2-5868d64648-a1b2c'),
          pod('azureml-fe-v2-5868d64648-d3e4f')
        )
      },
      ['azureml-fe-v2 (1/3 ready, Pending)']
    ],
    [
      'volcano-scheduler creating its container',
      s =>
        withPod(s, 'volcano-scheduler', old =>
          pod(old.name, {
            containers: [
              container('volcano', { ready: false, state: 'waiting', reason: 'ContainerCreating' })
            ]
          })
        ),
      ['volcano-scheduler (ContainerCreating)']
    ],
    [
      'gateway not created yet',
      s => {
        s.snapshot.pods = s.snapshot.pods.filter(p => !p.name.startsWith('gateway'))
        s.snapshot.workloads = s.snapshot.workloads.filter(w => w.name !== 'gateway')
      },
      ['gateway (missing)']
    ],
    [
      'the healthcheck not created yet, a DaemonSet on 2 of 3 nodes',
      s => {
        s.snapshot.pods = s.snapshot.pods.filter(p => p.name !== 'healthcheck')
        s.expected.push({ name: 'mllab-dcgm-exporter', kind: 'DaemonSet', desired: 3 })
        s.snapshot.workloads.push(workload('DaemonSet', 'mllab-dcgm-exporter', 3, { ready: 2 }))
        for (const n of ['k8q2z', 'm3x7d'])
          s.snapshot.pods.push(running(`mllab-dcgm-exporter-${n}`, 1, 1))
      },
      ['healthcheck (missing)', 'mllab-dcgm-exporter (2/3 ready)']
    ]
  ]

  test.each(cases)('%s', (_, change, awaiting) => {
    const s = fixture2()
    change(s)
    const a = run(s, T0 + 30 * 1000)
    expect(a.verdict).toBe('waiting')
    expect(a.problems).toEqual([])
    expect(a.awaiting).toEqual(awaiting)
  })

  test('a missing component is reported Missing with no pods', () => {
    const s = fixture2()
    s.snapshot.pods = s.snapshot.pods.filter(p => !p.name.startsWith('gateway'))
    s.snapshot.workloads = s.snapshot.workloads.filter(w => w.name !== 'gateway')
    expect(run(s).components.find(c => c.name === 'gateway')).toEqual({
      name: 'gateway',
      kind: 'Deployment',
      status: 'Missing',
      ready: 0,
      desired: 1,
      pods: []
    })
  })
})

test('an evicted pod beside its replacement is history: healthy, with a note', () => {
  const s = fixture2()
  s.snapshot.pods.push(
    pod('gateway-7d4c4f7d77-zx81k', {
      phase: 'Failed',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
      owner: { kind: 'ReplicaSet', name: 'gateway-7d4c4f7d77' }
    })
  )
  const a = run(s)
  expect(a.verdict).toBe('healthy')
  expect(a.notes).toEqual(['gateway: 1 evicted pod ignored (their replacements count)'])
  expect(a.components.find(c => c.name === 'gateway')?.pods.map(p => p.phase)).toEqual([
    'Running',
    'Evicted'
  ])
})

describe('pod status as kubectl shows it', () => {
  const init = (over: Partial<ReturnType<typeof container>>) =>
    container('init', { init: true, ready: false, ...over })
  const waitingMain = container('main', {
    ready: false,
    state: 'waiting',
    reason: 'PodInitializing'
  })

  test.each<[string, PodFacts, Partial<ReturnType<typeof podStatus>>]>([
    [
      'an init container running',
      pod('a', { containers: [init({ state: 'running' }), waitingMain] }),
      { phase: 'Init:0/1', ready: '0/1' }
    ],
    [
      'an init container crash-looping',
      pod('a', {
        containers: [
          init({ state: 'waiting', reason: 'CrashLoopBackOff', restarts: 4 }),
          waitingMain
        ]
      }),
      { phase: 'Init:CrashLoopBackOff', restarts: 4, reason: 'CrashLoopBackOff' }
    ],
    [
      'an image that will not pull',
      pod('a', {
        containers: [
          container('main', {
            ready: false,
            state: 'waiting',
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "mcr.microsoft.com/x:1"'
          })
        ]
      }),
      {
        phase: 'ImagePullBackOff',
        ready: '0/1',
        reason: 'ImagePullBackOff',
        message: 'Back-off pulling image "mcr.microsoft.com/x:1"'
      }
    ],
    [
      'a pod the scheduler cannot place',
      pod('a', {
        node: undefined,
        scheduled: { status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' },
        containers: [container('main', { ready: false, state: 'unknown' })]
      }),
      { phase: 'Pending', reason: 'Unschedulable', message: '0/1 nodes are available' }
    ],
    [
      'a terminating pod',
      running('a', 1, 1, { terminating: true }),
      { phase: 'Terminating', ready: '1/1' }
    ],
    ['a finished hook', completedHook(), { phase: 'Completed', ready: '0/1' }],
    [
      'an evicted pod',
      pod('a', { phase: 'Failed', reason: 'Evicted', message: 'low on memory' }),
      { phase: 'Evicted', reason: 'Evicted', message: 'low on memory' }
    ],
    [
      'a running pod with one container not ready',
      running('a', 1, 2),
      { phase: 'Running', ready: '1/2' }
    ]
  ])('%s', (_, p, want) => {
    expect(podStatus(p)).toMatchObject(want)
  })
})

describe('odd input never throws', () => {
  const fx = fixture2()
  const odd = {} as NamespaceSnapshot
  const bare = { name: 'gateway-1-2' } as PodFacts
  test.each<[string, unknown, unknown, unknown, string]>([
    ['an empty snapshot and nothing expected', [], odd, { now: T0, since: T0 }, 'healthy'],
    ['nothing at all', undefined, undefined, undefined, 'healthy'],
    ['a snapshot without arrays', fx.expected, odd, { now: T0, since: T0 }, 'waiting'],
    [
      'pods without containers, labels or phase; nulls in the lists',
      fx.expected,
      {
        pods: [bare, null, { containers: [{}] }],
        workloads: [null, { name: 'gateway' }],
        events: [null, { involvedKind: 'Pod', involvedName: 'gateway-1-2' }, {}],
        nodes: [null]
      },
      { now: T0 + 60 * MIN, since: T0 },
      'failed'
    ],
    [
      'events and conditions with missing fields on a stuck pod',
      fx.expected,
      {
        ...fx.snapshot,
        pods: [
          ...fx.snapshot.pods.filter(p => !p.name.startsWith('gateway')),
          pod('gateway-7d4c4f7d77-5spfc', {
            createdAt: 'not a time',
            scheduled: { status: 'False', reason: 'Unschedulable' },
            node: undefined
          })
        ],
        events: [
          {
            involvedKind: 'Pod',
            involvedName: 'gateway-7d4c4f7d77-5spfc',
            reason: 'FailedScheduling'
          },
          { involvedKind: 'ReplicaSet', involvedName: 'gateway-7d4c4f7d77', reason: 'FailedCreate' }
        ],
        healthcheck: { 'reports-pre-install': 42 }
      },
      { now: T0 + 60 * MIN, since: T0, graces: { unschedulableMs: -5, absentMs: Number.NaN } },
      'failed'
    ]
  ])('%s', (_, expected, snapshot, options, verdict) => {
    const call = () =>
      assess(
        expected as ExpectedComponent[],
        snapshot as NamespaceSnapshot,
        prefixMatcher((expected as ExpectedComponent[]) ?? []),
        options as AssessOptions
      )
    expect(call).not.toThrow()
    expect(call().verdict).toBe(verdict)
  })
})

test('20,000 pods on 5,000 nodes, all ready: healthy', () => {
  const names = [
    'mllab-dcgm-exporter',
    'nvidia-device-plugin-daemonset',
    'fluent-bit',
    'csi-blob-node'
  ]
  const expected: ExpectedComponent[] = names.map(name => ({
    name,
    kind: 'DaemonSet',
    desired: 5000
  }))
  const pods: PodFacts[] = []
  const events = []
  for (const ds of names)
    for (let i = 0; i < 5000; i++) {
      const name = `${ds}-${i.toString(36).padStart(5, '0')}`
      pods.push(
        running(name, 1, 1, { node: `aks-pool-${i}`, owner: { kind: 'DaemonSet', name: ds } })
      )
      events.push(
        event('Pod', name, 'Started', `Started container ${ds}`, {
          type: 'Normal',
          lastSeen: iso(T0)
        })
      )
    }
  const snapshot: NamespaceSnapshot = {
    namespacePhase: 'Active',
    pods,
    workloads: names.map(n => workload('DaemonSet', n, 5000)),
    nodes: Array.from({ length: 5000 }, (_, i) => node(`aks-pool-${i}`)),
    events
  }
  const a = assess(expected, snapshot, prefixMatcher(expected), { now: T0 + MIN, since: T0 })
  expect(a.verdict).toBe('healthy')
  expect(a.components.map(c => [c.name, c.status, c.ready])).toEqual(
    names.map(n => [n, 'Ready', 5000])
  )
})
