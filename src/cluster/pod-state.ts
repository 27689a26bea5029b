/** How one pod stands, read the way kubectl prints it: STATUS, READY, RESTARTS. Pure. */
import type { ContainerFacts, PodFacts, PodStatus } from './model.js'

const main = (p: PodFacts): ContainerFacts[] => (p.containers ?? []).filter(c => !c.init)

export function readyCount(p: PodFacts): { ready: number; total: number } {
  const cs = main(p)
  return { ready: cs.filter(c => c.ready).length, total: cs.length }
}

/** Running, not on its way out, every (non-init) container ready. */
export function podReady(p: PodFacts): boolean {
  if (p.phase !== 'Running' || p.terminating) return false
  const { ready, total } = readyCount(p)
  // No container facts at all: trust the pod's own Ready condition.
  return total === 0 ? p.ready?.status === 'True' : ready === total
}

/** A pod the kubelet evicted: history, its controller has already replaced it. */
export function evicted(p: PodFacts): boolean {
  return p.phase === 'Failed' && p.reason === 'Evicted' && p.owner !== undefined
}

function initStatus(p: PodFacts): string | undefined {
  const inits = (p.containers ?? []).filter(c => c.init)
  for (const [i, c] of inits.entries()) {
    if (c.state === 'terminated' && (c.exitCode ?? 0) === 0) continue
    if (c.state === 'terminated') return `Init:${c.reason ?? `ExitCode:${c.exitCode}`}`
    if (c.state === 'waiting' && c.reason && c.reason !== 'PodInitializing')
      return `Init:${c.reason}`
    return `Init:${i}/${inits.length}`
  }
  return undefined
}

/** kubectl's STATUS column: Completed, ContainerCreating, CrashLoopBackOff, Init:…, Terminating. */
export function displayPhase(p: PodFacts): string {
  if (p.terminating) return 'Terminating'
  let status = p.reason || p.phase || 'Unknown'
  const init = p.phase === 'Pending' || p.phase === 'Failed' ? initStatus(p) : undefined
  if (init) return init
  let running = false
  for (const c of main(p).reverse()) {
    if (c.state === 'waiting' && c.reason) status = c.reason
    else if (c.state === 'terminated') status = c.reason ?? `ExitCode:${c.exitCode ?? 0}`
    else if (c.ready && c.state === 'running') running = true
  }
  if (status === 'Completed' && running) status = podReady(p) ? 'Running' : 'NotReady'
  return status === 'Succeeded' ? 'Completed' : status
}

/** The container that explains a pod not being ready, init containers first as they run first. */
export function troubledContainer(p: PodFacts): ContainerFacts | undefined {
  return (p.containers ?? []).find(
    c =>
      !c.ready &&
      (c.state === 'waiting' ||
        (c.state === 'terminated' && (c.exitCode ?? 0) !== 0) ||
        c.lastTermination?.reason === 'OOMKilled') &&
      !(c.init && c.state === 'terminated' && (c.exitCode ?? 0) === 0)
  )
}

function why(p: PodFacts): { reason?: string; message?: string } {
  const c = troubledContainer(p)
  if (c?.reason) return { reason: c.reason, message: c.message }
  if (p.reason) return { reason: p.reason, message: p.message }
  if (p.scheduled?.status === 'False')
    return { reason: p.scheduled.reason, message: p.scheduled.message }
  if (p.ready?.status === 'False' && p.phase === 'Running')
    return { reason: p.ready.reason, message: p.ready.message }
  return {}
}

export function restarts(p: PodFacts): number {
  return (p.containers ?? []).reduce((n, c) => n + (Number(c.restarts) || 0), 0)
}

export function podStatus(p: PodFacts): PodStatus {
  const { ready, total } = readyCount(p)
  const { reason, message } = why(p)
  return {
    name: p.name,
    phase: displayPhase(p),
    ready: `${ready}/${total}`,
    restarts: restarts(p),
    ...(p.node ? { node: p.node } : {}),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {})
  }
}
