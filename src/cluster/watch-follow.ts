/**
 * Keeps each resource's facts current: list, then watch from the list's resourceVersion, resume
 * a watch that ends, relist on 410 Gone, and retry failures with backoff until one is fatal.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node'
import { errorText, fatalError, statusError } from './api-errors.js'
import { listAll, PageQueue } from './list-pages.js'
import type { WatchSettings } from './watch.js'
import type { Feed } from './watch-feed.js'

const MAX_BACKOFF_MS = 8000
/** List pages in flight across resources (see PageQueue). */
const PAGES_IN_FLIGHT = 2
/** A watch that ends cleanly sooner than this with nothing on it counts as a failure. */
const MIN_WATCH_MS = 1000

/** What the session hears from its feeds. */
export interface FeedEvents {
  /** Some feed's facts changed. */
  changed(): void
  /** The feed's first list is in. */
  synced(feed: Feed<unknown>): void
}

/** Follows the feeds of one session; every request and sleep ends when `signal` aborts. */
export class Follower {
  private readonly watcher: Watch
  private readonly server: string
  private readonly pages = new PageQueue(PAGES_IN_FLIGHT)
  private readonly watches = new Set<AbortController>()
  private readonly wakers = new Set<() => void>()

  constructor(
    kc: KubeConfig,
    private readonly opts: WatchSettings,
    private readonly signal: AbortSignal,
    private readonly events: FeedEvents
  ) {
    this.watcher = new Watch(kc)
    this.server = kc.getCurrentCluster()?.server ?? 'the kubeconfig'
    signal.addEventListener('abort', () => this.halt(), { once: true })
  }

  private get stopped(): boolean {
    return this.signal.aborted
  }

  /** Runs until the signal aborts; rejects with the error that ends the wait. */
  async follow(feed: Feed<unknown>): Promise<void> {
    while (!this.stopped) {
      try {
        if (feed.rv === undefined) await this.relist(feed)
        if (this.stopped) return
        const end = await this.watchOnce(feed)
        if (this.stopped) return
        if (end === 'gone') {
          feed.rv = undefined
          feed.failures++
          this.debug(`${feed.spec.resource}: 410 Gone, relisting`)
          await this.sleep(this.backoff(feed.failures))
        } else this.debug(`${feed.spec.resource}: watch ended, resuming from ${feed.rv}`)
      } catch (err) {
        if (this.stopped) return
        await this.retry(feed, err)
      }
    }
  }

  private halt(): void {
    for (const w of this.watches) w.abort()
    for (const wake of this.wakers) wake()
  }

  private debug(line: string): void {
    this.opts.onDebug?.(line)
  }

  /** Waits before the next attempt, or throws the error that ends the wait. */
  private async retry(feed: Feed<unknown>, err: unknown): Promise<void> {
    feed.failures++
    const verb = feed.rv === undefined ? 'list' : 'watch'
    const fatal = fatalError(err, { verb, ...feed.spec }, this.server, {
      exhausted: feed.failures >= this.opts.maxFailures
    })
    if (fatal) throw fatal
    const delay = this.backoff(feed.failures)
    const next = verb === 'list' ? 'listing again' : `resuming from ${feed.rv}`
    this.debug(`${feed.spec.resource}: ${verb} failed (${errorText(err)}), ${next} in ${delay} ms`)
    await this.sleep(delay)
  }

  /** No wait before the first retry (a dropped watch resumes at once), then exponential. */
  private backoff(failures: number): number {
    if (failures <= 1) return 0
    return Math.min(this.opts.backoffMs * 2 ** (failures - 2), MAX_BACKOFF_MS)
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopped) return Promise.resolve()
    return new Promise(resolve => {
      const wake = () => {
        clearTimeout(timer)
        this.wakers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.wakers.add(wake)
    })
  }

  private async relist(feed: Feed<unknown>): Promise<void> {
    const { spec } = feed
    const listed = await listAll(spec, this.opts.pageSize, this.signal, this.pages)
    if (!listed) return
    feed.replace(listed.facts, listed.rv)
    this.debug(`${spec.resource}: listed ${listed.facts.size} at resourceVersion ${feed.rv}`)
    this.events.changed()
    if (!feed.synced) this.events.synced(feed)
  }

  /** One watch request; resolves when it ends cleanly, 'gone' on 410, rejects on failure. */
  private watchOnce(feed: Feed<unknown>): Promise<'ended' | 'gone'> {
    const { spec } = feed
    const started = Date.now()
    const seen = { any: false, gone: false, error: undefined as Error | undefined }
    let ended = false
    let ctl: AbortController | undefined
    return new Promise((resolve, reject) => {
      const onEvent = (type: string, obj: unknown) => {
        if (ended || this.stopped) return
        seen.any = true
        if (type !== 'ERROR') return void (feed.apply(type, obj) && this.events.changed())
        const status = obj as { code?: number; message?: string; reason?: string }
        if (status.code === 410) seen.gone = true
        else seen.error = statusError(status)
        ctl?.abort()
      }
      const done = (err: unknown) => {
        ended = true
        if (ctl) this.watches.delete(ctl)
        if (this.stopped || seen.gone) return resolve(seen.gone ? 'gone' : 'ended')
        if (seen.error || err) return reject(seen.error ?? err)
        if (!seen.any && Date.now() - started < MIN_WATCH_MS)
          return reject(new Error('the watch closed at once'))
        resolve('ended')
      }
      const query = {
        resourceVersion: feed.rv,
        allowWatchBookmarks: true,
        timeoutSeconds: this.opts.watchTimeoutSeconds,
        fieldSelector: spec.fieldSelector
      }
      this.watcher.watch(spec.path, query, onEvent, done).then(c => {
        // The controller arrives once the response has started; stop it if we stopped meanwhile.
        if (ended) return
        if (this.stopped) return void c.abort()
        ctl = c
        this.watches.add(c)
      }, reject)
    })
  }
}
