/**
 * The problem finder: pod, workload, node and event states of `azureml` in; problems with fixes
 * (only where waiting cannot help) and "keep waiting" notes out. Pure and linear in the snapshot.
 */
import { POD_RULES } from './diagnose-pod.js'
import type { Finding, PodContext } from './diagnose-pod.js'
import type { Graces } from './graces.js'
import { healthcheckProblems } from './healthcheck-report.js'
import type { HealthcheckOperation } from './healthcheck-report.js'
import { fill, KNOWN_PROBLEMS } from './known-problems.js'
import { hasPhrase, latest, time } from './match.js'
import { AZUREML_NAMESPACE, HEALTHCHECK_POD } from './model.js'
import type { ClusterProblem, ExpectedComponent, NamespaceSnapshot, PodFacts } from './model.js'
import { displayPhase, evicted, podReady } from './pod-state.js'
import type { SnapshotIndex } from './snapshot-index.js'

export { DEFAULT_GRACES, gracesOf } from './graces.js'
export type { Graces } from './graces.js'
export { healthcheckProblems } from './healthcheck-report.js'
export type { HealthcheckOperation } from './healthcheck-report.js'
export { KNOWN_PROBLEMS, HEALTHCHECK_CODES } from './known-problems.js'

export interface DiagnoseOptions {
  now: number
  /** When verification began waiting (provisioning Succeeded). */
  since: number
  graces: Graces
  /** Which healthcheck reports to read; all of them when not given. */
  operation?: HealthcheckOperation
}

export interface Diagnosis {
  problems: ClusterProblem[]
  notes: string[]
}

export function toProblem(f: Finding, component: string, pod?: string): ClusterProblem {
  const vars = { pod, component, ...f.vars }
  const fix = [f.id, ...(f.also ?? [])].map(id => fill(KNOWN_PROBLEMS[id].fix, vars)).join('; ')
  return {
    component,
    ...(pod ? { pod } : {}),
    reason: f.reason ?? KNOWN_PROBLEMS[f.id].reason,
    message: f.evidence,
    fix
  }
}

/**
 * One problem per (component, reason, fix) naming the first pod, one note per component: a
 * DaemonSet on 5,000 nodes failing the same way is one problem, not 5,000.
 */
class Collector {
  private readonly problems = new Map<string, { p: ClusterProblem; more: number }>()
  private readonly notes = new Map<string, { text: string; more: number }>()

  problem(p: ClusterProblem): void {
    const key = `${p.component}\0${p.reason}\0${p.fix}`
    const g = this.problems.get(key)
    if (g) g.more++
    else this.problems.set(key, { p, more: 0 })
  }

  note(component: string, text: string): void {
    const g = this.notes.get(component)
    if (g) g.more++
    else this.notes.set(component, { text, more: 0 })
  }

  result(): Diagnosis {
    const more = (n: number, c: string) => ` (and ${n} more pod${n === 1 ? '' : 's'} of ${c})`
    return {
      problems: [...this.problems.values()].map(({ p, more: n }) =>
        n > 0 ? { ...p, message: p.message + more(n, p.component) } : p
      ),
      notes: [...this.notes].map(([c, { text, more: n }]) => (n > 0 ? text + more(n, c) : text))
    }
  }
}

/** The caller checks this before any write: a create into a namespace being deleted fails. */
export function namespaceProblem(snapshot: NamespaceSnapshot): ClusterProblem | undefined {
  if (snapshot?.namespacePhase !== 'Terminating') return undefined
  return toProblem(
    { id: 'namespaceTerminating', evidence: `namespace ${AZUREML_NAMESPACE} is Terminating` },
    AZUREML_NAMESPACE
  )
}

function hookFailed(pod: PodFacts): boolean {
  if (pod.phase === 'Failed') return true
  return pod.containers.some(
    c =>
      !c.init &&
      c.state === 'terminated' &&
      (c.exitCode !== undefined ? c.exitCode !== 0 : c.reason !== 'Completed')
  )
}

function hookProblems(pod: PodFacts, snapshot: NamespaceSnapshot, o: DiagnoseOptions) {
  if (!hookFailed(pod)) return []
  const found = healthcheckProblems(snapshot.healthcheck, o.operation)
  if (found.length > 0) return found
  const c = pod.containers.find(c => c.state === 'terminated')
  const said = c?.message ? `: "${c.message.trim()}"` : ''
  const evidence = `pod ${pod.name} ${displayPhase(pod)} (exit code ${c?.exitCode ?? '?'})${said}; no healthcheck report found`
  return [toProblem({ id: 'healthcheckFailed', evidence }, HEALTHCHECK_POD, pod.name)]
}

/** Event times come from node clocks, pod creation from the API server's: allow a little skew. */
const SKEW_MS = 2000

function podContext(pod: PodFacts, component: string, index: SnapshotIndex, o: DiagnoseOptions) {
  const created = time(pod.createdAt)
  // A recreated pod keeps its name (healthcheck, prometheus-…-0): its predecessor's events are stale.
  const events = (index.podEvents.get(pod.name) ?? []).filter(
    e => created === undefined || (time(e.lastSeen) ?? Infinity) >= created - SKEW_MS
  )
  return { pod, component, events, now: o.now, start: created ?? o.since, graces: o.graces }
}

function diagnosePods(
  c: ExpectedComponent,
  pods: readonly PodFacts[],
  ctx: { index: SnapshotIndex; snapshot: NamespaceSnapshot; o: DiagnoseOptions; nodes: number },
  out: Collector
): void {
  for (const pod of pods) {
    if (pod.terminating || evicted(pod) || podReady(pod) || pod.phase === 'Succeeded') continue
    if (c.kind === 'Hook') hookProblems(pod, ctx.snapshot, ctx.o).forEach(p => out.problem(p))
    const pc: PodContext = {
      ...podContext(pod, c.name, ctx.index, ctx.o),
      schedulableNodes: ctx.nodes
    }
    for (const rule of POD_RULES) {
      const outcome = rule(pc)
      if (!outcome) continue
      if ('note' in outcome) out.note(c.name, outcome.note)
      else out.problem(toProblem(outcome, c.name, pod.name))
    }
  }
}

/** The pods' own reasons, for a stalled rollout: `gateway-7f9-2lxzh ImagePullBackOff`. */
function podReasons(pods: readonly PodFacts[]): string {
  const stuck = pods.filter(p => !p.terminating && !podReady(p))
  const shown = stuck.slice(0, 5).map(p => `${p.name} ${displayPhase(p)}`)
  if (stuck.length > shown.length) shown.push(`${stuck.length - shown.length} more`)
  return shown.join(', ') || 'none'
}

function failedCreate(message: string, where: string): Finding {
  const denied = hasPhrase(message, 'admission webhook') && hasPhrase(message, 'denied the request')
  const constraint =
    /denied the request:\s*\[([^\]]+)\]/i.exec(message)?.[1] ??
    /admission webhook "([^"]+)"/i.exec(message)?.[1]
  return {
    id: denied ? 'admissionDenied' : 'failedCreate',
    evidence: `${where}: "${message.trim()}"`,
    vars: constraint ? { constraint } : undefined
  }
}

/** Problems of the workload itself: a stalled rollout, pods it cannot create, its absence. */
function workloadFindings(
  c: ExpectedComponent,
  pods: readonly PodFacts[],
  index: SnapshotIndex,
  o: DiagnoseOptions
): Finding[] {
  const w = index.workloadOf.get(c.name)
  const conditions = w?.conditions ?? []
  const found: Finding[] = []
  const stalled = conditions.find(
    k => k.type === 'Progressing' && k.status === 'False' && k.reason === 'ProgressDeadlineExceeded'
  )
  const settled = pods.length === c.desired && pods.every(podReady)
  if (w && stalled && !settled)
    found.push({
      id: 'progressDeadline',
      evidence: `${w.kind} ${w.name}: "${stalled.message ?? stalled.reason}"; pods: ${podReasons(pods)}`
    })
  const waited = o.now - o.since
  const live = pods.filter(p => !p.terminating && !evicted(p)).length
  if (live < c.desired && waited >= o.graces.failedCreateMs) {
    const event = latest(index.workloadEvents.get(c.name) ?? [], e => e.reason === 'FailedCreate')
    const cond = conditions.find(k => k.type === 'ReplicaFailure' && k.status === 'True')
    if (event)
      found.push(failedCreate(event.message, `${event.involvedKind} ${event.involvedName}`))
    else if (w && cond?.message) found.push(failedCreate(cond.message, `${w.kind} ${w.name}`))
  }
  if (pods.length === 0 && !w && waited >= o.graces.absentMs)
    found.push({
      id: 'missing',
      evidence: `no ${c.kind === 'Hook' ? 'pod' : c.kind} ${c.name} in ${AZUREML_NAMESPACE} ${Math.round(waited / 1000)}s after provisioning succeeded`
    })
  return found
}

export function diagnose(
  expected: readonly ExpectedComponent[],
  snapshot: NamespaceSnapshot,
  index: SnapshotIndex,
  options: DiagnoseOptions
): Diagnosis {
  const out = new Collector()
  const terminating = namespaceProblem(snapshot)
  if (terminating) out.problem(terminating)
  const nodes = (snapshot?.nodes ?? []).filter(n => n?.ready && !n.unschedulable).length
  const ctx = { index, snapshot, o: options, nodes }
  for (const c of expected ?? []) {
    const pods = index.podsOf.get(c.name) ?? []
    diagnosePods(c, pods, ctx, out)
    for (const f of workloadFindings(c, pods, index, options)) out.problem(toProblem(f, c.name))
  }
  return out.result()
}
