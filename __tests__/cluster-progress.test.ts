/** The progress line while the cluster checks wait, and what a delete waits for. Pure. */
import type {
  Assessment,
  ComponentStatus,
  NamespaceSnapshot,
  PodFacts
} from '../src/cluster/model.js'
import { leftBehind, progressLine } from '../src/cluster/verify.js'
import { pod as podFacts } from './helpers/cluster-facts.js'

const component = (name: string, status: ComponentStatus['status'], kind = 'Deployment') =>
  ({ name, kind, status, ready: 0, desired: 1, pods: [] }) as ComponentStatus

const assessment = (components: ComponentStatus[], awaiting: string[]): Assessment => ({
  verdict: 'waiting',
  components,
  problems: [],
  awaiting,
  notes: [],
  unexpected: []
})

test.each([
  [
    'some ready, some awaited',
    assessment(
      [
        component('healthcheck', 'Completed', 'Hook'),
        component('gateway', 'Ready'),
        component('azureml-fe-v2', 'NotReady'),
        component('volcano-scheduler', 'NotReady')
      ],
      ['azureml-fe-v2 (1/3 ready)', 'volcano-scheduler (ContainerCreating)']
    ),
    '2/4 components ready; waiting for azureml-fe-v2 (1/3 ready), volcano-scheduler (ContainerCreating)'
  ],
  [
    'unexpected pods are not components',
    assessment([component('gateway', 'Ready'), component('stray-pod', 'Unexpected', 'Pod')], []),
    '1/1 components ready'
  ],
  [
    'a long wait list is cut',
    assessment(
      Array.from({ length: 9 }, (_, i) => component(`c${i}`, 'Missing')),
      Array.from({ length: 9 }, (_, i) => `c${i} (missing)`)
    ),
    '0/9 components ready; waiting for c0 (missing), c1 (missing), c2 (missing), c3 (missing), c4 (missing), c5 (missing) and 3 more'
  ]
])('%s', (_name, a, line) => {
  expect(progressLine(a)).toBe(line)
})

const snapshot = (s: Partial<NamespaceSnapshot>): NamespaceSnapshot => ({
  namespacePhase: 'Active',
  pods: [],
  workloads: [],
  nodes: [],
  events: [],
  ...s
})

const pod = (name: string, owner?: PodFacts['owner']) =>
  podFacts(name, { phase: 'Running', ...(owner ? { owner } : {}) })
const workload = (
  kind: 'Deployment' | 'DaemonSet' | 'ReplicaSet',
  name: string,
  release?: string,
  owner?: string
) => ({ kind, name, desired: 1, ready: 1, conditions: [], release, owner })

/** Release azureml's gateway: a Deployment, its ReplicaSet, its pod, and the hook pod. */
const installedAs = (release: string) => ({
  workloads: [
    workload('Deployment', 'gateway', release),
    workload('ReplicaSet', 'gateway-5d8f', release, 'gateway')
  ],
  pods: [
    pod('gateway-5d8f-x1', { kind: 'ReplicaSet', name: 'gateway-5d8f' }),
    { ...pod('healthcheck'), phase: 'Succeeded' }
  ]
})

test.each([
  ['the namespace is gone', snapshot({ namespacePhase: undefined }), [], []],
  ['an empty namespace', snapshot({}), [], []],
  [
    'a terminating hook pod and a DaemonSet (ReplicaSets follow their Deployment)',
    snapshot({
      namespacePhase: 'Terminating',
      pods: [{ ...pod('healthcheck'), phase: 'Succeeded', terminating: true }],
      workloads: [
        { ...workload('DaemonSet', 'fluent-bit', 'ml'), desired: 0, ready: 0 },
        { ...workload('ReplicaSet', 'gateway-5d8f', 'ml'), desired: 0, ready: 0 }
      ]
    }),
    ['DaemonSet fluent-bit', 'pod healthcheck'],
    []
  ],
  [
    'its own release, named in another case',
    snapshot(installedAs('ML')),
    ['Deployment gateway', 'pod gateway-5d8f-x1', 'pod healthcheck'],
    []
  ],
  [
    "another extension's release, its hook pod included: nothing to wait for",
    snapshot(installedAs('azureml')),
    [],
    ['azureml']
  ],
  [
    'objects no release names, beside none that another names',
    snapshot({ workloads: [workload('Deployment', 'gateway')], pods: [pod('stray')] }),
    ['Deployment gateway', 'pod stray'],
    []
  ],
  [
    'its own leftovers beside another release: the unnamed pods are waited for',
    snapshot({
      workloads: [...installedAs('azureml').workloads, workload('DaemonSet', 'fluent-bit', 'ml')],
      pods: [pod('fluent-bit-a', { kind: 'DaemonSet', name: 'fluent-bit' }), pod('bare')]
    }),
    ['DaemonSet fluent-bit', 'pod fluent-bit-a', 'pod bare'],
    ['azureml']
  ]
])('a delete of release ml waits for what is left of it: %s', (_name, s, left, others) => {
  expect(leftBehind(s, 'ml')).toEqual({ remaining: left, otherReleases: others })
})
