/** One watched resource: how to reach it, and the facts of its objects as they stand. */
import type { ConfigurationOptions, V1ListMeta, V1ObjectMeta } from '@kubernetes/client-node'

export type ListQuery = { limit: number; _continue?: string; fieldSelector?: string }
export type Listed = { items: unknown[]; metadata?: V1ListMeta }

export interface FeedSpec<F> {
  /** As RBAC and kubectl name it: `pods`, `deployments.apps`. */
  resource: string
  /** Undefined for cluster-scoped resources. */
  namespace?: string
  path: string
  fieldSelector?: string
  list: (query: ListQuery, options: ConfigurationOptions) => Promise<Listed>
  /** `never`: each feed's reducer takes its own object type; the wire gives us untyped JSON. */
  reduce: (obj: never) => F
}

export const metaOf = (obj: unknown) => (obj as { metadata?: V1ObjectMeta } | undefined)?.metadata

/** The facts of one resource, by object name, and where its watch stands. */
export class Feed<F> {
  private facts = new Map<string, F>()
  private array: F[] | undefined
  rv: string | undefined
  synced = false
  failures = 0

  constructor(readonly spec: FeedSpec<F>) {}

  /** The facts as an array, rebuilt only after a change. */
  values(): F[] {
    return (this.array ??= [...this.facts.values()])
  }

  /** After a (re)list: whatever the old map held that the list does not is gone. */
  replace(facts: Map<string, F>, rv: string): void {
    this.facts = facts
    this.array = undefined
    this.rv = rv
  }

  /** Applies one watch event; true when the facts changed. */
  apply(type: string, obj: unknown): boolean {
    const meta = metaOf(obj)
    if (meta?.resourceVersion) this.rv = meta.resourceVersion
    this.failures = 0
    const name = meta?.name ?? ''
    if (type === 'ADDED' || type === 'MODIFIED')
      this.facts.set(name, this.spec.reduce(obj as never))
    else if (type === 'DELETED') this.facts.delete(name)
    else return false
    this.array = undefined
    return true
  }
}
