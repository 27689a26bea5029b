/**
 * The cluster checks as the run needs them, on one namespace watch: wait until the extension's
 * components are healthy, notice a certain failure while ARM still waits on Helm, look once, and
 * wait until a deleted extension has left. Each decision is the pure `assess`; this only feeds it.
 */
import type { Deadline } from '../deadline.js'
import { assess } from './assess.js'
import { componentOfPod, expectedComponents } from './catalog.js'
import type { HealthcheckOperation } from './healthcheck-report.js'
import type { Graces } from './graces.js'
import type { Assessment, CatalogInput, NamespaceSnapshot, PodFacts } from './model.js'
import type { NamespaceWatch } from './watch.js'

/** The extension whose components should run: from the live extension (effective settings). */
export type ClusterTarget = Omit<CatalogInput, 'nodes'>

export interface CheckOptions {
  deadline: Deadline
  graces?: Partial<Graces>
  operation?: HealthcheckOperation
  /** A progress line, at most every `progressMs`. */
  progress?: (line: string) => void
  progressMs?: number
  signal?: AbortSignal
}

/** How a wait ended: the last assessment, and whether the time ran out first. */
export interface ClusterVerdict {
  assessment: Assessment
  timedOut: boolean
  /** Set when the cluster was read through AKS Run Command (a private cluster), not a kubeconfig. */
  via?: 'run-command'
}

const PROGRESS_MS = 15_000

/** The assessment of one snapshot for a target. Pure. */
export function assessTarget(
  target: ClusterTarget,
  snapshot: NamespaceSnapshot,
  now: number,
  since: number,
  options: Pick<CheckOptions, 'graces' | 'operation'>
): Assessment {
  const expected = expectedComponents({ ...target, nodes: snapshot.nodes })
  return assess(expected, snapshot, p => componentOfPod(p, expected, snapshot.workloads), {
    now,
    since,
    graces: options.graces,
    operation: options.operation
  })
}

/** Waits until the namespace is healthy or certainly failed, or the deadline passes. */
export function waitForVerdict(
  watch: NamespaceWatch,
  target: ClusterTarget,
  options: CheckOptions
): Promise<ClusterVerdict> {
  const since = Date.now()
  const progress = throttled(options)
  return watch.until(snapshot => {
    const assessment = assessTarget(target, snapshot, Date.now(), since, options)
    if (assessment.verdict !== 'waiting') return { assessment, timedOut: false }
    if (options.deadline.expired()) return { assessment, timedOut: true }
    progress(assessment)
    return undefined
  }, signalOf(options))
}

/**
 * Resolves only when the namespace has certainly failed (while ARM still waits on Helm, which
 * would otherwise take its full timeout to say so); stops quietly when `signal` aborts.
 */
export function watchForFailure(
  watch: NamespaceWatch,
  target: ClusterTarget,
  options: CheckOptions & { signal: AbortSignal }
): Promise<Assessment | undefined> {
  const since = Date.now()
  return watch
    .until(snapshot => {
      const assessment = assessTarget(target, snapshot, Date.now(), since, options)
      return assessment.verdict === 'failed' ? assessment : undefined
    }, options.signal)
    .catch(err => {
      if (options.signal.aborted) return undefined
      throw err
    })
}

/** One look at the namespace, no waiting: for drift, and as evidence beside a failed operation. */
export function lookOnce(
  watch: NamespaceWatch,
  target: ClusterTarget,
  options: CheckOptions
): Promise<Assessment> {
  // Everything counts as long past its grace: a single look cannot wait for anything.
  return watch.until(
    snapshot => assessTarget(target, snapshot, Number.MAX_SAFE_INTEGER / 2, 0, options),
    signalOf(options)
  )
}

/** What a delete waits for, and the releases of other extensions it leaves alone. */
export interface LeftBehind {
  remaining: string[]
  otherReleases: string[]
}

/**
 * What a delete must wait for: every pod and workload of the extension's Helm release gone from
 * the namespace. Objects another release made (another AzureML extension on the cluster) are not
 * waited for; objects no release names (hook pods, bare pods) are, unless every named one belongs
 * to another release, whose namespace it then is. A pod belongs to its workload's release, through
 * its ReplicaSet's Deployment. Pure.
 */
export function leftBehind(snapshot: NamespaceSnapshot, release: string): LeftBehind {
  if (snapshot.namespacePhase === undefined) return { remaining: [], otherReleases: [] }
  const workloads = new Map(snapshot.workloads.map(w => [`${w.kind}/${w.name}`, w]))
  const releaseOfPod = (p: PodFacts) => {
    const owner = p.owner && workloads.get(`${p.owner.kind}/${p.owner.name}`)
    const deployment = owner?.owner ? workloads.get(`Deployment/${owner.owner}`) : undefined
    return (deployment ?? owner)?.release
  }
  const named = snapshot.workloads.map(w => w.release).filter((r): r is string => !!r)
  const isOurs = (r: string) => r.toLowerCase() === release.toLowerCase()
  const others = [...new Set(named.filter(r => !isOurs(r)))].sort()
  const unnamedAreOurs = others.length === 0 || named.some(isOurs)
  const ours = (r: string | undefined) => (r ? isOurs(r) : unnamedAreOurs)
  return {
    remaining: [
      ...snapshot.workloads
        .filter(w => w.kind !== 'ReplicaSet' && ours(w.release))
        .map(w => `${w.kind} ${w.name}`),
      ...snapshot.pods.filter(p => ours(releaseOfPod(p))).map(p => `pod ${p.name}`)
    ],
    otherReleases: others
  }
}

/** Waits until the namespace holds nothing of the extension's release, or the deadline passes. */
export function waitUntilGone(
  watch: NamespaceWatch,
  release: string,
  options: CheckOptions
): Promise<LeftBehind & { timedOut: boolean }> {
  let last = 0
  return watch.until(snapshot => {
    const left = leftBehind(snapshot, release)
    const { remaining } = left
    if (remaining.length === 0) return { ...left, timedOut: false }
    if (options.deadline.expired()) return { ...left, timedOut: true }
    if (options.progress && Date.now() - last >= (options.progressMs ?? PROGRESS_MS)) {
      last = Date.now()
      options.progress(
        `Waiting for ${remaining.length} objects to leave azureml: ${sample(remaining)}.`
      )
    }
    return undefined
  }, signalOf(options))
}

/** `9/12 components ready; waiting for azureml-fe-v2 (1/3 ready), volcano-scheduler (ContainerCreating)`. */
export function progressLine(a: Assessment): string {
  const expected = a.components.filter(c => c.kind !== 'Pod')
  const ready = expected.filter(c => c.status === 'Ready' || c.status === 'Completed').length
  const waiting = a.awaiting.length > 0 ? `; waiting for ${sample(a.awaiting)}` : ''
  return `${ready}/${expected.length} components ready${waiting}`
}

function sample(items: string[], max = 6): string {
  const more = items.length > max ? ` and ${items.length - max} more` : ''
  return items.slice(0, max).join(', ') + more
}

function throttled(options: CheckOptions): (a: Assessment) => void {
  let last = Date.now()
  const notes = new Set<string>()
  return a => {
    for (const n of a.notes.filter(n => !notes.has(n))) {
      notes.add(n)
      options.progress?.(n)
    }
    if (!options.progress || Date.now() - last < (options.progressMs ?? PROGRESS_MS)) return
    last = Date.now()
    options.progress(progressLine(a))
  }
}

/**
 * The caller's signal, and the deadline's: a wait never outlives the run's budget by much (the
 * last decision comes from the watch's own timer), and stops at once when the run is cancelled.
 */
function signalOf(options: CheckOptions): AbortSignal {
  const deadline = options.deadline.signal(5_000)
  return options.signal ? AbortSignal.any([options.signal, deadline]) : deadline
}
