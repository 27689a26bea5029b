import { randomUUID } from 'node:crypto'
import type { KubeObject, StoredEvent, WatchEventType } from './types.js'

/**
 * The object store behind the stand-in API server: one bucket per storage name, a namespace index,
 * a global monotonic resourceVersion and a bounded per-bucket change history for watch resumption.
 * Stored objects are never mutated in place, so history entries stay valid snapshots.
 */

export class StoreConflict extends Error {
  constructor(
    readonly reason: 'AlreadyExists' | 'NotFound',
    message: string
  ) {
    super(message)
  }
}

type Listener = (event: StoredEvent) => void

class Bucket {
  readonly byNamespace = new Map<string, Map<string, KubeObject>>()
  readonly history: StoredEvent[] = []
  /** Changes at or below this resourceVersion are no longer replayable (410 Gone). */
  compactedRv = 0
  readonly listeners = new Set<Listener>()
  private sorted = new Map<string, string[]>()

  get(namespace: string, name: string): KubeObject | undefined {
    return this.byNamespace.get(namespace)?.get(name)
  }

  set(obj: KubeObject, isNew: boolean): void {
    const ns = obj.metadata.namespace ?? ''
    let names = this.byNamespace.get(ns)
    if (!names) this.byNamespace.set(ns, (names = new Map()))
    names.set(obj.metadata.name, obj)
    if (isNew) this.sorted.delete(ns)
  }

  delete(namespace: string, name: string): void {
    this.byNamespace.get(namespace)?.delete(name)
    this.sorted.delete(namespace)
  }

  /** Names of one namespace in key order, cached until an object is added or removed. */
  sortedNames(namespace: string): string[] {
    let names = this.sorted.get(namespace)
    if (!names) {
      names = [...(this.byNamespace.get(namespace)?.keys() ?? [])].sort()
      this.sorted.set(namespace, names)
    }
    return names
  }

  count(): number {
    let n = 0
    for (const names of this.byNamespace.values()) n += names.size
    return n
  }
}

export interface ListPage {
  items: KubeObject[]
  /** `namespace/name` of the last item when more matching items remain. */
  nextKey?: string
  resourceVersion: number
}

export class ObjectStore {
  private rv = 0
  private readonly buckets = new Map<string, Bucket>()

  /** historyLimit: changes kept per bucket for watch resumption (the watch cache window). */
  constructor(private readonly historyLimit = 10_000) {}

  get resourceVersion(): number {
    return this.rv
  }

  private bucket(storage: string): Bucket {
    let b = this.buckets.get(storage)
    if (!b) this.buckets.set(storage, (b = new Bucket()))
    return b
  }

  get(storage: string, namespace: string, name: string): KubeObject | undefined {
    return this.buckets.get(storage)?.get(namespace, name)
  }

  count(storage: string): number {
    return this.buckets.get(storage)?.count() ?? 0
  }

  create(storage: string, obj: KubeObject): KubeObject {
    const b = this.bucket(storage)
    const { namespace = '', name } = obj.metadata
    if (b.get(namespace, name)) {
      throw new StoreConflict('AlreadyExists', `${storage} "${name}" already exists`)
    }
    const stored = this.stamp(obj, undefined)
    b.set(stored, true)
    this.record(b, 'ADDED', stored, undefined)
    return stored
  }

  /** Create or replace (PUT semantics without a precondition). */
  put(storage: string, obj: KubeObject): KubeObject {
    const b = this.bucket(storage)
    const previous = b.get(obj.metadata.namespace ?? '', obj.metadata.name)
    const stored = this.stamp(obj, previous)
    b.set(stored, !previous)
    this.record(b, previous ? 'MODIFIED' : 'ADDED', stored, previous)
    return stored
  }

  /** Applies `mutate` to a copy and stores it; no-op (undefined) when the object is absent. */
  update(
    storage: string,
    namespace: string,
    name: string,
    mutate: (draft: KubeObject) => void
  ): KubeObject | undefined {
    const current = this.get(storage, namespace, name)
    if (!current) return undefined
    const draft = structuredClone(current)
    mutate(draft)
    return this.put(storage, draft)
  }

  remove(storage: string, namespace: string, name: string): KubeObject | undefined {
    const b = this.buckets.get(storage)
    const previous = b?.get(namespace, name)
    if (!b || !previous) return undefined
    b.delete(namespace, name)
    const gone = {
      ...previous,
      metadata: { ...previous.metadata, resourceVersion: String(++this.rv) }
    }
    this.record(b, 'DELETED', gone, previous)
    return gone
  }

  /**
   * One page of a list in `namespace/name` order, starting after `afterKey`.
   * Without a namespace all namespaces are walked in name order.
   */
  list(
    storage: string,
    opts: {
      namespace?: string
      filter?: (o: KubeObject) => boolean
      limit?: number
      afterKey?: string
    }
  ): ListPage {
    const b = this.buckets.get(storage)
    const items: KubeObject[] = []
    const page: ListPage = { items, resourceVersion: this.rv }
    if (!b) return page
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity
    const namespaces =
      opts.namespace !== undefined ? [opts.namespace] : [...b.byNamespace.keys()].sort()
    const [afterNs, afterName] = splitKey(opts.afterKey)
    for (const ns of namespaces) {
      if (afterNs !== undefined && ns < afterNs) continue
      const names = b.sortedNames(ns)
      const start = ns === afterNs ? upperBound(names, afterName!) : 0
      const objects = b.byNamespace.get(ns)!
      for (let i = start; i < names.length; i++) {
        const obj = objects.get(names[i]!)!
        if (opts.filter && !opts.filter(obj)) continue
        if (items.length === limit) {
          const last = items[items.length - 1]!.metadata
          page.nextKey = `${last.namespace ?? ''}/${last.name}`
          return page
        }
        items.push(obj)
      }
    }
    return page
  }

  /** Deletes every namespaced object in `namespace` (what the namespace controller does on deletion). */
  removeNamespace(namespace: string): void {
    for (const [storage, b] of this.buckets) {
      if (storage === 'namespaces') continue
      for (const name of [...(b.byNamespace.get(namespace)?.keys() ?? [])]) {
        this.remove(storage, namespace, name)
      }
    }
  }

  /** Changes after `rv`, or 'expired' when some of them have left the history window. */
  changesSince(storage: string, rv: number): StoredEvent[] | 'expired' {
    const b = this.bucket(storage)
    if (rv < b.compactedRv) return 'expired'
    const h = b.history
    let lo = 0
    let hi = h.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (h[mid]!.resourceVersion <= rv) lo = mid + 1
      else hi = mid
    }
    return h.slice(lo)
  }

  subscribe(storage: string, listener: Listener): () => void {
    const b = this.bucket(storage)
    b.listeners.add(listener)
    return () => b.listeners.delete(listener)
  }

  /** Forgets all history, as an etcd compaction does: any watch resuming from an older rv gets 410. */
  compact(): void {
    for (const b of this.buckets.values()) {
      b.history.length = 0
      b.compactedRv = this.rv
    }
  }

  /** The lowest resourceVersion a watch may resume from in this bucket. */
  oldestResumable(storage: string): number {
    return this.bucket(storage).compactedRv
  }

  private stamp(obj: KubeObject, previous: KubeObject | undefined): KubeObject {
    const meta = { ...obj.metadata }
    meta.uid = previous?.metadata.uid ?? meta.uid ?? randomUUID()
    meta.creationTimestamp =
      previous?.metadata.creationTimestamp ?? meta.creationTimestamp ?? nowIso()
    meta.resourceVersion = String(++this.rv)
    return { ...obj, metadata: meta }
  }

  private record(
    b: Bucket,
    type: WatchEventType,
    object: KubeObject,
    previous: KubeObject | undefined
  ): void {
    const event: StoredEvent = { type, object, previous, resourceVersion: this.rv }
    b.history.push(event)
    if (b.history.length > this.historyLimit) {
      const dropped = b.history.splice(0, b.history.length - this.historyLimit)
      b.compactedRv = dropped[dropped.length - 1]!.resourceVersion
    }
    for (const listener of b.listeners) listener(event)
  }
}

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z')
}

function splitKey(key: string | undefined): [string | undefined, string | undefined] {
  if (key === undefined) return [undefined, undefined]
  const slash = key.indexOf('/')
  return [key.slice(0, slash), key.slice(slash + 1)]
}

/** First index whose name sorts after `name`. */
function upperBound(names: string[], name: string): number {
  let lo = 0
  let hi = names.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (names[mid]! <= name) lo = mid + 1
    else hi = mid
  }
  return lo
}
