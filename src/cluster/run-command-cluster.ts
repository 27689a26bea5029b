/**
 * The cluster checks through AKS Run Command, for a private cluster the runner cannot reach:
 * no watch, but one `kubectl get` listing per poll, at most one poll per `pollMs` (10 s) for the
 * whole cluster, however many checks wait at once. Each listing becomes the snapshot the watch
 * would give (run-command-listing.ts), and the decisions are verify.ts's, unchanged.
 */
import type { CommandResult } from '../azure/run-command.js'
import type { Deadline } from '../deadline.js'
import type { Cluster } from './index.js'
import type { NamespaceSnapshot } from './model.js'
import { LISTING_COMMAND, NAMESPACE_COMMAND, snapshotOfListing } from './run-command-listing.js'
import { lookOnce, waitForVerdict, waitUntilGone, watchForFailure } from './verify.js'
import type { NamespaceWatch } from './watch.js'

export interface RunCommandClusterOptions {
  /** Least time between the starts of two listings. Default 10 s. */
  pollMs?: number
  /** One line per listing. */
  debug: (line: string) => void
}

type Run = (command: string) => Promise<CommandResult>

/** One listing: when it started, and the snapshot it gave. */
interface Listing {
  started: number
  snapshot: Promise<NamespaceSnapshot>
}

const POLL_MS = 10_000
/**
 * Failed listings in a row that a wait outlasts once one listing has come back: a command pod
 * that once failed to start, or a kubectl call cut off, is not the cluster's verdict. A first
 * listing that fails ends the wait at once (a refusal is most likely).
 */
const TOLERATED_FAILURES = 2

/** A promise that rejects with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason)
    signal.addEventListener('abort', stop, { once: true })
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
  })
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> => {
  let timer: NodeJS.Timeout | undefined
  const slept = new Promise<void>(resolve => (timer = setTimeout(resolve, Math.max(0, ms))))
  return abortable(slept, signal).finally(() => clearTimeout(timer))
}

/** Listings shared by every check on the cluster: at most one runs, and one starts per pollMs. */
class Lister {
  private current: Listing | undefined
  private lastStart = Number.NEGATIVE_INFINITY
  private count = 0

  constructor(
    private readonly run: Run,
    private readonly pollMs: number,
    readonly debug: (line: string) => void
  ) {}

  /**
   * A listing started at `since` or later (joining one in flight), perhaps still running.
   * Undefined when `until` (a deadline) passes while waiting for the next poll's turn.
   */
  async next(since: number, signal: AbortSignal, until?: Deadline): Promise<Listing | undefined> {
    for (;;) {
      const current = this.current
      if (current && current.started >= since) return current
      if (current) {
        await abortable(
          current.snapshot.catch(() => undefined),
          signal
        )
        continue
      }
      const wait = this.lastStart + this.pollMs - Date.now()
      if (wait <= 0) {
        this.start()
        continue
      }
      if (until && until.remainingMs() <= wait) {
        await sleep(until.remainingMs(), signal)
        return undefined
      }
      await sleep(wait, signal)
    }
  }

  private start(): void {
    const started = (this.lastStart = Date.now())
    const n = ++this.count
    const listing: Listing = { started, snapshot: this.list(n, started) }
    this.current = listing
    // Whoever waits on it hears its failure; nobody waiting must not make it unhandled.
    listing.snapshot
      .catch(() => undefined)
      .finally(() => {
        if (this.current === listing) this.current = undefined
      })
  }

  private async list(n: number, started: number): Promise<NamespaceSnapshot> {
    const snapshot = snapshotOfListing(await this.run(LISTING_COMMAND))
    const { pods, workloads, nodes, events } = snapshot
    this.debug(
      `Listing ${n} through Run Command: ${pods.length} pods, ${workloads.length} workloads, ` +
        `${nodes.length} nodes, ${events.length} events (${Date.now() - started} ms).`
    )
    return snapshot
  }
}

/**
 * `until` on listings: decides on each new one. Once `deadline` has passed it lists no more and
 * decides on the last listing (a wait then reports running out of time) until `signal` aborts.
 */
async function pollUntil<T>(
  lister: Lister,
  deadline: Deadline,
  pollMs: number,
  decide: (snapshot: NamespaceSnapshot) => T | undefined,
  signal: AbortSignal
): Promise<T> {
  let last: { started: number; snapshot: NamespaceSnapshot } | undefined
  let failures = 0
  for (;;) {
    const spent = last !== undefined && deadline.expired()
    const next = spent
      ? undefined
      : await lister.next(last ? last.started + 1 : Date.now(), signal, last && deadline)
    if (next) {
      const snapshot = await abortable(next.snapshot, signal).catch((err: unknown) => {
        if (signal.aborted) throw err
        // A listing the deadline cut short: the last one stands, as the wait's final state.
        if (last && deadline.expired()) return undefined
        if (!last || ++failures > TOLERATED_FAILURES) throw err
        lister.debug(`Listing failed (${(err as Error).message}); the next poll lists again.`)
        return undefined
      })
      if (snapshot) {
        last = { started: next.started, snapshot }
        failures = 0
      }
    }
    const value = decide(last!.snapshot)
    if (value !== undefined) return value
    if (spent) await sleep(pollMs, signal)
  }
}

/**
 * The Cluster, reached through `run` (AKS Run Command). Verdicts say `via: 'run-command'`, so
 * the summary can tell how the cluster was verified.
 */
export function openRunCommandCluster(run: Run, options: RunCommandClusterOptions): Cluster {
  const pollMs = options.pollMs ?? POLL_MS
  const lister = new Lister(run, pollMs, options.debug)
  const watch = (deadline: Deadline): NamespaceWatch => ({
    until: (decide, signal) => pollUntil(lister, deadline, pollMs, decide, signal)
  })
  return {
    // Counting jobs, deployments and GPU pods would list every pod of the cluster: left unknown.
    usage: async () => {
      options.debug('Running work is not counted through Run Command.')
      return {}
    },
    namespacePhase: async () => snapshotOfListing(await run(NAMESPACE_COMMAND)).namespacePhase,
    verdict: async (target, o) => ({
      ...(await waitForVerdict(watch(o.deadline), target, o)),
      via: 'run-command'
    }),
    failure: (target, o) => watchForFailure(watch(o.deadline), target, o),
    look: (target, o) => lookOnce(watch(o.deadline), target, o),
    gone: (release, o) => waitUntilGone(watch(o.deadline), release, o)
  }
}
