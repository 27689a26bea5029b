/**
 * The verdict on one snapshot of `azureml`: healthy the moment everything expected runs and
 * nothing rolls, failed only where waiting cannot help, waiting otherwise (saying for what).
 * Pure and linear: it runs after every watch batch on namespaces of up to 20,000 pods.
 */
import { diagnose } from './diagnose.js'
import { gracesOf } from './graces.js'
import type { Graces } from './graces.js'
import type { HealthcheckOperation } from './healthcheck-report.js'
import type {
  Assessment,
  ComponentState,
  ComponentStatus,
  ExpectedComponent,
  NamespaceSnapshot,
  PodFacts,
  WorkloadFacts
} from './model.js'
import { displayPhase, evicted, podReady, podStatus } from './pod-state.js'
import { indexSnapshot } from './snapshot-index.js'
import type { SnapshotIndex } from './snapshot-index.js'

export { DEFAULT_GRACES } from './graces.js'
export type { Graces } from './graces.js'

export interface AssessOptions {
  /** ms epoch. */
  now: number
  /** When verification began waiting (after provisioning Succeeded); graces for "absent" count from here. */
  since: number
  /** Defaults: DEFAULT_GRACES; tests and the sandbox shorten them. */
  graces?: Partial<Graces>
  /** The operation whose healthcheck report explains a failed hook; all reports when absent. */
  operation?: HealthcheckOperation
}

/** A rollout still moving: Kubernetes will change the pods without anyone's help. */
export function rollingOut(
  c: ExpectedComponent,
  pods: readonly PodFacts[],
  w: WorkloadFacts | undefined,
  replicaSets: readonly WorkloadFacts[]
): boolean {
  if (pods.some(p => p.terminating) || pods.length > c.desired) return true
  if (w?.generation !== undefined && w.observedGeneration !== undefined)
    if (w.observedGeneration < w.generation) return true
  if (w?.updated !== undefined && w.updated < w.desired) return true
  // An old ReplicaSet still scaling down next to the new one.
  return replicaSets.filter(rs => rs.desired > 0).length > 1
}

/** The most telling pod state: the first not-ready pod's kubectl STATUS. */
function stuckPhase(pods: readonly PodFacts[]): string | undefined {
  const stuck = pods.find(p => !p.terminating && !podReady(p))
  return stuck ? displayPhase(stuck) : undefined
}

function awaitingPhrase(
  c: ExpectedComponent,
  status: ComponentState,
  pods: PodFacts[],
  ready: number
) {
  if (status === 'Missing') return `${c.name} (missing)`
  const phase = stuckPhase(pods)
  if (c.kind === 'Hook') return `${c.name} (${phase ?? 'Pending'})`
  if (ready >= c.desired) return `${c.name} (rolling out)`
  const telling = phase && phase !== 'Running' ? phase : undefined
  if (c.desired === 1 && telling) return `${c.name} (${telling})`
  return `${c.name} (${ready}/${c.desired} ready${telling ? `, ${telling}` : ''})`
}

interface Judged {
  status: ComponentStatus
  awaiting?: string
  note?: string
}

function hookState(pods: readonly PodFacts[]): ComponentState {
  if (pods.length === 0) return 'Missing'
  return pods.every(p => p.phase === 'Succeeded') ? 'Completed' : 'NotReady'
}

/**
 * A DaemonSet also runs pods on cordoned and NotReady nodes, which the catalog leaves out of
 * `desired` (a lower bound): such pods are neither waited for nor a rollout.
 */
function counted(c: ExpectedComponent, pods: PodFacts[], away: ReadonlySet<string>): PodFacts[] {
  if (c.kind !== 'DaemonSet' || away.size === 0) return pods
  return pods.filter(p => p.node === undefined || !away.has(p.node))
}

function judge(
  c: ExpectedComponent,
  index: SnapshotIndex,
  failed: Set<string>,
  away: ReadonlySet<string>
): Judged {
  const all = index.podsOf.get(c.name) ?? []
  const live = all.filter(p => !evicted(p))
  const pods = counted(c, live, away)
  const w = index.workloadOf.get(c.name)
  const ready = pods.filter(podReady).length
  let state: ComponentState
  if (c.kind === 'Hook') state = hookState(pods)
  else if (pods.length === 0 && !w) state = 'Missing'
  else if (
    ready === c.desired &&
    pods.every(podReady) &&
    !rollingOut(c, pods, w, index.replicaSetsOf.get(c.name) ?? [])
  )
    state = 'Ready'
  else state = 'NotReady'
  if (failed.has(c.name)) state = 'Failed'
  const done = state === 'Ready' || state === 'Completed'
  const gone = all.length - live.length
  return {
    status: {
      name: c.name,
      kind: c.kind,
      status: state,
      ready: c.kind === 'Hook' ? (state === 'Completed' ? 1 : 0) : ready,
      desired: c.desired,
      pods: all.map(podStatus)
    },
    awaiting: done ? undefined : awaitingPhrase(c, state, pods, ready),
    note:
      gone > 0
        ? `${c.name}: ${gone} evicted pod${gone === 1 ? '' : 's'} ignored (their replacements count)`
        : undefined
  }
}

function unexpectedStatus(p: PodFacts): ComponentStatus {
  return {
    name: p.name,
    kind: 'Pod',
    status: 'Unexpected',
    ready: podReady(p) ? 1 : 0,
    desired: 0,
    pods: [podStatus(p)]
  }
}

export function assess(
  expected: readonly ExpectedComponent[],
  snapshot: NamespaceSnapshot,
  componentOf: (pod: PodFacts) => string | undefined,
  options: AssessOptions
): Assessment {
  const list = Array.isArray(expected) ? expected : []
  const index = indexSnapshot(list, snapshot, componentOf)
  const now = Number(options?.now) || 0
  const since = Number.isFinite(options?.since) ? options.since : now
  const graces = gracesOf(options?.graces)
  const found = diagnose(list, snapshot, index, {
    now,
    since,
    graces,
    operation: options?.operation
  })
  const failed = new Set(found.problems.map(p => p.component))
  const away = new Set(
    (snapshot?.nodes ?? []).filter(n => n && (!n.ready || n.unschedulable)).map(n => n.name)
  )
  const judged = list.map(c => judge(c, index, failed, away))
  const awaiting = judged.flatMap(j => (j.awaiting ? [j.awaiting] : []))
  return {
    verdict: found.problems.length > 0 ? 'failed' : awaiting.length > 0 ? 'waiting' : 'healthy',
    components: [...judged.map(j => j.status), ...index.unexpected.map(unexpectedStatus)],
    problems: found.problems,
    awaiting,
    notes: [...found.notes, ...judged.flatMap(j => (j.note ? [j.note] : []))],
    unexpected: index.unexpected.map(p => p.name)
  }
}
