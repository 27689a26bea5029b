/**
 * One pod's walk through its lifecycle, one step per controller tick, with the kubelet and
 * scheduler events each step produces. Pure: placement and time are passed in.
 */
import type { PodFault } from './faults.js'
import type { Placement } from './scheduler.js'

export type Stage =
  | 'Pending'
  | 'Unschedulable'
  | 'ContainerCreating'
  | 'PullFailing'
  | 'Started'
  | 'Ready'
  | 'Crashed'
  | 'CrashBackOff'
  | 'Succeeded'
  | 'Failed'

export interface PodRuntime {
  name: string
  uid: string
  component: string
  /** The bare Helm hook pod: runs to completion instead of staying up. */
  hook: boolean
  containers: string[]
  images: string[]
  stage: Stage
  ticksInStage: number
  node?: string
  /** DaemonSet pods carry node affinity for exactly one node. */
  boundNode?: string
  restarts: number
  schedulingMessage?: string
  pullBackOff?: boolean
  startedAt?: string
  lastTermination?: { startedAt: string; finishedAt: string; exitCode: number }
  finishedAt?: string
  terminating?: boolean
  /** When it was marked for deletion (ms epoch): it goes once the grace period has passed. */
  terminatingAt?: number
}

export interface EventSpec {
  type: 'Normal' | 'Warning'
  reason: string
  message: string
  /** Reporting component: kubelet, default-scheduler, replicaset-controller, … */
  source: string
  fieldPath?: string
}

export interface StepContext {
  fault?: PodFault
  /** Hook pods: whether this run of the healthcheck fails. */
  hookFails: boolean
  place: () => Placement
  now: string
}

/** Events worth re-reporting (count bump) while a pod stays stuck, every this many ticks. */
const REPEAT_EVERY = 4
/** Ticks a crashed container waits under CrashLoopBackOff before the next restart. */
const BACKOFF_TICKS = 2

export function faultedContainer(rt: PodRuntime, fault: PodFault | undefined): number {
  if (!fault || !('container' in fault) || !fault.container) return 0
  return Math.max(0, rt.containers.indexOf(fault.container))
}

const pullMessage = (image: string) =>
  `Failed to pull image "${image}": failed to pull and unpack image "${image}": failed to resolve reference "${image}": failed to do request: Head "https://mcr.microsoft.com/v2/${image.replace(/^mcr\.microsoft\.com\//, '').replace(/:.*/, '')}/manifests/${image.replace(/.*:/, '')}": dial tcp 204.79.197.219:443: i/o timeout`

export function backOffMessage(rt: PodRuntime, container: string): string {
  return `Back-off restarting failed container ${container} in pod ${rt.name}_azureml(${rt.uid})`
}

function move(rt: PodRuntime, stage: Stage): void {
  rt.stage = stage
  rt.ticksInStage = 0
}

function containerEvents(rt: PodRuntime, skip?: number): EventSpec[] {
  return rt.containers.flatMap((c, i) =>
    i === skip
      ? []
      : [
          ev(
            'Normal',
            'Pulled',
            `Successfully pulled image "${rt.images[i]}" in 1.204s (1.204s including waiting). Image size: 48213770 bytes.`,
            c
          ),
          ev('Normal', 'Created', `Created container: ${c}`, c),
          ev('Normal', 'Started', `Started container ${c}`, c)
        ]
  )
}

function ev(
  type: EventSpec['type'],
  reason: string,
  message: string,
  container?: string
): EventSpec {
  return {
    type,
    reason,
    message,
    source: 'kubelet',
    fieldPath: container ? `spec.containers{${container}}` : undefined
  }
}

/** Advances one tick; returns the events to record (empty when nothing changed). */
export function step(rt: PodRuntime, ctx: StepContext): EventSpec[] {
  rt.ticksInStage++
  switch (rt.stage) {
    case 'Pending':
    case 'Unschedulable':
      return schedule(rt, ctx)
    case 'ContainerCreating':
      return startContainers(rt, ctx)
    case 'PullFailing':
      return retryPull(rt, ctx)
    case 'Started':
      return afterStart(rt, ctx)
    case 'Ready':
      return ctx.fault?.kind === 'CrashLoopBackOff' ? crash(rt, ctx) : []
    case 'Crashed':
    case 'CrashBackOff':
      return crashLoop(rt, ctx)
    default:
      return []
  }
}

function schedule(rt: PodRuntime, ctx: StepContext): EventSpec[] {
  if (rt.stage === 'Unschedulable' && rt.ticksInStage % REPEAT_EVERY !== 0) return []
  const placement = ctx.place()
  if ('message' in placement) {
    move(rt, 'Unschedulable')
    rt.schedulingMessage = placement.message
    return [
      {
        type: 'Warning',
        reason: 'FailedScheduling',
        message: placement.message,
        source: 'default-scheduler'
      }
    ]
  }
  rt.node = placement.node
  rt.schedulingMessage = undefined
  move(rt, 'ContainerCreating')
  const scheduled: EventSpec = {
    type: 'Normal',
    reason: 'Scheduled',
    message: `Successfully assigned azureml/${rt.name} to ${rt.node}`,
    source: 'default-scheduler'
  }
  return [
    scheduled,
    ...rt.containers.map((c, i) => ev('Normal', 'Pulling', `Pulling image "${rt.images[i]}"`, c))
  ]
}

function startContainers(rt: PodRuntime, ctx: StepContext): EventSpec[] {
  rt.startedAt ??= ctx.now
  if (ctx.fault?.kind === 'ImagePullBackOff') {
    const i = faultedContainer(rt, ctx.fault)
    const c = rt.containers[i]!
    move(rt, 'PullFailing')
    rt.pullBackOff = false
    return [
      ...containerEvents(rt, i),
      ev('Warning', 'Failed', pullMessage(rt.images[i]!), c),
      ev('Warning', 'Failed', 'Error: ErrImagePull', c)
    ]
  }
  move(rt, 'Started')
  return containerEvents(rt)
}

function retryPull(rt: PodRuntime, ctx: StepContext): EventSpec[] {
  const i = faultedContainer(rt, ctx.fault)
  const c = rt.containers[i]!
  if (ctx.fault?.kind !== 'ImagePullBackOff') {
    move(rt, 'Started')
    return [
      ev(
        'Normal',
        'Pulled',
        `Successfully pulled image "${rt.images[i]}" in 2.311s (2.311s including waiting). Image size: 48213770 bytes.`,
        c
      )
    ]
  }
  if (!rt.pullBackOff) {
    rt.pullBackOff = true
    return [
      ev('Normal', 'BackOff', `Back-off pulling image "${rt.images[i]}"`, c),
      ev('Warning', 'Failed', 'Error: ImagePullBackOff', c)
    ]
  }
  if (rt.ticksInStage % REPEAT_EVERY !== 0) return []
  return [
    ev('Normal', 'Pulling', `Pulling image "${rt.images[i]}"`, c),
    ev('Warning', 'Failed', pullMessage(rt.images[i]!), c),
    ev('Normal', 'BackOff', `Back-off pulling image "${rt.images[i]}"`, c)
  ]
}

function afterStart(rt: PodRuntime, ctx: StepContext): EventSpec[] {
  if (rt.hook) {
    rt.finishedAt = ctx.now
    move(rt, ctx.hookFails ? 'Failed' : 'Succeeded')
    return []
  }
  if (ctx.fault?.kind === 'CrashLoopBackOff') return crash(rt, ctx)
  move(rt, 'Ready')
  return []
}

function crash(rt: PodRuntime, ctx: StepContext): EventSpec[] {
  const exitCode = ctx.fault?.kind === 'CrashLoopBackOff' ? (ctx.fault.exitCode ?? 1) : 1
  rt.lastTermination = { startedAt: rt.startedAt ?? ctx.now, finishedAt: ctx.now, exitCode }
  move(rt, 'Crashed')
  return []
}

function crashLoop(rt: PodRuntime, ctx: StepContext): EventSpec[] {
  const c = rt.containers[faultedContainer(rt, ctx.fault)]!
  if (
    ctx.fault?.kind !== 'CrashLoopBackOff' ||
    (rt.stage === 'CrashBackOff' && rt.ticksInStage >= BACKOFF_TICKS)
  ) {
    // The kubelet restarts the container (the first restart comes without back-off).
    rt.restarts++
    rt.startedAt = ctx.now
    move(rt, 'Started')
    return [
      ev(
        'Normal',
        'Pulled',
        `Container image "${rt.images[rt.containers.indexOf(c)]}" already present on machine`,
        c
      ),
      ev('Normal', 'Created', `Created container: ${c}`, c),
      ev('Normal', 'Started', `Started container ${c}`, c)
    ]
  }
  if (rt.stage === 'Crashed' && rt.restarts === 0) {
    rt.restarts++
    rt.startedAt = ctx.now
    move(rt, 'Started')
    return [ev('Normal', 'Started', `Started container ${c}`, c)]
  }
  if (rt.stage === 'Crashed') {
    move(rt, 'CrashBackOff')
    return [ev('Warning', 'BackOff', backOffMessage(rt, c), c)]
  }
  return []
}

/** The back-off the kubelet reports after `restarts` restarts: 10s doubling to 5m. */
export function backOffDelay(restarts: number): string {
  const seconds = Math.min(10 * 2 ** Math.max(0, restarts - 1), 300)
  return seconds >= 300
    ? '5m0s'
    : seconds >= 60
      ? `${Math.floor(seconds / 60)}m${seconds % 60}s`
      : `${seconds}s`
}
