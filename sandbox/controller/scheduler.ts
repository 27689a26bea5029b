/** Where a pod lands, or the default-scheduler's FailedScheduling message when it cannot. Pure. */

export interface NodeView {
  name: string
  labels: Record<string, string>
  unschedulable: boolean
}

export type Placement = { node: string } | { message: string }

export interface PlacementRequest {
  nodes: NodeView[]
  nodeSelector: Record<string, string>
  /** Nodes already running a replica that this pod's required anti-affinity excludes. */
  antiAffinityNodes?: Set<string>
  /** Pods per node, to spread replicas like the scheduler's balancing does. */
  load: Map<string, number>
  /** Forced failure for every node that passes the other filters (fault injection). */
  forced?: 'anti-affinity' | 'insufficient-cpu'
}

const REASONS = {
  unschedulable: 'node(s) were unschedulable',
  selector: "node(s) didn't match Pod's node affinity/selector",
  antiAffinity: "node(s) didn't match pod anti-affinity rules",
  cpu: 'Insufficient cpu'
}
/** Failures preemption could fix vs not (the "preemption:" half of the message). */
const PREEMPTABLE = new Set([REASONS.antiAffinity, REASONS.cpu])

function rejection(node: NodeView, req: PlacementRequest): string | undefined {
  if (node.unschedulable) return REASONS.unschedulable
  for (const [k, v] of Object.entries(req.nodeSelector))
    if (node.labels[k] !== v) return REASONS.selector
  if (req.forced === 'insufficient-cpu') return REASONS.cpu
  if (req.forced === 'anti-affinity' || req.antiAffinityNodes?.has(node.name))
    return REASONS.antiAffinity
  return undefined
}

function count(reasons: Map<string, number>, prefix: (r: string) => string): string {
  return [...reasons]
    .map(([r, n]) => `${n} ${prefix(r)}`)
    .sort()
    .join(', ')
}

export function failedSchedulingMessage(total: number, reasons: Map<string, number>): string {
  const preemption = new Map<string, number>()
  for (const [r, n] of reasons) {
    const key = PREEMPTABLE.has(r)
      ? 'No preemption victims found for incoming pod'
      : 'Preemption is not helpful for scheduling'
    preemption.set(key, (preemption.get(key) ?? 0) + n)
  }
  const head =
    total === 0
      ? 'no nodes available to schedule pods'
      : `0/${total} nodes are available: ${count(reasons, r => r)}.`
  if (total === 0) return head
  return `${head} preemption: 0/${total} nodes are available: ${count(preemption, r => r)}.`
}

export function place(req: PlacementRequest): Placement {
  const reasons = new Map<string, number>()
  const fits: NodeView[] = []
  for (const node of req.nodes) {
    const r = rejection(node, req)
    if (r) reasons.set(r, (reasons.get(r) ?? 0) + 1)
    else fits.push(node)
  }
  if (fits.length === 0) return { message: failedSchedulingMessage(req.nodes.length, reasons) }
  // Least-loaded first, then by name, so replicas spread over nodes deterministically.
  fits.sort(
    (a, b) =>
      (req.load.get(a.name) ?? 0) - (req.load.get(b.name) ?? 0) || (a.name < b.name ? -1 : 1)
  )
  return { node: fits[0]!.name }
}

export function eligibleNodes(nodes: NodeView[], nodeSelector: Record<string, string>): NodeView[] {
  return nodes.filter(
    n => !n.unschedulable && Object.entries(nodeSelector).every(([k, v]) => n.labels[k] === v)
  )
}
