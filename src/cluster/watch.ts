/**
 * Watches the `azureml` namespace (and the cluster's nodes) and hands `decide` a fresh snapshot
 * after every batch of changes, until it has an answer.
 *
 * Each resource is listed in pages, then watched from the list's resourceVersion. A watch that
 * ends or drops resumes from the last resourceVersion seen (bookmarks keep it fresh); 410 Gone
 * relists the resource and replaces its cache wholesale. Objects are reduced to facts on arrival
 * and never kept whole.
 *
 * RBAC: list and watch on pods, events, configmaps, deployments, replicasets, daemonsets and
 * statefulsets in the namespace; on nodes and namespaces cluster-wide (the namespace is watched
 * by a `metadata.name` field selector, which is a cluster-scope request).
 *
 * The parts: watched-resources.ts (what is watched), watch-feed.ts (one resource's facts),
 * watch-follow.ts and list-pages.ts (list, watch, retry), watch-session.ts (deciding),
 * api-errors.ts (which failures end the wait, and how they read).
 */
import type { KubeConfig } from '@kubernetes/client-node'
import { AZUREML_NAMESPACE, type NamespaceSnapshot } from './model.js'
import { Session } from './watch-session.js'

export interface WatchOptions {
  /** Default `azureml`. */
  namespace?: string
  /** One line per list, resume, relist and retry. */
  onDebug?: (line: string) => void
  /** Items per list page. Default 500. */
  pageSize?: number
  /** Server-side watch timeout; client-node aborts a watch silent for 30 s. Default 25. */
  watchTimeoutSeconds?: number
  /** `decide` also runs this often with no change, so time-based graces can fire. Default 1000. */
  tickMs?: number
  /** Changes arriving within this window share one decision. Default 10. */
  batchMs?: number
  /** Delay before the second retry of a failing resource; doubles per failure. Default 500. */
  backoffMs?: number
  /** Consecutive failures of one resource before giving up. Default 6 (about 7 s of retries). */
  maxFailures?: number
}

/** The options with their defaults filled in. */
export type WatchSettings = Required<Omit<WatchOptions, 'onDebug'>> & WatchOptions

export interface NamespaceWatch {
  /**
   * Lists and watches, and resolves with the first value `decide` returns that is not undefined.
   * `decide` runs once the initial lists are complete, after each batch of changes and on a
   * timer. Rejects on an error waiting cannot fix, on an error `decide` throws, and with the
   * signal's reason when it aborts. Every request is stopped when it settles. Each call lists
   * afresh (a decision never sees state left from an earlier call). The snapshot's arrays are
   * shared between decisions: read them, do not change them.
   */
  until<T>(decide: (snapshot: NamespaceSnapshot) => T | undefined, signal: AbortSignal): Promise<T>
}

const DEFAULTS: Required<Omit<WatchOptions, 'onDebug'>> = {
  namespace: AZUREML_NAMESPACE,
  pageSize: 500,
  watchTimeoutSeconds: 25,
  tickMs: 1000,
  batchMs: 10,
  backoffMs: 500,
  maxFailures: 6
}

export function watchNamespace(kc: KubeConfig, options: WatchOptions = {}): NamespaceWatch {
  return {
    until: (decide, signal) => new Session(kc, { ...DEFAULTS, ...options }, decide).run(signal)
  }
}
