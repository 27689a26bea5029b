/**
 * The snapshot indexed once, so every later question is a map lookup: namespaces reach 20,000
 * pods and their events, and nothing may scan pods × events. Pure; tolerates missing fields.
 */
import type {
  EventFacts,
  ExpectedComponent,
  NamespaceSnapshot,
  PodFacts,
  WorkloadFacts
} from './model.js'

export interface SnapshotIndex {
  /** Expected component name → its pods (componentOf), in snapshot order. */
  podsOf: Map<string, PodFacts[]>
  /** Pods of no expected component. */
  unexpected: PodFacts[]
  /** Pod name → events about it. */
  podEvents: Map<string, EventFacts[]>
  /** Component → events about its Deployment/StatefulSet/DaemonSet or ReplicaSets. */
  workloadEvents: Map<string, EventFacts[]>
  /** Component → its Deployment/StatefulSet/DaemonSet. */
  workloadOf: Map<string, WorkloadFacts>
  /** Deployment name → its ReplicaSets. */
  replicaSetsOf: Map<string, WorkloadFacts[]>
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

/** Fills the fields the rules read, so odd input (a pod without containers) cannot throw. */
function podOf(p: PodFacts): PodFacts {
  if (Array.isArray(p.containers) && p.labels && typeof p.name === 'string') return p
  return {
    ...p,
    name: String(p.name ?? ''),
    labels: p.labels ?? {},
    containers: p.containers ?? []
  }
}

function eventOf(e: EventFacts): EventFacts {
  return typeof e.message === 'string' ? e : { ...e, message: String(e.message ?? '') }
}

/** `gateway-7f969684dc` → `gateway`: a ReplicaSet is its Deployment's name plus a hash. */
const withoutHash = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('-')))

function indexWorkloads(
  index: SnapshotIndex,
  workloads: readonly WorkloadFacts[],
  names: Set<string>
) {
  for (const w of workloads) {
    if (!w?.name) continue
    if (w.kind === 'ReplicaSet') push(index.replicaSetsOf, w.owner ?? withoutHash(w.name), w)
    else if (names.has(w.name) && !index.workloadOf.has(w.name)) index.workloadOf.set(w.name, w)
  }
}

function indexEvents(index: SnapshotIndex, events: readonly EventFacts[], names: Set<string>) {
  const rsOwner = new Map<string, string>()
  for (const [deployment, sets] of index.replicaSetsOf)
    for (const rs of sets) rsOwner.set(rs.name, deployment)
  for (const raw of events) {
    if (!raw?.involvedName) continue
    const e = eventOf(raw)
    if (e.involvedKind === 'Pod') {
      push(index.podEvents, e.involvedName, e)
      continue
    }
    const name =
      e.involvedKind === 'ReplicaSet'
        ? (rsOwner.get(e.involvedName) ?? withoutHash(e.involvedName))
        : e.involvedName
    if (names.has(name)) push(index.workloadEvents, name, e)
  }
}

export function indexSnapshot(
  expected: readonly ExpectedComponent[],
  snapshot: NamespaceSnapshot,
  componentOf: (pod: PodFacts) => string | undefined
): SnapshotIndex {
  const names = new Set((expected ?? []).map(c => c.name))
  const index: SnapshotIndex = {
    podsOf: new Map(),
    unexpected: [],
    podEvents: new Map(),
    workloadEvents: new Map(),
    workloadOf: new Map(),
    replicaSetsOf: new Map()
  }
  for (const raw of snapshot?.pods ?? []) {
    if (!raw) continue
    const pod = podOf(raw)
    const component = componentOf(pod)
    if (component !== undefined && names.has(component)) push(index.podsOf, component, pod)
    else index.unexpected.push(pod)
  }
  indexWorkloads(index, snapshot?.workloads ?? [], names)
  indexEvents(index, snapshot?.events ?? [], names)
  return index
}
