/** Server-side printing: `meta.k8s.io/v1 Table` for the resources kubectl users look at. Pure. */
import { age } from './duration.js'
import { summarizePod, type PodView } from './pod-status.js'
import { fieldValue } from './selectors.js'
import type { ResourceType } from './resources.js'
import type { KubeObject } from './types.js'

interface Column {
  name: string
  type: 'string' | 'integer'
  format?: string
  priority?: number
  cell: (o: KubeObject, now: number) => string | number
}

const name: Column = { name: 'Name', type: 'string', format: 'name', cell: o => o.metadata.name }
const ageCol: Column = {
  name: 'Age',
  type: 'string',
  cell: (o, now) => age(o.metadata.creationTimestamp, now)
}
const num = (path: string) => (o: KubeObject) => Number(fieldValue(o, path) || 0)
const str =
  (path: string, fallback = '<none>') =>
  (o: KubeObject) =>
    fieldValue(o, path) || fallback

const podColumns: Column[] = [
  name,
  { name: 'Ready', type: 'string', cell: (o, now) => summarizePod(o as PodView, now).ready },
  { name: 'Status', type: 'string', cell: (o, now) => summarizePod(o as PodView, now).status },
  { name: 'Restarts', type: 'string', cell: (o, now) => summarizePod(o as PodView, now).restarts },
  ageCol,
  { name: 'IP', type: 'string', priority: 1, cell: str('status.podIP') },
  { name: 'Node', type: 'string', priority: 1, cell: str('spec.nodeName') },
  { name: 'Nominated Node', type: 'string', priority: 1, cell: str('status.nominatedNodeName') },
  { name: 'Readiness Gates', type: 'string', priority: 1, cell: () => '<none>' }
]

function nodeStatus(o: KubeObject): string {
  const conditions = (o.status as { conditions?: { type: string; status: string }[] })?.conditions
  const ready = conditions?.find(c => c.type === 'Ready')?.status === 'True'
  const unschedulable = (o.spec as { unschedulable?: boolean })?.unschedulable
  return (ready ? 'Ready' : 'NotReady') + (unschedulable ? ',SchedulingDisabled' : '')
}

function eventObject(o: KubeObject): string {
  return `${fieldValue(o, 'involvedObject.kind').toLowerCase()}/${fieldValue(o, 'involvedObject.name')}`
}

const lastSeen = (o: KubeObject, now: number): string =>
  age(fieldValue(o, 'lastTimestamp') || fieldValue(o, 'eventTime') || undefined, now)

const COLUMNS: Record<string, Column[]> = {
  pods: podColumns,
  nodes: [
    name,
    { name: 'Status', type: 'string', cell: nodeStatus },
    { name: 'Roles', type: 'string', cell: () => '<none>' },
    ageCol,
    { name: 'Version', type: 'string', cell: str('status.nodeInfo.kubeletVersion', '') }
  ],
  namespaces: [name, { name: 'Status', type: 'string', cell: str('status.phase', '') }, ageCol],
  deployments: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: o => `${num('status.readyReplicas')(o)}/${num('spec.replicas')(o)}`
    },
    { name: 'Up-to-date', type: 'integer', cell: num('status.updatedReplicas') },
    { name: 'Available', type: 'integer', cell: num('status.availableReplicas') },
    ageCol
  ],
  replicasets: [
    name,
    { name: 'Desired', type: 'integer', cell: num('spec.replicas') },
    { name: 'Current', type: 'integer', cell: num('status.replicas') },
    { name: 'Ready', type: 'integer', cell: num('status.readyReplicas') },
    ageCol
  ],
  statefulsets: [
    name,
    {
      name: 'Ready',
      type: 'string',
      cell: o => `${num('status.readyReplicas')(o)}/${num('spec.replicas')(o)}`
    },
    ageCol
  ],
  daemonsets: [
    name,
    { name: 'Desired', type: 'integer', cell: num('status.desiredNumberScheduled') },
    { name: 'Current', type: 'integer', cell: num('status.currentNumberScheduled') },
    { name: 'Ready', type: 'integer', cell: num('status.numberReady') },
    { name: 'Up-to-date', type: 'integer', cell: num('status.updatedNumberScheduled') },
    { name: 'Available', type: 'integer', cell: num('status.numberAvailable') },
    {
      name: 'Node Selector',
      type: 'string',
      cell: o => {
        const sel = (o.spec as { template?: { spec?: { nodeSelector?: Record<string, string> } } })
          ?.template?.spec?.nodeSelector
        const text = Object.entries(sel ?? {}).map(([k, v]) => `${k}=${v}`)
        return text.length ? text.join(',') : '<none>'
      }
    },
    ageCol
  ],
  events: [
    { name: 'Last Seen', type: 'string', cell: lastSeen },
    { name: 'Type', type: 'string', cell: str('type', '') },
    { name: 'Reason', type: 'string', cell: str('reason', '') },
    { name: 'Object', type: 'string', cell: eventObject },
    { name: 'Message', type: 'string', cell: str('message', '') },
    { name: 'Count', type: 'integer', priority: 1, cell: num('count') }
  ],
  configmaps: [
    name,
    { name: 'Data', type: 'integer', cell: o => Object.keys((o.data as object) ?? {}).length },
    ageCol
  ],
  secrets: [
    name,
    { name: 'Type', type: 'string', cell: str('type', '') },
    { name: 'Data', type: 'integer', cell: o => Object.keys((o.data as object) ?? {}).length },
    ageCol
  ]
}

function columnsFor(resource: ResourceType): Column[] {
  return COLUMNS[resource.plural] ?? [name, ageCol]
}

export interface TableOptions {
  /** `includeObject=Object` embeds the full object; the default (Metadata) only its metadata. */
  includeObject: 'Object' | 'Metadata' | 'None'
  resourceVersion: string
  continueToken?: string
}

export function tableRow(resource: ResourceType, obj: KubeObject, opts: TableOptions, now: number) {
  const object =
    opts.includeObject === 'Object'
      ? obj
      : opts.includeObject === 'None'
        ? undefined
        : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }
  return { cells: columnsFor(resource).map(c => c.cell(obj, now)), object }
}

/** The Table envelope without rows, so large tables can be streamed row by row. */
export function tableHead(resource: ResourceType, opts: TableOptions) {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: opts.resourceVersion, continue: opts.continueToken },
    columnDefinitions: columnsFor(resource).map(c => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: '',
      priority: c.priority ?? 0
    }))
  }
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept)
}
