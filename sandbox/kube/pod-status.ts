/** kubectl's pod STATUS / READY / RESTARTS reasoning (printPod in kubernetes/pkg/printers). Pure. */
import { age } from './duration.js'

interface ContainerState {
  waiting?: { reason?: string }
  running?: { startedAt?: string }
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string }
}

interface ContainerStatus {
  ready?: boolean
  restartCount?: number
  state?: ContainerState
  lastState?: ContainerState
}

export interface PodView {
  metadata: { deletionTimestamp?: string }
  spec?: { containers?: unknown[] }
  status?: {
    phase?: string
    reason?: string
    conditions?: { type: string; status: string }[]
    containerStatuses?: ContainerStatus[]
  }
}

export interface PodSummary {
  ready: string
  status: string
  restarts: string
}

function terminatedReason(t: NonNullable<ContainerState['terminated']>): string {
  if (t.reason) return t.reason
  return t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`
}

export function summarizePod(pod: PodView, now = Date.now()): PodSummary {
  const statuses = pod.status?.containerStatuses ?? []
  let reason = pod.status?.reason || pod.status?.phase || 'Unknown'
  let restarts = 0
  let readyCount = 0
  let hasRunning = false
  let lastRestart: string | undefined
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i]!
    restarts += c.restartCount ?? 0
    const finished = c.lastState?.terminated?.finishedAt
    if (finished && (!lastRestart || finished > lastRestart)) lastRestart = finished
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason
    else if (c.state?.terminated) reason = terminatedReason(c.state.terminated)
    else if (c.ready && c.state?.running) {
      hasRunning = true
      readyCount++
    }
  }
  if (reason === 'Completed' && hasRunning) {
    const ready = pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')
    reason = ready ? 'Running' : 'NotReady'
  }
  if (pod.metadata.deletionTimestamp) reason = 'Terminating'
  const total = pod.spec?.containers?.length ?? statuses.length
  const restartText =
    restarts > 0 && lastRestart ? `${restarts} (${age(lastRestart, now)} ago)` : String(restarts)
  return { ready: `${readyCount}/${total}`, status: reason, restarts: restartText }
}
