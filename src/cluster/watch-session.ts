/**
 * One `until`: starts the feeds, coalesces their changes into decisions, and stops everything
 * once it settles.
 */
import type { KubeConfig } from '@kubernetes/client-node'
import type { NamespaceSnapshot } from './model.js'
import type { WatchSettings } from './watch.js'
import type { Feed } from './watch-feed.js'
import { Follower } from './watch-follow.js'
import { allFeeds, feedsFor, snapshotOf, type Feeds } from './watched-resources.js'

export class Session<T> {
  private readonly feeds: Feeds
  private readonly all: Feed<unknown>[]
  private readonly follower: Follower
  private readonly stopper = new AbortController()
  private batch: NodeJS.Timeout | undefined
  private tick: NodeJS.Timeout | undefined
  private ready = false
  private settle: { resolve: (v: T) => void; reject: (err: unknown) => void } | undefined

  constructor(
    kc: KubeConfig,
    private readonly opts: WatchSettings,
    private readonly decide: (snapshot: NamespaceSnapshot) => T | undefined
  ) {
    this.feeds = feedsFor(kc, opts.namespace)
    this.all = allFeeds(this.feeds)
    this.follower = new Follower(kc, opts, this.stopper.signal, {
      changed: () => this.changed(),
      synced: feed => this.synced(feed)
    })
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted
  }

  run(signal: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason)
      this.settle = { resolve, reject }
      const onAbort = () => this.fail(signal.reason)
      signal.addEventListener('abort', onAbort, { once: true })
      this.stopper.signal.addEventListener('abort', () =>
        signal.removeEventListener('abort', onAbort)
      )
      for (const feed of this.all) this.follower.follow(feed).catch(err => this.fail(err))
    })
  }

  private finish(value: T): void {
    if (this.stop()) this.settle?.resolve(value)
  }

  private fail(err: unknown): void {
    if (this.stop()) this.settle?.reject(err)
  }

  /** Stops every request (the follower hears the abort) and timer; false when already stopped. */
  private stop(): boolean {
    if (this.stopped) return false
    this.stopper.abort()
    clearTimeout(this.batch)
    clearInterval(this.tick)
    return true
  }

  /** The first decision waits for every feed's first list: a partial snapshot would mislead. */
  private synced(feed: Feed<unknown>): void {
    feed.synced = true
    if (this.ready || !this.all.every(f => f.synced)) return
    this.ready = true
    this.tick = setInterval(() => this.decideNow(), this.opts.tickMs)
    this.decideNow()
  }

  /** Coalesces a burst of changes into one decision. */
  private changed(): void {
    if (!this.ready || this.batch || this.stopped) return
    this.batch = setTimeout(() => {
      this.batch = undefined
      this.decideNow()
    }, this.opts.batchMs)
  }

  private decideNow(): void {
    if (this.stopped) return
    let value: T | undefined
    try {
      value = this.decide(snapshotOf(this.feeds))
    } catch (err) {
      return this.fail(err)
    }
    if (value !== undefined) this.finish(value)
  }
}
