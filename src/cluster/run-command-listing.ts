/**
 * The one `kubectl get` a poll runs through AKS Run Command, and its output read into the same
 * snapshot the watch builds, through the same reducers (facts.ts). Pure.
 *
 * Run Command hands back the command pod's log: stdout and stderr in one text. kubectl writes
 * warnings and errors to stderr, so the JSON document is taken from the first line that opens an
 * object to the last line that closes one; the lines around it are what kubectl said besides.
 */
import {
  daemonSetFacts,
  deploymentFacts,
  eventFacts,
  healthcheckData,
  namespacePhase,
  nodeFacts,
  podFacts,
  replicaSetFacts,
  statefulSetFacts
} from './facts.js'
import { AZUREML_NAMESPACE, HEALTHCHECK_CONFIGMAPS } from './model.js'
import type { NamespaceSnapshot } from './model.js'
import type { CommandResult } from '../azure/run-command.js'

/**
 * Everything the assessment reads, in one request per type: kubectl ignores the namespace for
 * the cluster-scoped ones (namespaces, nodes) and pages each list (`--chunk-size`, 500).
 */
export const RESOURCES = [
  'namespaces',
  'nodes',
  'pods',
  'deployments.apps',
  'statefulsets.apps',
  'daemonsets.apps',
  'replicasets.apps',
  'events',
  'configmaps'
]

export const LISTING_COMMAND = `kubectl get ${RESOURCES.join(',')} --namespace ${AZUREML_NAMESPACE} --output json`

/** Only the namespace, for the check before any write. */
export const NAMESPACE_COMMAND = `kubectl get namespaces --field-selector metadata.name=${AZUREML_NAMESPACE} --output json`

/**
 * The largest log read (UTF-16 code units, about bytes). A 3-node training install lists in about
 * 220 kB; this leaves room for thousands of pods. The service's own cap on `logs` is not
 * documented; past this the answer is refused rather than half read.
 */
export const MAX_LISTING_CHARS = 32 * 1024 * 1024

/** The command's output could not be read as a listing: says what was wrong, quoting kubectl. */
export class ListingError extends Error {
  override name = 'ListingError'
}

const OPEN = /^\{/m
const CLOSE = /^\}\s*$/gm
const SAID_MAX = 600

/** The JSON document in a log, and the lines around it. */
function split(logs: string): { json?: string; said: string } {
  const start = OPEN.exec(logs)?.index
  let end: number | undefined
  for (const m of logs.matchAll(CLOSE)) end = m.index + 1
  if (start === undefined || end === undefined || end <= start) return { said: logs }
  return { json: logs.slice(start, end), said: `${logs.slice(0, start)}\n${logs.slice(end)}` }
}

/** What kubectl said besides its JSON, trimmed to a few lines for a message. */
function quote(said: string): string {
  const lines = said
    .split(/\r?\n/)
    .map(l => l.trim())
    .filter(Boolean)
  const text = lines.slice(-6).join(' | ')
  return text.length > SAID_MAX ? `…${text.slice(-SAID_MAX)}` : text
}

type Item = { kind?: unknown; metadata?: { name?: unknown } }

function parseList(json: string | undefined): Item[] | undefined {
  if (json === undefined) return undefined
  let doc: unknown
  try {
    doc = JSON.parse(json)
  } catch {
    return undefined
  }
  const list = doc as { kind?: unknown; items?: unknown } | null
  if (list?.kind !== 'List' || !Array.isArray(list.items)) return undefined
  return list.items.filter((i): i is Item => i !== null && typeof i === 'object')
}

/** Each workload kind's reducer, as the watch uses them. */
const WORKLOAD_FACTS = {
  Deployment: deploymentFacts,
  StatefulSet: statefulSetFacts,
  DaemonSet: daemonSetFacts,
  ReplicaSet: replicaSetFacts
}

/** The listed objects reduced to facts: the snapshot the assessment reads. */
function snapshotOfItems(items: Item[]): NamespaceSnapshot {
  const snapshot: NamespaceSnapshot = {
    namespacePhase: undefined,
    pods: [],
    workloads: [],
    nodes: [],
    events: []
  }
  const healthcheck = new Map<string, Record<string, string>>()
  for (const item of items) {
    const o = item as never
    const name = item.metadata?.name
    switch (item.kind) {
      case 'Namespace':
        if (name === AZUREML_NAMESPACE) snapshot.namespacePhase = namespacePhase(o)
        break
      case 'Node':
        snapshot.nodes.push(nodeFacts(o))
        break
      case 'Pod':
        snapshot.pods.push(podFacts(o))
        break
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
        snapshot.workloads.push(WORKLOAD_FACTS[item.kind](o))
        break
      case 'Event':
        snapshot.events.push(eventFacts(o))
        break
      case 'ConfigMap':
        if (typeof name === 'string') healthcheck.set(name, healthcheckData(o))
    }
  }
  snapshot.healthcheck = HEALTHCHECK_CONFIGMAPS.map(n => healthcheck.get(n)).find(Boolean)
  return snapshot
}

/**
 * The snapshot a listing's result shows; a ListingError when the command failed or its output is
 * not kubectl's JSON list.
 */
export function snapshotOfListing(result: CommandResult): NamespaceSnapshot {
  const logs = typeof result.logs === 'string' ? result.logs : ''
  if (logs.length > MAX_LISTING_CHARS) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`
    throw new ListingError(
      `kubectl's listing through Run Command is ${mb(logs.length)}, more than the ${mb(MAX_LISTING_CHARS)} this action reads.`
    )
  }
  const { json, said } = split(logs)
  if (result.exitCode !== 0) {
    const what = quote(said) || 'it printed nothing else'
    throw new ListingError(`kubectl exited with ${result.exitCode} through Run Command: ${what}`)
  }
  const items = parseList(json)
  if (!items) {
    const what = quote(logs.slice(0, SAID_MAX)) || 'an empty log'
    throw new ListingError(`kubectl's output through Run Command is not a JSON list: ${what}`)
  }
  return snapshotOfItems(items)
}
