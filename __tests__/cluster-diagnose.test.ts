/** Each failure mode of the `azureml` namespace: failed with the right problem past its grace, waiting inside it. */
import { assess } from '../src/cluster/assess.js'
import type { AssessOptions } from '../src/cluster/assess.js'
import { healthcheckProblems, KNOWN_PROBLEMS } from '../src/cluster/diagnose.js'
import { hasPhrase } from '../src/cluster/match.js'
import type { ClusterProblem } from '../src/cluster/model.js'
import { healthcheckReport } from '../sandbox/controller/healthcheck.js'
import {
  container,
  event,
  fixture2,
  iso,
  MIN,
  pod,
  prefixMatcher,
  running,
  SEC,
  T0,
  withPod,
  workload
} from './helpers/cluster-facts.js'
import type { Scenario } from './helpers/cluster-facts.js'

function run(s: Scenario, now: number, extra: Partial<AssessOptions> = {}) {
  return assess(s.expected, s.snapshot, prefixMatcher(s.expected), { now, since: T0, ...extra })
}

interface Expect {
  reason: string
  component: string
  pod?: string
  fix: string[]
  message?: string[]
}

/** Every problem of the assessment, each with the fields a user reads. */
function expectProblems(problems: ClusterProblem[], want: Expect[]) {
  expect(problems).toHaveLength(want.length)
  want.forEach((w, i) => {
    const p = problems[i]!
    expect({ reason: p.reason, component: p.component, pod: p.pod }).toEqual({
      reason: w.reason,
      component: w.component,
      pod: w.pod
    })
    for (const part of w.fix) expect(p.fix).toContain(part)
    for (const part of w.message ?? []) expect(p.message).toContain(part)
  })
}

const GATEWAY = 'gateway-7d4c4f7d77-5spfc'
const FE = 'azureml-fe-v2-5868d64648-6jk9c'
const NGINX = 'azureml-ingress-nginx-controller-7db4bf4cc7-qnm9c'
const IMAGE = 'mcr.microsoft.com/azureml/amlarc/docker/gateway:1.1.71'
const PULL_FAILED = `Failed to pull image "${IMAGE}": failed to resolve reference "${IMAGE}": dial tcp 204.79.197.219:443: i/o timeout`

const pullFailing = (backOffs: number) => (s: Scenario) => {
  withPod(s, 'gateway', old =>
    pod(old.name, {
      owner: old.owner,
      containers: [
        container('gateway', {
          ready: false,
          state: 'waiting',
          reason: 'ImagePullBackOff',
          message: `Back-off pulling image "${IMAGE}"`
        })
      ]
    })
  )
  s.snapshot.events.push(event('Pod', GATEWAY, 'Failed', PULL_FAILED))
  if (backOffs > 0)
    s.snapshot.events.push(
      event('Pod', GATEWAY, 'BackOff', `Back-off pulling image "${IMAGE}"`, {
        type: 'Normal',
        count: backOffs
      })
    )
  return s
}

const crashing = (prefix: string, restarts: number, last: string, exitCode: number) => {
  return (s: Scenario) =>
    withPod(s, prefix, old => ({
      ...old,
      containers: [
        container(old.containers[0]!.name, {
          ready: false,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          restarts,
          lastTermination: { reason: last, exitCode }
        })
      ]
    }))
}

const unschedulable =
  (
    prefix: string,
    message: string,
    extraEvents: (name: string) => ReturnType<typeof event>[] = () => []
  ) =>
  (s: Scenario) => {
    let name = ''
    withPod(s, prefix, old => {
      name = old.name
      return pod(old.name, {
        owner: old.owner,
        node: undefined,
        scheduled: {
          status: 'False',
          reason: 'Unschedulable',
          message,
          lastTransitionTime: iso(T0)
        }
      })
    })
    s.snapshot.events.push(
      event('Pod', name, 'FailedScheduling', message, { source: 'default-scheduler' }),
      ...extraEvents(name)
    )
    return s
  }

const ANTI =
  "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."

/** The fixture's fe scaled to 3 (HA) on 2 nodes: two run, the third cannot be placed. */
function haOnTwoNodes(extra: (name: string) => ReturnType<typeof event>[] = () => []) {
  return (s: Scenario) => {
    s.expected.find(c => c.name === 'azureml-fe-v2')!.desired = 3
    Object.assign(
      s.snapshot.workloads.find(w => w.name === 'azureml-fe-v2')!,
      {
        desired: 3,
        updated: 3,
        ready: 2
      }
    )
    s.snapshot.pods.push(
      running('azureml-fe-v2-5868d64648-k2x9q', 4, 4, {
        node: 'aks-nodepool1-29411547-vmss000001'
      }),
      pod('azureml-fe-v2-5868d64648-zz7wd')
    )
    return unschedulable('azureml-fe-v2-5868d64648-zz7wd', ANTI, extra)(s)
  }
}

const configError = (reason: string, said: string) => (s: Scenario) => {
  withPod(s, 'azureml-fe-v2', old => ({
    ...old,
    phase: 'Pending',
    containers: [container('azureml-fe', { ready: false, state: 'waiting', reason })]
  }))
  s.snapshot.events.push(event('Pod', FE, 'Failed', said))
  return s
}

const denied = (message: string) => (s: Scenario) => {
  s.snapshot.pods = s.snapshot.pods.filter(p => !p.name.startsWith('volcano-admission'))
  s.snapshot.workloads.find(w => w.name === 'volcano-admission')!.ready = 0
  s.snapshot.events.push(
    event('ReplicaSet', 'volcano-admission-76695cb547', 'FailedCreate', message, {
      source: 'replicaset-controller',
      count: 7
    })
  )
  return s
}

const GATEKEEPER =
  'Error creating: admission webhook "validation.gatekeeper.sh" denied the request: [azurepolicy-k8sazurev2noprivilege-5d2a9fc2e6f1a8e3b7c4] Privileged container is not allowed: admission, securityContext: {"privileged": true}'

interface Case {
  name: string
  make: (s: Scenario) => Scenario
  /** A moment at which waiting still makes sense (omitted for states that are final at once). */
  early?: number
  earlyAwaiting?: string
  late: number
  problems: Expect[]
}

const CASES: Case[] = [
  {
    name: 'image pull, second back-off',
    make: pullFailing(2),
    late: T0 + 40 * SEC,
    problems: [
      {
        reason: 'ImagePullBackOff',
        component: 'gateway',
        pod: GATEWAY,
        fix: ['`mcr.microsoft.com`', '`*.data.mcr.microsoft.com`'],
        message: ['2 pull back-offs', 'i/o timeout']
      }
    ]
  },
  {
    name: 'image pull, failing past the grace without back-off events',
    make: pullFailing(0),
    early: T0 + 90 * SEC,
    earlyAwaiting: 'gateway (ImagePullBackOff)',
    late: T0 + 2 * MIN,
    problems: [
      { reason: 'ImagePullBackOff', component: 'gateway', pod: GATEWAY, fix: ['mcr.microsoft.com'] }
    ]
  },
  {
    name: 'image pull, the first back-off only',
    make: pullFailing(1),
    early: T0 + 40 * SEC,
    earlyAwaiting: 'gateway (ImagePullBackOff)',
    late: T0 + 3 * MIN,
    problems: [
      { reason: 'ImagePullBackOff', component: 'gateway', pod: GATEWAY, fix: ['mcr.microsoft.com'] }
    ]
  },
  {
    name: 'image tag that does not exist',
    make: s => {
      pullFailing(2)(s)
      s.snapshot.events.push(
        event('Pod', GATEWAY, 'Failed', `Failed to pull image "${IMAGE}": manifest unknown`, {
          lastSeen: iso(T0 + 10 * SEC)
        })
      )
      return s
    },
    late: T0 + 40 * SEC,
    problems: [
      {
        reason: 'ImageNotFound',
        component: 'gateway',
        pod: GATEWAY,
        fix: ['`version`', '`release-train`'],
        message: ['manifest unknown']
      }
    ]
  },
  {
    name: 'crash loop past the restart threshold',
    make: crashing('gateway', 3, 'Error', 1),
    late: T0 + 2 * MIN,
    problems: [
      {
        reason: 'CrashLoopBackOff',
        component: 'gateway',
        pod: GATEWAY,
        fix: [`kubectl logs -n azureml ${GATEWAY} -c gateway --previous`],
        message: ['restarted 3 times', 'last exit code 1 (Error)']
      }
    ]
  },
  {
    name: 'crash loop below the threshold',
    make: crashing('gateway', 2, 'Error', 1),
    early: T0 + 10 * MIN,
    earlyAwaiting: 'gateway (CrashLoopBackOff)',
    late: Infinity,
    problems: []
  },
  {
    name: 'nginx controller OOMKilled',
    make: crashing('azureml-ingress-nginx-controller', 2, 'OOMKilled', 137),
    late: T0 + MIN,
    problems: [
      {
        reason: 'OOMKilled',
        component: 'azureml-ingress-nginx-controller',
        pod: NGINX,
        fix: ['`nginxIngress.controllerConfig.worker-processes`', 'memory limit'],
        message: ['OOMKilled (exit code 137), 2 restarts']
      }
    ]
  },
  {
    name: 'another component OOMKilled',
    make: crashing('gateway', 2, 'OOMKilled', 137),
    late: T0 + MIN,
    problems: [
      {
        reason: 'OOMKilled',
        component: 'gateway',
        pod: GATEWAY,
        fix: ['4 vCPU / 14 GB', '3 of them']
      }
    ]
  },
  {
    name: 'a single OOM kill',
    make: crashing('gateway', 1, 'OOMKilled', 137),
    early: T0 + 10 * MIN,
    earlyAwaiting: 'gateway (CrashLoopBackOff)',
    late: Infinity,
    problems: []
  },
  {
    name: 'azureml-fe-v2 HA on two nodes (anti-affinity)',
    make: haOnTwoNodes(),
    early: T0 + 90 * SEC,
    earlyAwaiting: 'azureml-fe-v2 (2/3 ready, Pending)',
    late: T0 + 2 * MIN,
    problems: [
      {
        reason: 'Unschedulable',
        component: 'azureml-fe-v2',
        pod: 'azureml-fe-v2-5868d64648-zz7wd',
        fix: ['`inference-router-ha: false`', 'add nodes'],
        message: ["didn't match pod anti-affinity rules", '(2 Ready schedulable nodes)']
      }
    ]
  },
  {
    name: 'insufficient cpu and memory',
    make: unschedulable(
      'volcano-scheduler',
      '0/2 nodes are available: 1 Insufficient cpu, 1 Insufficient memory. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.'
    ),
    early: T0 + MIN,
    earlyAwaiting: 'volcano-scheduler (Pending)',
    late: T0 + 3 * MIN,
    problems: [
      {
        reason: 'Unschedulable',
        component: 'volcano-scheduler',
        pod: 'volcano-scheduler-754747f8d8-cb6dz',
        fix: ['4 vCPU / 14 GB', 'Standard_DS3_v2'],
        message: ['1 Insufficient cpu, 1 Insufficient memory']
      }
    ]
  },
  {
    name: 'node selector matches no node',
    make: unschedulable(
      'aml-operator',
      "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling."
    ),
    late: T0 + 3 * MIN,
    problems: [
      {
        reason: 'Unschedulable',
        component: 'aml-operator',
        pod: 'aml-operator-6f99cc458c-zpwsw',
        fix: ['`node-selector` input', 'label the nodes']
      }
    ]
  },
  {
    name: 'untolerated taints and too many pods in one message',
    make: unschedulable(
      'gateway',
      '0/3 nodes are available: 1 Too many pods, 2 node(s) had untolerated taint {CriticalAddonsOnly: true}. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.'
    ),
    late: T0 + 3 * MIN,
    problems: [
      {
        reason: 'Unschedulable',
        component: 'gateway',
        pod: GATEWAY,
        fix: [
          'remove taint `CriticalAddonsOnly=true`',
          'kubectl taint nodes <node> CriticalAddonsOnly-',
          'max pods'
        ]
      }
    ]
  },
  {
    name: 'the autoscaler cannot add a node',
    make: haOnTwoNodes(name => [
      event(
        'Pod',
        name,
        'NotTriggerScaleUp',
        "pod didn't trigger scale-up: 1 max node group size reached",
        { type: 'Normal', source: 'cluster-autoscaler', lastSeen: iso(T0 + 30 * SEC) }
      )
    ]),
    early: T0 + MIN,
    earlyAwaiting: 'azureml-fe-v2 (2/3 ready, Pending)',
    late: T0 + 2 * MIN,
    problems: [
      {
        reason: 'Unschedulable',
        component: 'azureml-fe-v2',
        pod: 'azureml-fe-v2-5868d64648-zz7wd',
        fix: ['`inference-router-ha: false`', "raise the node pool's maximum node count"],
        message: [
          'cluster-autoscaler: "pod didn\'t trigger scale-up: 1 max node group size reached"'
        ]
      }
    ]
  },
  {
    name: 'a scale-up that long since stopped helping',
    make: haOnTwoNodes(name => [
      event(
        'Pod',
        name,
        'TriggeredScaleUp',
        'pod triggered scale-up: [{aks-nodepool1-29411547-vmss 2->3 (max: 5)}]',
        {
          type: 'Normal',
          source: 'cluster-autoscaler',
          lastSeen: iso(T0)
        }
      )
    ]),
    early: T0 + 14 * MIN,
    late: T0 + 15 * MIN,
    problems: [
      {
        reason: 'Unschedulable',
        component: 'azureml-fe-v2',
        pod: 'azureml-fe-v2-5868d64648-zz7wd',
        fix: ['`inference-router-ha: false`']
      }
    ]
  },
  {
    name: 'TLS secret not found',
    make: configError('CreateContainerConfigError', 'Error: secret "contoso-tls" not found'),
    early: T0 + 30 * SEC,
    earlyAwaiting: 'azureml-fe-v2 (CreateContainerConfigError)',
    late: T0 + MIN,
    problems: [
      {
        reason: 'CreateContainerConfigError',
        component: 'azureml-fe-v2',
        pod: FE,
        fix: ['create secret `contoso-tls` in namespace `azureml`', '`cert.pem`', '`ssl-cert`'],
        message: ['Error: secret "contoso-tls" not found']
      }
    ]
  },
  {
    name: 'TLS secret without key.pem',
    make: configError(
      'CreateContainerConfigError',
      "Error: couldn't find key key.pem in Secret azureml/contoso-tls"
    ),
    late: T0 + MIN,
    problems: [
      {
        reason: 'CreateContainerConfigError',
        component: 'azureml-fe-v2',
        pod: FE,
        fix: ['create secret `contoso-tls`', '`ssl-key`']
      }
    ]
  },
  {
    name: 'CreateContainerError',
    make: configError('CreateContainerError', 'Error: context deadline exceeded'),
    late: T0 + MIN,
    problems: [
      {
        reason: 'CreateContainerError',
        component: 'azureml-fe-v2',
        pod: FE,
        fix: [`kubectl describe pod -n azureml ${FE}`],
        message: ['context deadline exceeded']
      }
    ]
  },
  {
    name: 'InvalidImageName',
    make: configError('InvalidImageName', 'Error: InvalidImageName'),
    late: T0 + MIN,
    problems: [
      { reason: 'InvalidImageName', component: 'azureml-fe-v2', pod: FE, fix: ['`version`'] }
    ]
  },
  {
    name: 'Gatekeeper denies the pods',
    make: denied(GATEKEEPER),
    early: T0 + 30 * SEC,
    earlyAwaiting: 'volcano-admission (0/1 ready)',
    late: T0 + MIN,
    problems: [
      {
        reason: 'FailedCreate',
        component: 'volcano-admission',
        fix: [
          'exempt namespace `azureml`',
          'constraint `azurepolicy-k8sazurev2noprivilege-5d2a9fc2e6f1a8e3b7c4`'
        ],
        message: ['ReplicaSet volcano-admission-76695cb547', 'Privileged container is not allowed']
      }
    ]
  },
  {
    name: 'a quota refuses the pods',
    make: denied(
      'Error creating: pods "volcano-admission-76695cb547-x" is forbidden: exceeded quota: azureml-quota, requested: pods=1, used: pods=20, limited: pods=20'
    ),
    late: T0 + MIN,
    problems: [
      {
        reason: 'FailedCreate',
        component: 'volcano-admission',
        fix: ['ResourceQuota'],
        message: ['exceeded quota']
      }
    ]
  },
  {
    name: 'a rollout past its progress deadline',
    make: s => {
      withPod(s, 'gateway', old =>
        pod(old.name, {
          owner: old.owner,
          containers: [
            container('gateway', { ready: false, state: 'waiting', reason: 'ContainerCreating' })
          ]
        })
      )
      s.snapshot.workloads.find(w => w.name === 'gateway')!.conditions = [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "gateway-7d4c4f7d77" has timed out progressing.'
        }
      ]
      return s
    },
    late: T0 + 10 * SEC,
    problems: [
      {
        reason: 'ProgressDeadlineExceeded',
        component: 'gateway',
        fix: ["pods' own problems", 'kubectl describe deployment -n azureml gateway'],
        message: ['has timed out progressing', `pods: ${GATEWAY} ContainerCreating`]
      }
    ]
  },
  {
    name: 'a component that never appears',
    make: s => {
      s.snapshot.pods = s.snapshot.pods.filter(p => !p.name.startsWith('gateway'))
      s.snapshot.workloads = s.snapshot.workloads.filter(w => !w.name.startsWith('gateway'))
      return s
    },
    early: T0 + 4 * MIN,
    earlyAwaiting: 'gateway (missing)',
    late: T0 + 5 * MIN,
    problems: [
      {
        reason: 'Missing',
        component: 'gateway',
        fix: ['helm history -n azureml'],
        message: ['no Deployment gateway in azureml 300s after provisioning succeeded']
      }
    ]
  },
  {
    name: 'the namespace is being deleted',
    make: s => {
      s.snapshot.namespacePhase = 'Terminating'
      return s
    },
    late: T0,
    problems: [
      {
        reason: 'NamespaceTerminating',
        component: 'azureml',
        fix: ['wait for the earlier delete to finish'],
        message: ['namespace azureml is Terminating']
      }
    ]
  },
  {
    name: 'amlarc-identity-certs never mounts (Arc agents)',
    make: s => {
      const name = 'amlarc-identity-proxy-5dd64f65f4-ds8t2'
      withPod(s, 'amlarc-identity-proxy', old =>
        pod(name, {
          owner: old.owner,
          containers: [
            container('proxy', { ready: false, state: 'waiting', reason: 'ContainerCreating' })
          ]
        })
      )
      s.snapshot.events.push(
        event(
          'Pod',
          name,
          'FailedMount',
          'MountVolume.SetUp failed for volume "amlarc-identity-certs" : secret "amlarc-identity-certs" not found',
          { count: 12, lastSeen: iso(T0 + 4 * MIN) }
        )
      )
      return s
    },
    early: T0 + 4 * MIN,
    earlyAwaiting: 'amlarc-identity-proxy (ContainerCreating)',
    late: T0 + 5 * MIN,
    problems: [
      {
        reason: 'FailedMount',
        component: 'amlarc-identity-proxy',
        pod: 'amlarc-identity-proxy-5dd64f65f4-ds8t2',
        fix: ['`az connectedk8s upgrade`'],
        message: ['secret "amlarc-identity-certs" not found']
      }
    ]
  }
]

describe('failure modes', () => {
  test.each(CASES.filter(c => c.late !== Infinity).map(c => [c.name, c] as const))(
    '%s: failed past the grace, naming component, pod, reason and fix',
    (_, c) => {
      const a = run(c.make(fixture2()), c.late)
      expect(a.verdict).toBe('failed')
      expectProblems(a.problems, c.problems)
      for (const p of c.problems)
        expect(a.components.find(k => k.name === p.component)?.status ?? 'Failed').toBe('Failed')
    }
  )

  test.each(CASES.filter(c => c.early !== undefined).map(c => [c.name, c] as const))(
    '%s: waiting inside the grace',
    (_, c) => {
      const a = run(c.make(fixture2()), c.early!)
      expect(a.problems).toEqual([])
      expect(a.verdict).toBe('waiting')
      if (c.earlyAwaiting) expect(a.awaiting).toEqual([c.earlyAwaiting])
    }
  )

  test('shorter graces fail sooner: the sandbox can run every case in seconds', () => {
    const a = run(pullFailing(0)(fixture2()), T0 + 5 * SEC, { graces: { imagePullMs: 5 * SEC } })
    expect(a.verdict).toBe('failed')
    expect(a.problems.map(p => p.reason)).toEqual(['ImagePullBackOff'])
  })
})

describe('cluster autoscaler', () => {
  const triggered = (lastSeen: number) => (name: string) => [
    event(
      'Pod',
      name,
      'TriggeredScaleUp',
      'pod triggered scale-up: [{aks-nodepool1-29411547-vmss 2->3 (max: 5)}]',
      {
        type: 'Normal',
        source: 'cluster-autoscaler',
        lastSeen: iso(lastSeen)
      }
    )
  ]

  test('a scale-up in progress keeps the run waiting past the unschedulable grace, with a note', () => {
    const a = run(haOnTwoNodes(triggered(T0 + 30 * SEC))(fixture2()), T0 + 8 * MIN)
    expect(a.verdict).toBe('waiting')
    expect(a.problems).toEqual([])
    expect(a.awaiting).toEqual(['azureml-fe-v2 (2/3 ready, Pending)'])
    expect(a.notes).toEqual([
      'cluster-autoscaler is adding a node for azureml-fe-v2-5868d64648-zz7wd (azureml-fe-v2); waiting: "pod triggered scale-up: [{aks-nodepool1-29411547-vmss 2->3 (max: 5)}]"'
    ])
  })

  test('a later NotTriggerScaleUp overrides an earlier scale-up', () => {
    const make = haOnTwoNodes(name => [
      ...triggered(T0)(name),
      event(
        'Pod',
        name,
        'NotTriggerScaleUp',
        "pod didn't trigger scale-up: 1 max node group size reached",
        {
          type: 'Normal',
          source: 'cluster-autoscaler',
          lastSeen: iso(T0 + MIN)
        }
      )
    ])
    const a = run(make(fixture2()), T0 + 3 * MIN)
    expect(a.verdict).toBe('failed')
    expect(a.notes).toEqual([])
    expectProblems(a.problems, [
      {
        reason: 'Unschedulable',
        component: 'azureml-fe-v2',
        pod: 'azureml-fe-v2-5868d64648-zz7wd',
        fix: ["raise the node pool's maximum node count"]
      }
    ])
  })
})

describe('the healthcheck hook', () => {
  const failedHook = (data?: Record<string, string>) => (s: Scenario) => {
    withPod(s, 'healthcheck', old => ({
      ...old,
      phase: 'Failed',
      containers: [
        container('healthcheck', {
          ready: false,
          state: 'terminated',
          reason: 'Error',
          exitCode: 1
        })
      ]
    }))
    s.snapshot.healthcheck = data
    return s
  }
  const report = (code: Parameters<typeof healthcheckReport>[0]['failure']) =>
    healthcheckReport({
      date: '2025-03-01T09:59:00Z',
      durationMs: 4200,
      distribution: 'aks',
      correlationId: 'b3b0e1c2-0000-4000-8000-000000000000',
      inference: true,
      failure: code
    })

  test('a failed hook lists the checker, its code and the fix from the report', () => {
    const data = {
      'reports-pre-install': report({ code: 'E40001' }),
      'reports-pre-delete': report({ code: 'E40001' })
    }
    const a = run(failedHook(data)(fixture2()), T0, { operation: 'install' })
    expect(a.verdict).toBe('failed')
    expect(a.components.find(c => c.name === 'healthcheck')?.status).toBe('Failed')
    // The same failure under pre-delete is not a second problem.
    expectProblems(a.problems, [
      {
        reason: 'E40001',
        component: 'healthcheck',
        pod: 'healthcheck',
        fix: ['`inference-router-service-type`', '`nodePort`'],
        message: [
          'checker "service"',
          'LOAD_BALANCER_NOT_SUPPORT',
          'load balancer service is not supported'
        ]
      }
    ])
  })

  test('without a report the fix says where to read it', () => {
    const a = run(failedHook()(fixture2()), T0)
    expectProblems(a.problems, [
      {
        reason: 'HealthcheckFailed',
        component: 'healthcheck',
        pod: 'healthcheck',
        fix: ['kubectl get configmap arcml-healthcheck -n azureml -o yaml'],
        message: ['pod healthcheck Error (exit code 1); no healthcheck report found']
      }
    ])
  })

  test('a hook still running is waited for', () => {
    const s = withPod(fixture2(), 'healthcheck', old =>
      running(old.name, 0, 1, { owner: undefined })
    )
    const a = run(s, T0 + 10 * MIN)
    expect(a.verdict).toBe('waiting')
    expect(a.awaiting).toEqual(['healthcheck (Running)'])
  })
})

describe('healthcheckProblems', () => {
  const report = (failure?: { code: 'E40002' | 'E45003' | 'E40007'; message?: string }) =>
    healthcheckReport({
      date: '2025-03-01T09:59:00Z',
      durationMs: 3100,
      distribution: 'k3s',
      correlationId: 'c0ffee00-0000-4000-8000-000000000000',
      inference: false,
      failure
    })

  test.each([
    [
      'install',
      'reports-pre-install',
      'E40002',
      ['`inference-router-ha: false`', 'widen `node-selector`']
    ],
    [
      'upgrade',
      'reports-pre-upgrade',
      'E45003',
      ['`mcr.microsoft.com`', '`*.data.mcr.microsoft.com`']
    ],
    ['upgrade', 'reports-pre-rollback', 'E40007', ['`ssl-cert`', '`ssl-cname`']],
    ['delete', 'reports-pre-delete', 'E45003', ['`login.microsoftonline.com`']]
  ] as const)('%s reads %s: %s', (operation, key, code, fix) => {
    const problems = healthcheckProblems({ [key]: report({ code }) }, operation)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatchObject({
      component: 'healthcheck',
      pod: 'healthcheck',
      reason: code
    })
    for (const part of fix) expect(problems[0]!.fix).toContain(part)
    expect(problems[0]!.message).toContain(`${key}: checker`)
  })

  test('reports of another operation are not read', () => {
    expect(
      healthcheckProblems({ 'reports-pre-install': report({ code: 'E40002' }) }, 'upgrade')
    ).toEqual([])
  })

  test('a report where every checker passed has no problems', () => {
    expect(healthcheckProblems({ 'reports-pre-install': report() }, 'install')).toEqual([])
  })

  test('several failed checkers, an unknown code and the given message all show', () => {
    const text = [
      'Report:',
      '  Duration: 2.1s',
      '',
      'Status: Failed',
      'Name: clusterresource',
      'ErrorCode: E40002 ErrorMessage: only 2 healthy nodes',
      '',
      'Status: Passed',
      'Name: service',
      '',
      'Status: Failed',
      'Name: future',
      'ErrorCode: E41234 ErrorMessage: something new'
    ].join('\n')
    const problems = healthcheckProblems({ 'reports-test': text }, 'test')
    expect(problems.map(p => [p.reason, p.message])).toEqual([
      [
        'E40002',
        'reports-test: checker "clusterresource" failed: ErrorCode: E40002 INSUFFICIENT_NODE ErrorMessage: "only 2 healthy nodes"'
      ],
      [
        'E41234',
        'reports-test: checker "future" failed: ErrorCode: E41234 ErrorMessage: "something new"'
      ]
    ])
    expect(problems[1]!.fix).toBe(KNOWN_PROBLEMS.healthcheckFailed.fix)
  })
})

describe('large namespaces', () => {
  test('5,000 pods of one DaemonSet failing the same way are one problem naming the count', () => {
    const s = fixture2()
    s.expected.push({ name: 'mllab-dcgm-exporter', kind: 'DaemonSet', desired: 5000 })
    s.snapshot.workloads.push(workload('DaemonSet', 'mllab-dcgm-exporter', 5000, { ready: 0 }))
    for (let i = 0; i < 5000; i++)
      s.snapshot.pods.push(
        pod(`mllab-dcgm-exporter-${i.toString(36).padStart(5, 'x')}`, {
          owner: { kind: 'DaemonSet', name: 'mllab-dcgm-exporter' },
          node: `aks-gpu-${i}`,
          containers: [
            container('exporter', { ready: false, state: 'waiting', reason: 'ErrImagePull' })
          ]
        })
      )
    const a = run(s, T0 + 3 * MIN)
    expectProblems(a.problems, [
      {
        reason: 'ImagePullBackOff',
        component: 'mllab-dcgm-exporter',
        pod: 'mllab-dcgm-exporter-xxxx0',
        fix: ['mcr.microsoft.com'],
        message: ['(and 4999 more pods of mllab-dcgm-exporter)']
      }
    ])
  })
})

describe('matching by whole tokens', () => {
  test.each([
    ['3 node(s) had untolerated taint {agentpool: gpu}', 'agent', false],
    ['3 node(s) had untolerated taint {agent: x}', 'agent', true],
    ["2 node(s) didn't match pod anti-affinity rules", 'anti-affinity', true],
    ['podantiaffinity', 'anti-affinity', false],
    ['1 Insufficient cpu', 'insufficient cpu', true],
    ['1 Insufficient cpus', 'insufficient cpu', false],
    ['', 'anything', false]
  ])('%j has %j: %s', (text, phrase, want) => {
    expect(hasPhrase(text, phrase)).toBe(want)
  })
})
