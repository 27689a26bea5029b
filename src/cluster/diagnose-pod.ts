/**
 * What is wrong with one pod, if waiting cannot fix it: image pulls, crash loops, OOM kills,
 * container config errors, mounts and scheduling. Each rule waits out its grace first. Pure.
 */
import type { Graces } from './graces.js'
import type { KnownProblemId } from './known-problems.js'
import { countOf, hasAny, hasPhrase, latest, time } from './match.js'
import type { ContainerFacts, EventFacts, PodFacts } from './model.js'

export interface PodContext {
  pod: PodFacts
  component: string
  /** This pod's events, none older than the pod (a recreated `healthcheck` keeps its name). */
  events: readonly EventFacts[]
  now: number
  /** When the pod's trouble clock starts: its creation, else when verification began. */
  start: number
  graces: Graces
  /** Ready, schedulable nodes: quoted when replicas cannot spread. */
  schedulableNodes: number
}

/** A problem in the making: the known problem, the quoted evidence, placeholder values. */
export interface Finding {
  id: KnownProblemId
  evidence: string
  vars?: Record<string, string>
  /** Overrides the known problem's reason (e.g. CreateContainerError). */
  reason?: string
  /** More causes whose fixes follow the first (the scheduler names several; the autoscaler refuses). */
  also?: readonly KnownProblemId[]
}

export type Outcome = Finding | { note: string } | undefined

const waiting = (c: ContainerFacts, ...reasons: string[]) =>
  c.state === 'waiting' && reasons.includes(c.reason ?? '')
const quote = (s: string | undefined) => `"${String(s ?? '').trim()}"`

function imagePull({ pod, events, now, start, graces }: PodContext): Outcome {
  const c = pod.containers.find(c => waiting(c, 'ErrImagePull', 'ImagePullBackOff'))
  if (!c) return undefined
  const backOffs = countOf(
    events,
    e => e.reason === 'BackOff' && hasPhrase(e.message, 'back-off pulling image')
  )
  if (backOffs < graces.imagePullBackOffs && now - start < graces.imagePullMs) return undefined
  const failed = latest(
    events,
    e => e.reason === 'Failed' && hasPhrase(e.message, 'failed to pull')
  )
  const evidence = failed?.message ?? c.message ?? c.reason
  const absent = hasAny(evidence, ['manifest unknown', 'not found'])
  return {
    id: absent ? 'imageNotFound' : 'imagePull',
    evidence: `container ${c.name} ${c.reason}, ${backOffs} pull back-offs: ${quote(evidence)}`
  }
}

function crashLoop({ pod, component, events, graces }: PodContext): Outcome {
  for (const c of pod.containers) {
    if (c.ready) continue
    const restarts = Number(c.restarts) || 0
    const oom = c.reason === 'OOMKilled' || c.lastTermination?.reason === 'OOMKilled'
    if (oom && restarts >= graces.oomKilledRestarts)
      return {
        id: hasPhrase(component, 'ingress-nginx') ? 'nginxOomKilled' : 'oomKilled',
        evidence: `container ${c.name} was OOMKilled (exit code ${c.lastTermination?.exitCode ?? c.exitCode ?? 137}), ${restarts} restarts`,
        vars: { container: c.name }
      }
    if (!waiting(c, 'CrashLoopBackOff') || restarts < graces.crashLoopRestarts) continue
    const backOff = latest(
      events,
      e =>
        e.reason === 'BackOff' &&
        hasPhrase(e.message, `back-off restarting failed container ${c.name}`)
    )
    const last = c.lastTermination
    const exit = last ? `; last exit code ${last.exitCode ?? '?'} (${last.reason ?? 'Error'})` : ''
    return {
      id: component === 'relayserver' ? 'relayCrashLoop' : 'crashLoop',
      evidence: `container ${c.name} restarted ${restarts} times${exit}: ${quote(backOff?.message ?? c.message ?? c.reason)}`,
      vars: { container: c.name }
    }
  }
  return undefined
}

const SECRET_MISSING = /secret "([^"]+)" not found/i
const KEY_MISSING = /couldn't find key \S+ in Secret [^/\s]+\/([^\s"]+)/i

function configError({ pod, events, now, start, graces }: PodContext): Outcome {
  const c = pod.containers.find(c =>
    waiting(c, 'CreateContainerConfigError', 'CreateContainerError', 'InvalidImageName')
  )
  if (!c || now - start < graces.configErrorMs) return undefined
  const failed = latest(events, e => e.reason === 'Failed' && hasPhrase(e.message, 'error'))
  const evidence = failed?.message ?? c.message ?? c.reason ?? ''
  const secret = SECRET_MISSING.exec(evidence)?.[1] ?? KEY_MISSING.exec(evidence)?.[1]
  const id: KnownProblemId =
    c.reason === 'InvalidImageName'
      ? 'invalidImageName'
      : secret
        ? 'secretMissing'
        : 'containerConfig'
  return {
    id,
    reason: c.reason,
    evidence: `container ${c.name} ${c.reason}: ${quote(evidence)}`,
    vars: secret ? { secret } : undefined
  }
}

function failedMount({ pod, events, now, start, graces }: PodContext): Outcome {
  if (pod.phase !== 'Pending' || now - start < graces.mountMs) return undefined
  const mount = latest(events, e => e.reason === 'FailedMount')
  if (!mount) return undefined
  const secret = SECRET_MISSING.exec(mount.message)?.[1]
  const id: KnownProblemId = hasPhrase(mount.message, 'amlarc-identity-certs')
    ? 'identityCerts'
    : secret
      ? 'secretMissing'
      : 'failedMount'
  return {
    id,
    reason: 'FailedMount',
    evidence: quote(mount.message),
    vars: secret ? { secret } : undefined
  }
}

/** The scheduler's reasons, mapped to fixes; a message can carry several. */
function scheduleCauses(message: string, component: string): KnownProblemId[] {
  const ids: KnownProblemId[] = []
  if (hasPhrase(message, 'anti-affinity'))
    ids.push(hasPhrase(component, 'azureml-fe') ? 'antiAffinity' : 'unschedulable')
  if (hasPhrase(message, 'insufficient')) ids.push('insufficientResources')
  if (hasAny(message, ['node affinity', 'node selector', 'affinity/selector']))
    ids.push('selectorMismatch')
  if (hasAny(message, ['untolerated taint', 'had taint', 'had taints']))
    ids.push('untoleratedTaint')
  if (hasPhrase(message, 'too many pods')) ids.push('tooManyPods')
  if (hasPhrase(message, 'were unschedulable')) ids.push('cordoned')
  const unique = [...new Set(ids)]
  return unique.length > 0 ? unique : ['unschedulable']
}

/** `{CriticalAddonsOnly: true}` → taint `CriticalAddonsOnly=true`, removal `CriticalAddonsOnly-`. */
function taintVars(message: string): Record<string, string> {
  const taints = [...message.matchAll(/taints?\s*\{([^}]*)\}/gi)].map(m => {
    const [key = '', value] = m[1]!.split(':').map(s => s.trim())
    return { key, shown: value ? `${key}=${value}` : key }
  })
  const unique = [...new Map(taints.map(t => [t.key, t])).values()]
  return {
    taint: unique.map(t => `\`${t.shown}\``).join(', ') || 'the taint named above',
    removal: unique.map(t => `${t.key}-`).join(' ') || '<key>-'
  }
}

const scaledAt = (e: EventFacts | undefined, now: number) => (e ? (time(e.lastSeen) ?? now) : -1)

function unschedulable(ctx: PodContext): Outcome {
  const { pod, component, events, now, start, graces } = ctx
  if (pod.node || pod.phase !== 'Pending') return undefined
  const cond = pod.scheduled?.status === 'False' ? pod.scheduled : undefined
  const event = latest(events, e => e.reason === 'FailedScheduling')
  if (cond?.reason !== 'Unschedulable' && !event) return undefined
  const message = cond?.message || event?.message || cond?.reason || 'Unschedulable'
  const triggered = latest(events, e => e.reason === 'TriggeredScaleUp')
  const refused = latest(events, e => e.reason === 'NotTriggerScaleUp')
  const triggeredAt = scaledAt(triggered, now)
  if (triggered && triggeredAt >= scaledAt(refused, now) && now - triggeredAt < graces.scaleUpMs)
    return {
      note: `cluster-autoscaler is adding a node for ${pod.name} (${component}); waiting: ${quote(triggered.message)}`
    }
  if (now - (time(cond?.lastTransitionTime) ?? start) < graces.unschedulableMs) return undefined
  const [id, ...more] = scheduleCauses(message, component)
  const nodes = id === 'antiAffinity' ? ` (${ctx.schedulableNodes} Ready schedulable nodes)` : ''
  const autoscaler = refused ? `; cluster-autoscaler: ${quote(refused.message)}` : ''
  return {
    id: id!,
    evidence: `${quote(message)}${nodes}${autoscaler}`,
    vars: taintVars(message),
    also: [...more, ...(refused ? (['scaleUpLimit'] as const) : [])]
  }
}

export const POD_RULES: readonly ((ctx: PodContext) => Outcome)[] = [
  imagePull,
  crashLoop,
  configError,
  failedMount,
  unschedulable
]
