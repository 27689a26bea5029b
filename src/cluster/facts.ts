/**
 * Kubernetes objects reduced to the facts the assessment reads. Pure.
 *
 * Inputs come two ways: typed lists (client-node turns timestamps into Date objects) and watch
 * events (plain JSON, timestamps as strings). Every reducer accepts both and gives the same facts.
 * The facts keep nothing else of the object, so the watcher can drop it right away.
 */
import type {
  CoreV1Event,
  V1ConfigMap,
  V1ContainerStatus,
  V1DaemonSet,
  V1Deployment,
  V1Namespace,
  V1Node,
  V1ObjectMeta,
  V1Pod,
  V1PodCondition,
  V1PodSpec,
  V1PodTemplateSpec,
  V1ReplicaSet,
  V1StatefulSet
} from '@kubernetes/client-node'
import type {
  ContainerFacts,
  EventFacts,
  NodeFacts,
  PodCondition,
  PodFacts,
  WorkloadCondition,
  WorkloadFacts
} from './model.js'

type Status = PodCondition['status']

/**
 * Already in the output form, and a date that Date would not roll over (day 29 to 31, hour 24):
 * returned as is. Lists bring a dozen timestamps per pod, and Date parsing them was a measurable
 * share of a 20,000-pod list.
 */
const CANONICAL_TIME =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d:[0-5]\dZ$/

/** A timestamp as ISO 8601 with whole seconds (Kubernetes' own precision), from Date or string. */
export function isoTime(value: Date | string | null | undefined): string | undefined {
  if (value === null || value === undefined || value === '') return undefined
  if (typeof value === 'string' && CANONICAL_TIME.test(value)) return value
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return typeof value === 'string' ? value : undefined
  return date.toISOString().replace(/\.\d+Z$/, 'Z')
}

const status = (s: string | undefined): Status => (s === 'True' || s === 'False' ? s : 'Unknown')

/** The controlling owner reference (`controller: true`), if any. */
function controller(meta: V1ObjectMeta | undefined): { kind: string; name: string } | undefined {
  const ref = meta?.ownerReferences?.find(o => o.controller)
  return ref ? { kind: ref.kind, name: ref.name } : undefined
}

/**
 * Absent optional fields are left out. A fresh object filled in one order keeps V8's compact
 * shape (deleting keys would turn 20,000 pods into hash tables).
 */
function defined<T extends object>(obj: T): T {
  const out = {} as T
  for (const key in obj) if (obj[key] !== undefined) out[key] = obj[key]
  return out
}

// ---------------------------------------------------------------- pods

function podCondition(c: V1PodCondition | undefined): PodCondition | undefined {
  if (!c) return undefined
  return defined({
    status: status(c.status),
    reason: c.reason,
    message: c.message,
    lastTransitionTime: isoTime(c.lastTransitionTime)
  })
}

function containerFacts(name: string, init: boolean, s: V1ContainerStatus | undefined) {
  const { waiting, running, terminated } = s?.state ?? {}
  const last = s?.lastState?.terminated
  const facts: ContainerFacts = {
    name,
    init,
    ready: s?.ready ?? false,
    restarts: s?.restartCount ?? 0,
    state: waiting ? 'waiting' : running ? 'running' : terminated ? 'terminated' : 'unknown',
    reason: waiting?.reason ?? terminated?.reason,
    message: waiting?.message ?? terminated?.message,
    exitCode: terminated?.exitCode,
    lastTermination: last
      ? defined({
          reason: last.reason,
          exitCode: last.exitCode,
          finishedAt: isoTime(last.finishedAt)
        })
      : undefined
  }
  return defined(facts)
}

function containers(spec: V1PodSpec | undefined, pod: V1Pod): ContainerFacts[] {
  const byName = (list: V1ContainerStatus[] | undefined) =>
    new Map((list ?? []).map(s => [s.name, s]))
  const init = byName(pod.status?.initContainerStatuses)
  const main = byName(pod.status?.containerStatuses)
  return [
    ...(spec?.initContainers ?? []).map(c => containerFacts(c.name, true, init.get(c.name))),
    ...(spec?.containers ?? []).map(c => containerFacts(c.name, false, main.get(c.name)))
  ]
}

export function podFacts(pod: V1Pod): PodFacts {
  const conditions = pod.status?.conditions ?? []
  return defined({
    name: pod.metadata?.name ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    node: pod.spec?.nodeName || undefined,
    labels: pod.metadata?.labels ?? {},
    owner: controller(pod.metadata),
    terminating: !!pod.metadata?.deletionTimestamp,
    createdAt: isoTime(pod.metadata?.creationTimestamp),
    reason: pod.status?.reason,
    message: pod.status?.message,
    scheduled: podCondition(conditions.find(c => c.type === 'PodScheduled')),
    ready: podCondition(conditions.find(c => c.type === 'Ready')),
    containers: containers(pod.spec, pod)
  })
}

// ---------------------------------------------------------------- workloads

interface WorkloadLike {
  metadata?: V1ObjectMeta
  status?: {
    observedGeneration?: number
    conditions?: { type: string; status: string; reason?: string; message?: string }[]
  }
  spec?: { template?: V1PodTemplateSpec }
}

/** The annotation Helm puts on every object of a release, naming the release. */
const HELM_RELEASE = 'meta.helm.sh/release-name'

/** Each kind keeps its pod counts in fields of its own; the rest reads alike. */
type Counts = Pick<WorkloadFacts, 'owner' | 'desired' | 'ready' | 'updated'>

function workload(kind: WorkloadFacts['kind'], w: WorkloadLike, counts: Counts): WorkloadFacts {
  const selector = w.spec?.template?.spec?.nodeSelector
  const tolerations = w.spec?.template?.spec?.tolerations
  return defined({
    kind,
    name: w.metadata?.name ?? '',
    release: w.metadata?.annotations?.[HELM_RELEASE],
    generation: w.metadata?.generation,
    observedGeneration: w.status?.observedGeneration,
    conditions: (w.status?.conditions ?? []).map((c): WorkloadCondition =>
      defined({ type: c.type, status: status(c.status), reason: c.reason, message: c.message })
    ),
    nodeSelector: selector && Object.keys(selector).length ? selector : undefined,
    tolerations: tolerations?.length
      ? tolerations.map(t =>
          defined({ key: t.key, operator: t.operator, value: t.value, effect: t.effect })
        )
      : undefined,
    ...counts
  })
}

/** Deployments and StatefulSets count replicas the same way. */
function replicas(w: V1Deployment | V1StatefulSet): Counts {
  return {
    desired: w.spec?.replicas ?? 1,
    ready: w.status?.readyReplicas ?? 0,
    updated: w.status?.updatedReplicas ?? 0
  }
}

export function deploymentFacts(d: V1Deployment): WorkloadFacts {
  return workload('Deployment', d, replicas(d))
}

export function statefulSetFacts(s: V1StatefulSet): WorkloadFacts {
  return workload('StatefulSet', s, replicas(s))
}

export function daemonSetFacts(d: V1DaemonSet): WorkloadFacts {
  return workload('DaemonSet', d, {
    desired: d.status?.desiredNumberScheduled ?? 0,
    ready: d.status?.numberReady ?? 0,
    updated: d.status?.updatedNumberScheduled ?? 0
  })
}

/** A ReplicaSet, with the Deployment that controls it as `owner`. */
export function replicaSetFacts(r: V1ReplicaSet): WorkloadFacts {
  const owner = controller(r.metadata)
  return workload('ReplicaSet', r, {
    owner: owner?.kind === 'Deployment' ? owner.name : undefined,
    desired: r.spec?.replicas ?? 1,
    ready: r.status?.readyReplicas ?? 0
  })
}

// ---------------------------------------------------------------- nodes, events, the rest

export function nodeFacts(n: V1Node): NodeFacts {
  const ready = n.status?.conditions?.find(c => c.type === 'Ready')
  return {
    name: n.metadata?.name ?? '',
    ready: ready?.status === 'True',
    unschedulable: n.spec?.unschedulable ?? false,
    labels: n.metadata?.labels ?? {},
    taints: (n.spec?.taints ?? []).map(t =>
      defined({ key: t.key, value: t.value, effect: t.effect })
    )
  }
}

export function eventFacts(e: CoreV1Event): EventFacts {
  return defined({
    involvedKind: e.involvedObject?.kind ?? '',
    involvedName: e.involvedObject?.name ?? '',
    type: e.type ?? 'Normal',
    reason: e.reason ?? '',
    message: e.message ?? '',
    source: e.source?.component || e.reportingComponent || undefined,
    count: e.count ?? e.series?.count ?? 1,
    lastSeen:
      isoTime(e.lastTimestamp) ??
      isoTime(e.series?.lastObservedTime) ??
      isoTime(e.eventTime) ??
      isoTime(e.firstTimestamp)
  })
}

/** The healthcheck configmap's reports (report key → report text). */
export function healthcheckData(cm: V1ConfigMap): Record<string, string> {
  return cm.data ?? {}
}

/** The namespace's phase (Active, Terminating); a namespace without status counts as Active. */
export function namespacePhase(ns: V1Namespace): string {
  return ns.status?.phase ?? 'Active'
}
