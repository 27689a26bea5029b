/** The Pod object (spec + status) for a pod runtime, as the API server would hold it. Pure. */
import type { KubeObject, OwnerReference } from '../kube/types.js'
import type { PodFault } from './faults.js'
import { backOffDelay, faultedContainer, type PodRuntime } from './pod-lifecycle.js'

export interface PodTemplate {
  labels: Record<string, string>
  owner?: OwnerReference
  nodeSelector: Record<string, string>
  /** Required anti-affinity against pods with these labels on the same hostname. */
  antiAffinityLabels?: Record<string, string>
  serviceAccount: string
}

const RUNNING_STAGES = new Set(['Started', 'Ready', 'Crashed', 'CrashBackOff'])

function phase(rt: PodRuntime): string {
  if (rt.stage === 'Succeeded' || rt.stage === 'Failed') return rt.stage
  return RUNNING_STAGES.has(rt.stage) ? 'Running' : 'Pending'
}

type State = Record<string, unknown>

function faultedState(
  rt: PodRuntime,
  c: string
): { state: State; lastState: State; ready: boolean } {
  const last = rt.lastTermination
    ? {
        terminated: {
          ...rt.lastTermination,
          reason: 'Error',
          containerID: `containerd://${rt.uid.replace(/-/g, '')}`
        }
      }
    : {}
  switch (rt.stage) {
    case 'PullFailing':
      return rt.pullBackOff
        ? {
            state: {
              waiting: {
                reason: 'ImagePullBackOff',
                message: `Back-off pulling image "${rt.images[rt.containers.indexOf(c)]}"`
              }
            },
            lastState: {},
            ready: false
          }
        : {
            state: {
              waiting: {
                reason: 'ErrImagePull',
                message: `failed to pull and unpack image "${rt.images[rt.containers.indexOf(c)]}": dial tcp 204.79.197.219:443: i/o timeout`
              }
            },
            lastState: {},
            ready: false
          }
    case 'Crashed':
      return {
        state: { terminated: { ...rt.lastTermination, reason: 'Error' } },
        lastState: {},
        ready: false
      }
    case 'CrashBackOff':
      return {
        state: {
          waiting: {
            reason: 'CrashLoopBackOff',
            message: `back-off ${backOffDelay(rt.restarts)} restarting failed container=${c} pod=${rt.name}_azureml(${rt.uid})`
          }
        },
        lastState: last,
        ready: false
      }
    default:
      return {
        state: { running: { startedAt: rt.startedAt } },
        lastState: last,
        ready: rt.stage === 'Ready'
      }
  }
}

function commonState(rt: PodRuntime): { state: State; ready: boolean } {
  switch (rt.stage) {
    case 'Pending':
    case 'Unschedulable':
    case 'ContainerCreating':
      return { state: { waiting: { reason: 'ContainerCreating' } }, ready: false }
    case 'Succeeded':
      return {
        state: {
          terminated: {
            exitCode: 0,
            reason: 'Completed',
            startedAt: rt.startedAt,
            finishedAt: rt.finishedAt
          }
        },
        ready: false
      }
    case 'Failed':
      return {
        state: {
          terminated: {
            exitCode: 1,
            reason: 'Error',
            startedAt: rt.startedAt,
            finishedAt: rt.finishedAt
          }
        },
        ready: false
      }
    case 'Ready':
      return { state: { running: { startedAt: rt.startedAt } }, ready: true }
    default:
      // Started (readiness not yet passed), or a sibling of a faulted container.
      return {
        state: { running: { startedAt: rt.startedAt } },
        ready: rt.stage !== 'Started' || rt.restarts > 0
      }
  }
}

function containerStatuses(rt: PodRuntime, fault: PodFault | undefined) {
  const faulted =
    rt.stage === 'PullFailing' ||
    rt.stage === 'Crashed' ||
    rt.stage === 'CrashBackOff' ||
    (rt.stage === 'Started' && rt.restarts > 0)
  const f = faultedContainer(rt, fault)
  return rt.containers.map((c, i) => {
    const s = faulted && i === f ? faultedState(rt, c) : { ...commonState(rt), lastState: {} }
    return {
      name: c,
      image: rt.images[i],
      imageID: s.state.waiting
        ? ''
        : `${rt.images[i]!.replace(/:.*/, '')}@sha256:${rt.uid.replace(/-/g, '').padEnd(64, '0')}`,
      ready: s.ready,
      started: 'running' in s.state,
      restartCount: i === f ? rt.restarts : 0,
      state: s.state,
      lastState: s.lastState,
      ...(s.state.waiting && (s.state.waiting as { reason: string }).reason === 'ContainerCreating'
        ? {}
        : { containerID: `containerd://${rt.uid.replace(/-/g, '')}${i}` })
    }
  })
}

function conditions(rt: PodRuntime, statuses: { name: string; ready: boolean }[], now: string) {
  const at = rt.startedAt ?? now
  if (rt.stage === 'Pending') return []
  if (rt.stage === 'Unschedulable') {
    return [
      {
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: rt.schedulingMessage,
        lastProbeTime: null,
        lastTransitionTime: now
      }
    ]
  }
  const done = rt.stage === 'Succeeded' || rt.stage === 'Failed'
  const notReady = statuses.filter(s => !s.ready).map(s => s.name)
  const ready = notReady.length === 0 && !done
  const readyReason = done
    ? rt.stage === 'Succeeded'
      ? 'PodCompleted'
      : 'PodFailed'
    : ready
      ? undefined
      : 'ContainersNotReady'
  const readyMessage =
    !done && !ready ? `containers with unready status: [${notReady.join(' ')}]` : undefined
  const cond = (type: string, ok: boolean, reason?: string, message?: string) => ({
    type,
    status: ok ? 'True' : 'False',
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    lastProbeTime: null,
    lastTransitionTime: at
  })
  return [
    cond('PodReadyToStartContainers', rt.stage !== 'ContainerCreating' && !done),
    cond('Initialized', true, done ? 'PodCompleted' : undefined),
    cond('Ready', ready, readyReason, readyMessage),
    cond('ContainersReady', ready, readyReason, readyMessage),
    cond('PodScheduled', true)
  ]
}

function affinity(t: PodTemplate) {
  if (!t.antiAffinityLabels) return undefined
  return {
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [
        {
          labelSelector: { matchLabels: t.antiAffinityLabels },
          topologyKey: 'kubernetes.io/hostname'
        }
      ]
    }
  }
}

export function podObject(
  rt: PodRuntime,
  t: PodTemplate,
  fault: PodFault | undefined,
  now: string
): KubeObject {
  const statuses = containerStatuses(rt, fault)
  const nodeIp = rt.node ? `10.224.0.${(hashCode(rt.node) % 250) + 4}` : undefined
  return {
    metadata: {
      name: rt.name,
      namespace: 'azureml',
      uid: rt.uid,
      labels: t.labels,
      ...(t.owner ? { ownerReferences: [t.owner] } : {}),
      ...(rt.hook
        ? {
            annotations: {
              'helm.sh/hook': 'pre-install,pre-upgrade,pre-rollback,pre-delete',
              'helm.sh/hook-delete-policy': 'before-hook-creation'
            }
          }
        : {}),
      ...(rt.terminating ? { deletionTimestamp: now, deletionGracePeriodSeconds: 30 } : {})
    },
    spec: {
      containers: rt.containers.map((c, i) => ({
        name: c,
        image: rt.images[i],
        imagePullPolicy: 'IfNotPresent',
        resources: { requests: { cpu: '50m', memory: '100Mi' } }
      })),
      restartPolicy: rt.hook ? 'Never' : 'Always',
      serviceAccountName: t.serviceAccount,
      schedulerName: 'default-scheduler',
      ...(rt.node ? { nodeName: rt.node } : {}),
      ...(Object.keys(t.nodeSelector).length ? { nodeSelector: t.nodeSelector } : {}),
      ...(affinity(t) ? { affinity: affinity(t) } : {}),
      tolerations: [
        { key: 'ml.azure.com/amlarc', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
        {
          key: 'ml.azure.com/amlarc-system',
          operator: 'Equal',
          value: 'true',
          effect: 'NoSchedule'
        }
      ]
    },
    status: {
      phase: phase(rt),
      conditions: conditions(rt, statuses, now),
      ...(rt.node
        ? {
            hostIP: nodeIp,
            hostIPs: [{ ip: nodeIp }],
            podIP: `10.244.${hashCode(rt.node) % 250}.${(hashCode(rt.name) % 250) + 2}`,
            startTime: rt.startedAt ?? now
          }
        : {}),
      ...(rt.stage === 'Pending' || rt.stage === 'Unschedulable'
        ? {}
        : { containerStatuses: statuses }),
      qosClass: 'Burstable'
    }
  }
}

function hashCode(s: string): number {
  let h = 0
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return h
}
