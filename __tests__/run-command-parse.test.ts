/**
 * The pure parts of Run Command: kubectl's JSON listing (as the command pod's log holds it) read
 * into the snapshot the assessment reads; the command result read into an exit code and log; and
 * the sandbox's shell-like split of a command into words.
 */
import { outcomeOf, RunCommandError } from '../src/azure/run-command.js'
import {
  LISTING_COMMAND,
  ListingError,
  MAX_LISTING_CHARS,
  RESOURCES,
  snapshotOfListing
} from '../src/cluster/run-command-listing.js'
import { allFeeds, feedsFor } from '../src/cluster/watched-resources.js'
import { KubeConfig } from '@kubernetes/client-node'
import { shellWords } from '../sandbox/arm/run-command-exec.js'

const T = '2026-03-01T10:00:00Z'

const ns = (name: string, phase = 'Active') => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name },
  status: { phase }
})
const node = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'aks-nodepool1-0', labels: { 'kubernetes.io/os': 'linux' } },
  spec: { taints: [{ key: 'gpu', effect: 'NoSchedule' }] },
  status: { conditions: [{ type: 'Ready', status: 'True' }], images: [{ names: ['x'] }] }
}
const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'gateway-7f969684dc-abcde',
    creationTimestamp: T,
    labels: { app: 'gateway' },
    ownerReferences: [{ kind: 'ReplicaSet', name: 'gateway-7f969684dc', controller: true }]
  },
  spec: { nodeName: 'aks-nodepool1-0', containers: [{ name: 'gateway' }] },
  status: {
    phase: 'Pending',
    conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: T }],
    containerStatuses: [
      {
        name: 'gateway',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } }
      }
    ]
  }
}
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'gateway', generation: 2 },
  spec: { replicas: 1, template: { spec: { nodeSelector: { pool: 'a' } } } },
  status: { observedGeneration: 2, readyReplicas: 0, updatedReplicas: 1 }
}
const replicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: 'gateway-7f969684dc',
    ownerReferences: [{ kind: 'Deployment', name: 'gateway', controller: true }]
  },
  spec: { replicas: 1 },
  status: { readyReplicas: 0 }
}
const daemonSet = {
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name: 'fluent-bit' },
  status: { desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3 }
}
const statefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'prometheus-prom-prometheus' },
  spec: { replicas: 1 },
  status: { readyReplicas: 1, updatedReplicas: 1 }
}
const event = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'gateway-7f969684dc-abcde.1' },
  involvedObject: { kind: 'Pod', name: 'gateway-7f969684dc-abcde' },
  type: 'Warning',
  reason: 'Failed',
  message: 'Failed to pull image "mcr.microsoft.com/azureml/gateway"',
  source: { component: 'kubelet' },
  count: 4,
  lastTimestamp: T
}
const configMap = (name: string, data: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name },
  data
})

/** kubectl's `-o json` of several types: a List, pretty-printed with 4 spaces. */
const listOf = (...items: unknown[]) =>
  JSON.stringify(
    { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } },
    null,
    4
  ) + '\n'
const ok = (logs: string) => ({ exitCode: 0, logs })
const EVERYTHING = listOf(
  ns('default'),
  ns('azureml'),
  node,
  pod,
  deployment,
  replicaSet,
  daemonSet,
  statefulSet,
  event,
  configMap('kube-root-ca.crt', { 'ca.crt': 'x' }),
  configMap('arcml-healthcheck', { 'reports-pre-install': 'Status: Passed' })
)

test('the listing command is one kubectl get of every type the assessment reads, as JSON', () => {
  expect(LISTING_COMMAND).toBe(
    'kubectl get namespaces,nodes,pods,deployments.apps,statefulsets.apps,daemonsets.apps,replicasets.apps,events,configmaps --namespace azureml --output json'
  )
})

test('a listing becomes the snapshot the watch would give', () => {
  const s = snapshotOfListing(ok(EVERYTHING))
  expect(s.namespacePhase).toBe('Active')
  expect(s.nodes).toEqual([
    {
      name: 'aks-nodepool1-0',
      ready: true,
      unschedulable: false,
      labels: { 'kubernetes.io/os': 'linux' },
      taints: [{ key: 'gpu', effect: 'NoSchedule' }]
    }
  ])
  expect(s.pods).toEqual([
    {
      name: 'gateway-7f969684dc-abcde',
      phase: 'Pending',
      node: 'aks-nodepool1-0',
      labels: { app: 'gateway' },
      owner: { kind: 'ReplicaSet', name: 'gateway-7f969684dc' },
      terminating: false,
      createdAt: T,
      scheduled: { status: 'True', lastTransitionTime: T },
      containers: [
        {
          name: 'gateway',
          init: false,
          ready: false,
          restarts: 0,
          state: 'waiting',
          reason: 'ImagePullBackOff',
          message: 'Back-off pulling image'
        }
      ]
    }
  ])
  expect(s.workloads.map(w => [w.kind, w.name, w.ready, w.desired])).toEqual([
    ['Deployment', 'gateway', 0, 1],
    ['ReplicaSet', 'gateway-7f969684dc', 0, 1],
    ['DaemonSet', 'fluent-bit', 2, 3],
    ['StatefulSet', 'prometheus-prom-prometheus', 1, 1]
  ])
  expect(s.workloads[0]).toMatchObject({ nodeSelector: { pool: 'a' }, generation: 2 })
  expect(s.workloads[1]).toMatchObject({ owner: 'gateway' })
  expect(s.events).toEqual([
    {
      involvedKind: 'Pod',
      involvedName: 'gateway-7f969684dc-abcde',
      type: 'Warning',
      reason: 'Failed',
      message: 'Failed to pull image "mcr.microsoft.com/azureml/gateway"',
      source: 'kubelet',
      count: 4,
      lastSeen: T
    }
  ])
  expect(s.healthcheck).toEqual({ 'reports-pre-install': 'Status: Passed' })
})

test.each<[string, string, Partial<ReturnType<typeof snapshotOfListing>>]>([
  ['no azureml namespace', listOf(ns('default')), { namespacePhase: undefined, pods: [] }],
  [
    'a Terminating namespace',
    listOf(ns('azureml', 'Terminating')),
    { namespacePhase: 'Terminating' }
  ],
  ['an empty list', listOf(), { namespacePhase: undefined, nodes: [], events: [] }],
  [
    'the seed-era healthcheck configmap',
    listOf(configMap('amlarc-healthcheck', { 'reports-test': 'old' })),
    { healthcheck: { 'reports-test': 'old' } }
  ],
  [
    'both healthcheck configmaps: the current one counts',
    listOf(
      configMap('amlarc-healthcheck', { 'reports-test': 'old' }),
      configMap('arcml-healthcheck', { 'reports-test': 'new' })
    ),
    { healthcheck: { 'reports-test': 'new' } }
  ],
  ['no healthcheck configmap', listOf(configMap('other', { a: 'b' })), { healthcheck: undefined }],
  [
    "kubectl's warnings before the JSON and notes after it",
    'Warning: policy/v1beta1 PodSecurityPolicy is deprecated\n' +
      listOf(ns('azureml')) +
      'I0301 10:00:00.000000 1 trace.go:236] slow list\n',
    { namespacePhase: 'Active' }
  ],
  [
    'items that are not objects, or of kinds it does not read',
    listOf(null, 7, 'x', { kind: 'Service', metadata: { name: 's' } }, ns('azureml')),
    { namespacePhase: 'Active', pods: [], workloads: [] }
  ]
])('a listing with %s', (_name, logs, expected) => {
  expect(snapshotOfListing(ok(logs))).toMatchObject(expected)
})

test.each<[string, { exitCode: number; logs: string }, RegExp]>([
  [
    'kubectl exits non-zero: its error is quoted, its partial JSON is not',
    {
      exitCode: 1,
      logs:
        listOf(ns('azureml')) +
        'Error from server (Forbidden): pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "azureml"\n'
    },
    /^kubectl exited with 1 through Run Command: Error from server \(Forbidden\): pods is forbidden: .*"azureml"$/
  ],
  [
    'kubectl exits non-zero and says nothing',
    { exitCode: 137, logs: '' },
    /kubectl exited with 137 through Run Command: it printed nothing else/
  ],
  [
    'the command was not found',
    { exitCode: 127, logs: 'sh: 1: kubectl: not found\n' },
    /exited with 127 .*kubectl: not found/
  ],
  [
    'a log that is not JSON',
    ok('error: unknown flag --output\n'),
    /not a JSON list: error: unknown flag/
  ],
  ['an empty log', ok(''), /not a JSON list: an empty log/],
  [
    'JSON cut short (a truncated log)',
    ok(listOf(ns('azureml'), node).slice(0, 300)),
    /not a JSON list/
  ],
  [
    'one object rather than a list',
    ok(JSON.stringify(ns('azureml'), null, 4) + '\n'),
    /not a JSON list/
  ],
  [
    'a list whose items are not an array',
    ok('{\n"kind": "List",\n"items": {}\n}\n'),
    /not a JSON list/
  ],
  [
    'a log larger than the action reads',
    ok(`{\n"kind": "List", "items": [], "pad": "${'x'.repeat(MAX_LISTING_CHARS)}"\n}\n`),
    /is 32 MB, more than the 32 MB this action reads/
  ]
])('a clear error when %s', (_name, result, message) => {
  let thrown: unknown
  try {
    snapshotOfListing(result)
  } catch (err) {
    thrown = err
  }
  expect(thrown).toBeInstanceOf(ListingError)
  expect((thrown as Error).message).toMatch(message)
  expect((thrown as Error).message.length).toBeLessThan(800)
})

test.each<[string, Parameters<typeof outcomeOf>[0], { exitCode: number; logs: string } | RegExp]>([
  [
    'succeeded',
    { provisioningState: 'Succeeded', exitCode: 0, logs: 'namespace dummy created' },
    { exitCode: 0, logs: 'namespace dummy created' }
  ],
  [
    'succeeded, lower case (as the spec examples)',
    { provisioningState: 'succeeded', exitCode: 1 },
    { exitCode: 1, logs: '' }
  ],
  [
    'failed with a reason',
    { provisioningState: 'failed', reason: 'ImagePullBackoff' },
    /could not run `kubectl get pods -n azureml`: ImagePullBackoff\. AKS runs each command in a pod of namespace aks-command/
  ],
  ['failed without a reason', { provisioningState: 'Failed' }, /: no reason given\./],
  [
    'succeeded without an exit code',
    { provisioningState: 'Succeeded' },
    /ended Succeeded without an exit code/
  ],
  ['canceled', { provisioningState: 'Canceled' }, /ended Canceled\./],
  ['no result at all', undefined, /ended without a state/]
])('a Run Command result %s', (_name, result, expected) => {
  const read = () => outcomeOf(result, 'kubectl get pods -n azureml')
  if (expected instanceof RegExp) {
    expect(read).toThrow(RunCommandError)
    expect(read).toThrow(expected)
  } else expect(read()).toEqual(expected)
})

test.each<[string, string[] | undefined]>([
  ['kubectl get pods -n azureml', ['kubectl', 'get', 'pods', '-n', 'azureml']],
  ['  kubectl   get\tnodes  ', ['kubectl', 'get', 'nodes']],
  [
    `kubectl get pods -o 'jsonpath={.items[*].metadata.name}'`,
    ['kubectl', 'get', 'pods', '-o', 'jsonpath={.items[*].metadata.name}']
  ],
  ['kubectl label ns x "a=b c"', ['kubectl', 'label', 'ns', 'x', 'a=b c']],
  ['kubectl get "" x', ['kubectl', 'get', '', 'x']],
  ['kubectl get pod a\\ b', ['kubectl', 'get', 'pod', 'a b']],
  ['kubectl get "a\\"b"', ['kubectl', 'get', 'a"b']],
  ['kubectl get pods | grep x', undefined],
  ['kubectl get pods; rm -rf /', undefined],
  ['kubectl get pods > out', undefined],
  ['kubectl get $(whoami)', undefined],
  ['kubectl get "$HOME"', undefined],
  ['kubectl get `id`', undefined],
  ['kubectl get pods && echo', undefined],
  ['kubectl get "pods', undefined],
  ['# kubectl get pods', undefined]
])('the sandbox splits %j into words as a shell would', (command, words) => {
  expect(shellWords(command)).toEqual(words)
})

test('the Run Command listing reads exactly the resources the watch reads', () => {
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x'
  })
  const watched = new Set(allFeeds(feedsFor(kc, 'azureml')).map(f => f.spec.resource))
  expect(new Set(RESOURCES)).toEqual(watched)
})
