/** The progress line while the cluster checks wait, and what a delete waits for. Pure. */
import type { Assessment, ComponentStatus, NamespaceSnapshot } from '../src/cluster/model.js'
import { leftBehind, progressLine } from '../src/cluster/verify.js'

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

test.each([
  ['the namespace is gone', snapshot({ namespacePhase: undefined }), []],
  ['an empty namespace', snapshot({}), []],
  [
    'a terminating hook pod and a DaemonSet (ReplicaSets follow their Deployment)',
    snapshot({
      namespacePhase: 'Terminating',
      pods: [
        { name: 'healthcheck', phase: 'Succeeded', labels: {}, terminating: true, containers: [] }
      ],
      workloads: [
        { kind: 'DaemonSet', name: 'fluent-bit', desired: 0, ready: 0, conditions: [] },
        { kind: 'ReplicaSet', name: 'gateway-5d8f', desired: 0, ready: 0, conditions: [] }
      ]
    }),
    ['DaemonSet fluent-bit', 'pod healthcheck']
  ]
])('a delete waits for what is left: %s', (_name, s, left) => {
  expect(leftBehind(s)).toEqual(left)
})
