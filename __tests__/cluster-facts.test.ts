import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node'
import type {
  CoreV1Event,
  V1ConfigMap,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Node,
  V1Pod,
  V1ReplicaSet,
  V1StatefulSet
} from '@kubernetes/client-node'
import {
  daemonSetFacts,
  deploymentFacts,
  eventFacts,
  healthcheckData,
  isoTime,
  namespacePhase,
  nodeFacts,
  podFacts,
  replicaSetFacts,
  statefulSetFacts
} from '../src/cluster/facts.js'
import type { KubeObject } from '../sandbox/kube/types.js'
import { kubeWithClient } from './sandbox-kube-helpers.js'

/** Objects as the watch delivers them: plain JSON, timestamps as strings. */
const wire = <T>(json: KubeObject): T => json as unknown as T

const NODE = 'aks-nodepool1-10287945-vmss000001'
const TOLERATIONS = [
  { key: 'ml.azure.com/amlarc', operator: 'Equal', value: 'true', effect: 'NoSchedule' }
]

// ---------------------------------------------------------------- fixtures, as kubectl -o json shows them

const crashLooping = {
  metadata: {
    name: 'aml-operator-7c9d8b5f6d-x2x7k',
    namespace: 'azureml',
    labels: { app: 'aml-operator', 'pod-template-hash': '7c9d8b5f6d' },
    creationTimestamp: '2024-05-01T10:00:00Z',
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'aml-operator-7c9d8b5f6d',
        uid: '5d1c',
        controller: true,
        blockOwnerDeletion: true
      }
    ]
  },
  spec: {
    nodeName: NODE,
    initContainers: [{ name: 'init-config', image: 'busybox' }],
    containers: [
      {
        name: 'aml-operator',
        image: 'mcr.microsoft.com/azureml/amlarc/docker/aml-operator:1.1.71'
      },
      { name: 'kube-rbac-proxy', image: 'mcr.microsoft.com/oss/kubernetes/kube-rbac-proxy:v0.18' }
    ]
  },
  status: {
    phase: 'Running',
    conditions: [
      { type: 'Initialized', status: 'True', lastTransitionTime: '2024-05-01T10:00:05Z' },
      {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [aml-operator]',
        lastProbeTime: null,
        lastTransitionTime: '2024-05-01T10:00:05Z'
      },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' }
    ],
    initContainerStatuses: [
      {
        name: 'init-config',
        image: 'busybox',
        imageID: 'docker.io/library/busybox@sha256:ab',
        ready: true,
        restartCount: 0,
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: '2024-05-01T10:00:02Z',
            finishedAt: '2024-05-01T10:00:04Z'
          }
        },
        lastState: {}
      }
    ],
    containerStatuses: [
      {
        name: 'aml-operator',
        image: 'mcr.microsoft.com/azureml/amlarc/docker/aml-operator:1.1.71',
        imageID: '',
        ready: false,
        restartCount: 5,
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: 'back-off 2m40s restarting failed container=aml-operator'
          }
        },
        lastState: {
          terminated: {
            exitCode: 137,
            reason: 'OOMKilled',
            startedAt: '2024-05-01T10:05:58Z',
            finishedAt: '2024-05-01T10:06:00Z'
          }
        }
      },
      {
        name: 'kube-rbac-proxy',
        image: 'mcr.microsoft.com/oss/kubernetes/kube-rbac-proxy:v0.18',
        imageID: '',
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: '2024-05-01T10:00:06Z' } },
        lastState: {}
      }
    ]
  }
}

const unschedulable = {
  metadata: {
    name: 'azureml-fe-v2-5d4b9c7f8-abcde',
    namespace: 'azureml',
    labels: { app: 'azureml-fe-v2' },
    creationTimestamp: '2024-05-01T10:00:00Z',
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'azureml-fe-v2-5d4b9c7f8', uid: 'a' }
    ]
  },
  spec: { containers: [{ name: 'azureml-fe', image: 'fe' }] },
  status: {
    phase: 'Pending',
    qosClass: 'Burstable',
    conditions: [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient cpu.',
        lastProbeTime: null,
        lastTransitionTime: '2024-05-01T10:00:01Z'
      }
    ]
  }
}

const evicted = {
  metadata: {
    name: 'gateway-6f7d-zz9x1',
    namespace: 'azureml',
    creationTimestamp: '2024-05-01T09:00:00Z',
    deletionTimestamp: '2024-05-01T10:00:30Z'
  },
  spec: { nodeName: NODE, containers: [{ name: 'gateway', image: 'gw' }] },
  status: {
    phase: 'Failed',
    reason: 'Evicted',
    message: 'The node was low on resource: memory.',
    containerStatuses: [
      {
        name: 'gateway',
        image: 'gw',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'gone' } }
      }
    ]
  }
}

const deployment = {
  metadata: { name: 'azureml-fe-v2', namespace: 'azureml', generation: 3 },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'azureml-fe-v2' } },
    template: {
      spec: {
        containers: [{ name: 'azureml-fe', image: 'fe' }],
        nodeSelector: { pool: 'ml' },
        tolerations: TOLERATIONS
      }
    }
  },
  status: {
    observedGeneration: 2,
    replicas: 3,
    updatedReplicas: 1,
    readyReplicas: 2,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        message: 'Deployment has minimum availability.',
        lastUpdateTime: '2024-05-01T10:00:00Z',
        lastTransitionTime: '2024-05-01T10:00:00Z'
      },
      {
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: 'ReplicaSet "azureml-fe-v2-5d4b9c7f8" has timed out progressing.'
      }
    ]
  }
}

const replicaSet = {
  metadata: {
    name: 'azureml-fe-v2-5d4b9c7f8',
    namespace: 'azureml',
    generation: 1,
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: 'azureml-fe-v2',
        uid: 'd',
        controller: true
      }
    ]
  },
  spec: { replicas: 3, selector: {}, template: { spec: { containers: [{ name: 'c' }] } } },
  status: { replicas: 3, observedGeneration: 1 }
}

const statefulSet = {
  metadata: { name: 'prometheus-prom-prometheus', namespace: 'azureml' },
  spec: {
    selector: {},
    serviceName: 'prometheus-operated',
    template: { spec: { containers: [] } }
  },
  status: { replicas: 1, readyReplicas: 1, updatedReplicas: 1, observedGeneration: 1 }
}

const daemonSet = {
  metadata: { name: 'fluent-bit', namespace: 'azureml', generation: 1 },
  spec: {
    selector: {},
    template: { spec: { containers: [{ name: 'fluent-bit' }], tolerations: TOLERATIONS } }
  },
  status: {
    observedGeneration: 1,
    desiredNumberScheduled: 5,
    currentNumberScheduled: 5,
    numberMisscheduled: 0,
    numberReady: 4,
    updatedNumberScheduled: 5
  }
}

const cordonedNode = {
  metadata: { name: NODE, labels: { agentpool: 'gpu', 'kubernetes.io/os': 'linux' } },
  spec: {
    unschedulable: true,
    taints: [
      {
        key: 'node.kubernetes.io/unschedulable',
        effect: 'NoSchedule',
        timeAdded: '2024-05-01T10:00:00Z'
      },
      { key: 'sku', value: 'gpu', effect: 'NoSchedule' }
    ]
  },
  status: {
    conditions: [
      { type: 'MemoryPressure', status: 'False' },
      { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }
    ]
  }
}

const kubeletEvent = {
  metadata: { name: 'aml-operator-7c9d8b5f6d-x2x7k.17c', namespace: 'azureml' },
  involvedObject: { kind: 'Pod', name: 'aml-operator-7c9d8b5f6d-x2x7k', namespace: 'azureml' },
  reason: 'BackOff',
  message: 'Back-off restarting failed container aml-operator',
  source: { component: 'kubelet', host: NODE },
  firstTimestamp: '2024-05-01T10:01:00Z',
  lastTimestamp: '2024-05-01T10:06:00Z',
  count: 12,
  type: 'Warning',
  eventTime: null
}

/** Written through events.k8s.io/v1: no count or lastTimestamp, an eventTime in microseconds. */
const autoscalerEvent = {
  metadata: { name: 'azureml-fe-v2-5d4b9c7f8-abcde.17d', namespace: 'azureml' },
  involvedObject: { kind: 'Pod', name: 'azureml-fe-v2-5d4b9c7f8-abcde' },
  reason: 'TriggeredScaleUp',
  message: 'pod triggered scale-up: [{aks-nodepool1-vmss 3->4 (max: 5)}]',
  reportingComponent: 'cluster-autoscaler',
  eventTime: '2024-05-01T10:00:02.123456Z',
  type: 'Normal'
}

const firstOnlyEvent = {
  metadata: { name: 'x.1', namespace: 'azureml' },
  involvedObject: { kind: 'ReplicaSet', name: 'azureml-fe-v2-5d4b9c7f8' },
  reason: 'SuccessfulCreate',
  message: 'Created pod: azureml-fe-v2-5d4b9c7f8-abcde',
  source: { component: 'replicaset-controller' },
  firstTimestamp: '2024-05-01T10:00:00Z'
}

// ---------------------------------------------------------------- the table

const cases: { name: string; facts: () => unknown; expected: unknown }[] = [
  {
    name: 'pod in CrashLoopBackOff after an OOM kill, with a finished init container',
    facts: () => podFacts(wire<V1Pod>(crashLooping)),
    expected: {
      name: 'aml-operator-7c9d8b5f6d-x2x7k',
      phase: 'Running',
      node: NODE,
      labels: { app: 'aml-operator', 'pod-template-hash': '7c9d8b5f6d' },
      owner: { kind: 'ReplicaSet', name: 'aml-operator-7c9d8b5f6d' },
      terminating: false,
      createdAt: '2024-05-01T10:00:00Z',
      scheduled: { status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' },
      ready: {
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [aml-operator]',
        lastTransitionTime: '2024-05-01T10:00:05Z'
      },
      containers: [
        {
          name: 'init-config',
          init: true,
          ready: true,
          restarts: 0,
          state: 'terminated',
          reason: 'Completed',
          exitCode: 0
        },
        {
          name: 'aml-operator',
          init: false,
          ready: false,
          restarts: 5,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          message: 'back-off 2m40s restarting failed container=aml-operator',
          lastTermination: {
            reason: 'OOMKilled',
            exitCode: 137,
            finishedAt: '2024-05-01T10:06:00Z'
          }
        },
        { name: 'kube-rbac-proxy', init: false, ready: true, restarts: 0, state: 'running' }
      ]
    }
  },
  {
    name: 'unschedulable pod: no node, no container statuses, an owner without controller: true',
    facts: () => podFacts(wire<V1Pod>(unschedulable)),
    expected: {
      name: 'azureml-fe-v2-5d4b9c7f8-abcde',
      phase: 'Pending',
      labels: { app: 'azureml-fe-v2' },
      terminating: false,
      createdAt: '2024-05-01T10:00:00Z',
      scheduled: {
        status: 'False',
        reason: 'Unschedulable',
        message: '0/3 nodes are available: 3 Insufficient cpu.',
        lastTransitionTime: '2024-05-01T10:00:01Z'
      },
      containers: [{ name: 'azureml-fe', init: false, ready: false, restarts: 0, state: 'unknown' }]
    }
  },
  {
    name: 'evicted, terminating pod: the pod-level reason and message',
    facts: () => podFacts(wire<V1Pod>(evicted)),
    expected: {
      name: 'gateway-6f7d-zz9x1',
      phase: 'Failed',
      node: NODE,
      labels: {},
      terminating: true,
      createdAt: '2024-05-01T09:00:00Z',
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
      containers: [
        {
          name: 'gateway',
          init: false,
          ready: false,
          restarts: 0,
          state: 'terminated',
          reason: 'ContainerStatusUnknown',
          message: 'gone',
          exitCode: 137
        }
      ]
    }
  },
  {
    name: 'deployment mid-rollout: generation ahead, node selector and tolerations of the template',
    facts: () => deploymentFacts(wire<V1Deployment>(deployment)),
    expected: {
      kind: 'Deployment',
      name: 'azureml-fe-v2',
      desired: 3,
      ready: 2,
      updated: 1,
      generation: 3,
      observedGeneration: 2,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.'
        },
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "azureml-fe-v2-5d4b9c7f8" has timed out progressing.'
        }
      ],
      nodeSelector: { pool: 'ml' },
      tolerations: TOLERATIONS
    }
  },
  {
    name: 'replicaset: its Deployment as owner, no ready replicas yet',
    facts: () => replicaSetFacts(wire<V1ReplicaSet>(replicaSet)),
    expected: {
      kind: 'ReplicaSet',
      name: 'azureml-fe-v2-5d4b9c7f8',
      owner: 'azureml-fe-v2',
      desired: 3,
      ready: 0,
      generation: 1,
      observedGeneration: 1,
      conditions: []
    }
  },
  {
    name: 'statefulset without spec.replicas: one is desired',
    facts: () => statefulSetFacts(wire<V1StatefulSet>(statefulSet)),
    expected: {
      kind: 'StatefulSet',
      name: 'prometheus-prom-prometheus',
      desired: 1,
      ready: 1,
      updated: 1,
      observedGeneration: 1,
      conditions: []
    }
  },
  {
    name: 'daemonset: desired is the scheduled node count, ready is numberReady',
    facts: () => daemonSetFacts(wire<V1DaemonSet>(daemonSet)),
    expected: {
      kind: 'DaemonSet',
      name: 'fluent-bit',
      desired: 5,
      ready: 4,
      updated: 5,
      generation: 1,
      observedGeneration: 1,
      conditions: [],
      tolerations: TOLERATIONS
    }
  },
  {
    name: 'cordoned node whose kubelet stopped reporting',
    facts: () => nodeFacts(wire<V1Node>(cordonedNode)),
    expected: {
      name: NODE,
      ready: false,
      unschedulable: true,
      labels: { agentpool: 'gpu', 'kubernetes.io/os': 'linux' },
      taints: [
        { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
        { key: 'sku', value: 'gpu', effect: 'NoSchedule' }
      ]
    }
  },
  {
    name: 'kubelet event folded 12 times: lastTimestamp',
    facts: () => eventFacts(wire<CoreV1Event>(kubeletEvent)),
    expected: {
      involvedKind: 'Pod',
      involvedName: 'aml-operator-7c9d8b5f6d-x2x7k',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container aml-operator',
      source: 'kubelet',
      count: 12,
      lastSeen: '2024-05-01T10:06:00Z'
    }
  },
  {
    name: 'events.k8s.io event: reportingComponent, eventTime to the second, count 1',
    facts: () => eventFacts(wire<CoreV1Event>(autoscalerEvent)),
    expected: {
      involvedKind: 'Pod',
      involvedName: 'azureml-fe-v2-5d4b9c7f8-abcde',
      type: 'Normal',
      reason: 'TriggeredScaleUp',
      message: 'pod triggered scale-up: [{aks-nodepool1-vmss 3->4 (max: 5)}]',
      source: 'cluster-autoscaler',
      count: 1,
      lastSeen: '2024-05-01T10:00:02Z'
    }
  },
  {
    name: 'event with only firstTimestamp and no type',
    facts: () => eventFacts(wire<CoreV1Event>(firstOnlyEvent)),
    expected: {
      involvedKind: 'ReplicaSet',
      involvedName: 'azureml-fe-v2-5d4b9c7f8',
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: 'Created pod: azureml-fe-v2-5d4b9c7f8-abcde',
      source: 'replicaset-controller',
      count: 1,
      lastSeen: '2024-05-01T10:00:00Z'
    }
  },
  {
    name: 'healthcheck configmap: its data; none is an empty record',
    facts: () => [
      healthcheckData(wire<V1ConfigMap>({ metadata: { name: 'x' }, data: { a: 'b' } })),
      healthcheckData(wire<V1ConfigMap>({ metadata: { name: 'x' } }))
    ],
    expected: [{ a: 'b' }, {}]
  },
  {
    name: 'namespace phase; no status counts as Active',
    facts: () => [
      namespacePhase(
        wire<V1Namespace>({ metadata: { name: 'azureml' }, status: { phase: 'Terminating' } })
      ),
      namespacePhase(wire<V1Namespace>({ metadata: { name: 'azureml' } }))
    ],
    expected: ['Terminating', 'Active']
  }
]

test.each(cases)('$name', ({ facts, expected }) => {
  expect(facts()).toEqual(expected)
})

test('isoTime: Date and string give the same whole-second ISO text; junk stays as it was', () => {
  expect(isoTime(new Date('2024-05-01T10:00:02.123Z'))).toBe('2024-05-01T10:00:02Z')
  expect(isoTime('2024-05-01T10:00:02.123456Z')).toBe('2024-05-01T10:00:02Z')
  expect(isoTime('2024-05-01T12:00:02+02:00')).toBe('2024-05-01T10:00:02Z')
  expect([isoTime(null), isoTime(undefined), isoTime('')]).toEqual([
    undefined,
    undefined,
    undefined
  ])
  expect(isoTime('yesterday')).toBe('yesterday')
})

test('isoTime: whole-second UTC text, returned as is where it may be, reads as Date reads it', () => {
  // The shortcut must not keep what Date rolls over (Feb 30 → Mar 1, hour 24 → next day).
  const digits = (n: number, width: number) => String(n).padStart(width, '0')
  for (const [day, hour] of [
    [28, 23],
    [29, 0],
    [30, 12],
    [31, 5],
    [1, 24],
    [0, 0]
  ] as const) {
    for (const month of [0, 1, 2, 4, 12, 13]) {
      const text = `2023-${digits(month, 2)}-${digits(day, 2)}T${digits(hour, 2)}:59:59Z`
      const date = new Date(text)
      const slow = Number.isNaN(date.getTime()) ? text : date.toISOString().replace(/\.\d+Z$/, 'Z')
      expect(isoTime(text)).toBe(slow)
    }
  }
})

test('typed lists (Date timestamps) and watch JSON (string timestamps) reduce to the same facts', async () => {
  const { kube, kc } = await kubeWithClient({ nodes: [] })
  try {
    const put = (storage: string, obj: object) => kube.store.create(storage, obj as KubeObject)
    for (const pod of [crashLooping, unschedulable, evicted]) put('pods', pod)
    put('apps/deployments', deployment)
    put('apps/replicasets', replicaSet)
    put('apps/statefulsets', statefulSet)
    put('apps/daemonsets', daemonSet)
    put('nodes', cordonedNode)
    for (const e of [kubeletEvent, autoscalerEvent, firstOnlyEvent]) put('events', e)

    const core = kc.makeApiClient(CoreV1Api)
    const apps = kc.makeApiClient(AppsV1Api)
    const namespace = 'azureml'
    const raw = <T>(storage: string, o: { metadata?: { name?: string } }, ns = namespace) =>
      wire<T>(kube.store.get(storage, ns, o.metadata!.name!)!)
    const pods = (await core.listNamespacedPod({ namespace })).items
    expect(pods[0]!.metadata!.creationTimestamp).toBeInstanceOf(Date)
    expect(pods).toHaveLength(3)
    for (const p of pods) expect(podFacts(p)).toEqual(podFacts(raw<V1Pod>('pods', p)))
    /** Reduces every listed object both ways; returns how many were compared. */
    const compare = <T extends { metadata?: { name?: string } }>(
      items: T[],
      storage: string,
      reduce: (o: T) => unknown,
      ns = namespace
    ) => {
      for (const o of items) expect(reduce(o)).toEqual(reduce(raw<T>(storage, o, ns)))
      return items.length
    }
    const compared = [
      compare(
        (await apps.listNamespacedDeployment({ namespace })).items,
        'apps/deployments',
        deploymentFacts
      ),
      compare(
        (await apps.listNamespacedReplicaSet({ namespace })).items,
        'apps/replicasets',
        replicaSetFacts
      ),
      compare(
        (await apps.listNamespacedStatefulSet({ namespace })).items,
        'apps/statefulsets',
        statefulSetFacts
      ),
      compare(
        (await apps.listNamespacedDaemonSet({ namespace })).items,
        'apps/daemonsets',
        daemonSetFacts
      ),
      compare((await core.listNode({})).items, 'nodes', nodeFacts, ''),
      compare((await core.listNamespacedEvent({ namespace })).items, 'events', eventFacts)
    ]
    expect(compared).toEqual([1, 1, 1, 1, 1, 3])
  } finally {
    await kube.close()
  }
})
