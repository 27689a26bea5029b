import type { ServerResponse } from 'node:http'
import { ChunkedWriter } from './json-stream.js'
import { expired } from './status.js'
import type { ObjectStore } from './store.js'
import type { KubeObject, StoredEvent } from './types.js'

/** What one `?watch=true` request asks for, after the router has parsed it. */
export interface WatchRequest {
  storage: string
  namespace?: string
  filter: (o: KubeObject) => boolean
  /** As sent; '' or '0' means "start with the current state as ADDED events". */
  resourceVersion: string
  allowBookmarks: boolean
  /** `sendInitialEvents=true`: end the initial ADDED burst with an annotated BOOKMARK. */
  sendInitialEvents: boolean
  timeoutMs: number
  /** Wire form of an object: kind/apiVersion for the requested version, or a Table row. */
  render: (o: KubeObject) => unknown
  /** kind/apiVersion for bookmark objects. */
  bookmarkType: { kind: string; apiVersion: string }
}

type WireEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: KubeObject }

/**
 * A change as a filtered watcher sees it: an object that starts matching arrives as ADDED,
 * one that stops matching as DELETED (the API server's watch-cache behaviour). Pure.
 */
export function filteredEvent(
  ev: StoredEvent,
  matches: (o: KubeObject) => boolean
): WireEvent | undefined {
  const now = matches(ev.object)
  if (ev.type !== 'MODIFIED') return now ? { type: ev.type, object: ev.object } : undefined
  const before = ev.previous ? matches(ev.previous) : false
  if (now) return { type: before ? 'MODIFIED' : 'ADDED', object: ev.object }
  return before ? { type: 'DELETED', object: ev.object } : undefined
}

/** Owns the open watch streams: bookmarks, timeouts, and the "drop all watches" fault. */
export class WatchHub {
  private readonly open = new Set<ServerResponse>()

  constructor(
    private readonly store: ObjectStore,
    private readonly bookmarkIntervalMs: number
  ) {}

  get openCount(): number {
    return this.open.size
  }

  /** Fault: cut every watch connection mid-stream, as a load balancer or API server restart does. */
  dropAll(): void {
    for (const res of this.open) res.socket?.destroy()
  }

  /** Ends every watch cleanly (server shutdown). */
  endAll(): void {
    for (const res of this.open) res.end()
  }

  async serve(req: WatchRequest, res: ServerResponse): Promise<void> {
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' })
    res.flushHeaders()
    this.open.add(res)
    const session = new WatchSession(this.store, req, res)
    const timers = [
      setTimeout(() => res.end(), req.timeoutMs),
      req.allowBookmarks
        ? setInterval(() => session.bookmark(), this.bookmarkIntervalMs)
        : undefined
    ]
    res.on('close', () => {
      this.open.delete(res)
      session.stop()
      for (const t of timers) clearTimeout(t)
    })
    await session.start()
  }
}

class WatchSession {
  private lastRv = 0
  private backlog: StoredEvent[] | undefined = []
  private unsubscribe: () => void

  constructor(
    private readonly store: ObjectStore,
    private readonly req: WatchRequest,
    private readonly res: ServerResponse
  ) {
    // Subscribe before reading state so nothing falls between the snapshot and the live stream.
    this.unsubscribe = store.subscribe(req.storage, ev => this.onChange(ev))
  }

  stop(): void {
    this.unsubscribe()
  }

  async start(): Promise<void> {
    const w = new ChunkedWriter(this.res)
    const rv = this.req.resourceVersion
    if (rv === '' || rv === '0') {
      await this.sendSnapshot(w)
    } else {
      const changes = this.store.changesSince(this.req.storage, Number(rv))
      if (changes === 'expired') return this.sendExpired(rv)
      this.lastRv = Number(rv)
      for (const ev of changes) await this.sendChange(w, ev)
    }
    if (this.req.sendInitialEvents) await w.write(this.bookmarkLine(true))
    // Live changes that arrived while the initial events were being written.
    const backlog = this.backlog ?? []
    this.backlog = undefined
    for (const ev of backlog) await this.sendChange(w, ev)
    await w.flush()
  }

  bookmark(): void {
    if (!this.backlog) this.write(this.bookmarkLine(false))
  }

  private async sendSnapshot(w: ChunkedWriter): Promise<void> {
    const page = this.store.list(this.req.storage, {
      namespace: this.req.namespace,
      filter: this.req.filter
    })
    this.lastRv = page.resourceVersion
    for (const object of page.items) await w.write(this.line({ type: 'ADDED', object }))
  }

  private sendExpired(rv: string): void {
    const oldest = this.store.oldestResumable(this.req.storage)
    const object = expired(`too old resource version: ${rv} (${oldest})`)
    this.res.end(JSON.stringify({ type: 'ERROR', object }) + '\n')
  }

  private async sendChange(w: ChunkedWriter, ev: StoredEvent): Promise<void> {
    if (ev.resourceVersion <= this.lastRv) return
    this.lastRv = ev.resourceVersion
    const wire = this.inScope(ev) ? filteredEvent(ev, this.req.filter) : undefined
    if (wire) await w.write(this.line(wire))
  }

  private onChange(ev: StoredEvent): void {
    if (this.backlog) {
      this.backlog.push(ev)
      return
    }
    if (ev.resourceVersion <= this.lastRv) return
    this.lastRv = ev.resourceVersion
    const wire = this.inScope(ev) ? filteredEvent(ev, this.req.filter) : undefined
    if (wire) this.write(this.line(wire))
  }

  private inScope(ev: StoredEvent): boolean {
    return this.req.namespace === undefined || ev.object.metadata.namespace === this.req.namespace
  }

  private line(ev: WireEvent): string {
    return JSON.stringify({ type: ev.type, object: this.req.render(ev.object) }) + '\n'
  }

  private bookmarkLine(initialEventsEnd: boolean): string {
    const metadata: Record<string, unknown> = {
      resourceVersion: String(this.store.resourceVersion)
    }
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' }
    return (
      JSON.stringify({ type: 'BOOKMARK', object: { ...this.req.bookmarkType, metadata } }) + '\n'
    )
  }

  private write(text: string): void {
    if (!this.res.destroyed && !this.res.writableEnded) this.res.write(text)
  }
}
