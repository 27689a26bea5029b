/**
 * The fault suite's shared runner: one row is a fault, where it is armed, the inputs, and what the
 * run must end with. Every run is checked the same way: its outcome, its wall time against its
 * `timeout`, the live extension against the states that were asked for, and no secret shown.
 */
import { expectNoLeaks, visibleLog } from '../helpers/action.js'
import type { ActionRun } from '../helpers/action.js'
import { runIn, startWorld, worldInputs } from '../helpers/azure-run.js'
import type { AzureWorld } from '../helpers/azure-run.js'
import type { ArmRequestRecord } from '../../sandbox/arm/request-log.js'
import { matches } from '../../sandbox/faults.js'
import type { FaultMatch } from '../../sandbox/faults.js'

export type { AzureWorld }

/** Succeeds (after bounded retries), or fails with a message naming the cause. */
export type Expected = 'succeeds' | RegExp

/** Every run of the suite gets this `timeout`; none may come near it. */
export const TIMEOUT_S = 20
/** What a run that retries may take at most, far below the timeout (a loaded 2-core machine). */
export const PROMPT_MS = 10_000
/** How long after its timeout a run may take to stop and report (a loaded machine). */
export const MARGIN_MS = 1500
/** The bundle in a child process also starts Node and loads itself before its timeout starts. */
export const BUNDLE_MARGIN_MS = 3500

export const TRAINING = { scenario: 'training' }
/** Differs from TRAINING in one setting, which an update (PATCH) changes. */
export const TRAINING_NO_PROM = { scenario: 'training', config: 'installPromOp=false' }
export const EXTENSION = 'arcml-extension'

export interface FaultRow {
  /** What goes wrong. */
  fault: string
  /** Which step it hits. */
  where: string
  /** Brings the world to where the step is reached (an extension to update or delete). */
  before?: Record<string, string>
  /** Arms the fault on the world. */
  arm: (world: AzureWorld) => void | Promise<void>
  /** The `timeout` input in seconds (default TIMEOUT_S); the run must end within it. */
  timeoutS?: number
  inputs: Record<string, string>
  expected: Expected
  /** The fault outlasts the run (an outage): it is not expected to be spent. */
  persistent?: boolean
  /** More checks on the run and the world. */
  check?: (run: TimedRun, world: AzureWorld) => void
}

/** What the live-state check needs of a world: the stand-ins' faults and ARM's extensions. */
export interface LiveWorld {
  arm: AzureWorld['arm']
  oidc: Pick<AzureWorld['oidc'], 'faults'>
  entra: Pick<AzureWorld['entra'], 'faults'>
  backend?: Pick<AzureWorld['backend'], 'release'>
}

export interface TimedRun extends ActionRun {
  ms: number
}

/** Runs the action in this process and measures its wall time. */
export async function timedRun(
  world: AzureWorld,
  inputs: Record<string, string>,
  timeoutS = TIMEOUT_S
): Promise<TimedRun> {
  const started = Date.now()
  const run = await runIn(world, { ...worldInputs(world), timeout: `${timeoutS}s`, ...inputs })
  return { ...run, ms: Date.now() - started }
}

/**
 * The run ended as the row expects and showed no secret. It ended well within its timeout, or,
 * when the timeout is what ends it, within a small margin after it.
 */
export function expectOutcome(
  run: TimedRun,
  expected: Expected,
  timeoutS = TIMEOUT_S,
  { marginMs = MARGIN_MS, limitMs = PROMPT_MS } = {}
): void {
  expectNoLeaks(run)
  const limit = timeoutS < TIMEOUT_S ? timeoutS * 1000 + marginMs : limitMs
  expect(run.ms).toBeLessThan(limit)
  if (expected === 'succeeds') {
    expect({ errors: run.errors, failed: run.failed }).toEqual({ errors: [], failed: false })
    return
  }
  expect(run.failed).toBe(true)
  expect(run.errors.join('\n')).toMatch(expected)
}

/**
 * The live extension equals one of `states` exactly: a state is the inputs that asked for it
 * (`absent` for no extension). Checked with the action's own drift mode, fault-free, so a mix of
 * two requests' settings shows as drift against both.
 */
export async function expectLiveIsOneOf(
  world: LiveWorld,
  states: (Record<string, string> | 'absent')[],
  drift: (inputs: Record<string, string>) => Promise<ActionRun> = inputs =>
    runIn(world as AzureWorld, { ...worldInputs(world as AzureWorld), ...inputs })
): Promise<Record<string, string> | 'absent'> {
  world.arm.faults.clear()
  world.arm.provisioning.clear()
  world.arm.provisioning.release()
  world.backend?.release()
  world.oidc.faults.clear()
  world.entra.faults.clear()
  await world.arm.operations.settled()
  const live = world.arm.extensions.find(EXTENSION)
  if (!live) {
    expect(states).toContain('absent')
    return 'absent'
  }
  const drifts: string[] = []
  for (const state of states) {
    if (state === 'absent') continue
    const look = await drift({
      ...state,
      mode: 'drift',
      'fail-on-drift': 'false',
      'wait-for-pods': 'false'
    })
    expect(look.errors).toEqual([])
    // Settings, version and the rest; whether the last operation failed is the run's to report.
    const differences = (JSON.parse(look.outputs.drift!) as { path: string }[]).filter(
      d => d.path !== 'provisioningState'
    )
    if (differences.length === 0) return state
    drifts.push(`${JSON.stringify(state)}: ${JSON.stringify(differences)}`)
  }
  throw new Error(`The live extension is none of the requested states:\n${drifts.join('\n')}`)
}

/** A fresh world per row: the row's `before` applied, the fault armed, the run checked. */
export async function runRow(row: FaultRow): Promise<TimedRun> {
  const world = await startWorld()
  try {
    if (row.before) {
      const seeded = await runIn(world, { ...worldInputs(world), ...row.before })
      expect(seeded.errors).toEqual([])
    }
    await row.arm(world)
    const run = await timedRun(world, row.inputs, row.timeoutS)
    expectOutcome(run, row.expected, row.timeoutS)
    // Every armed fault fired: a row whose fault never met a request proves nothing.
    if (!row.persistent) expect(pendingFaults(world)).toBe(0)
    row.check?.(run, world)
    const asked = row.inputs.mode === 'delete' ? 'absent' : row.inputs
    await expectLiveIsOneOf(world, [row.before ?? 'absent', asked])
    return run
  } finally {
    await world.stop()
  }
}

export function pendingFaults(world: AzureWorld): number {
  return world.arm.faults.pending + world.oidc.faults.pending + world.entra.faults.pending
}

/**
 * After each 429 of the matching requests, the request that repeats it (by default the same
 * method and path; `again` when the client follows up differently) came no sooner than
 * Retry-After said.
 */
export function expectRetryAfterHonoured(
  requests: ArmRequestRecord[],
  match: FaultMatch,
  seconds: number,
  again?: FaultMatch
): void {
  const throttled = requests.filter(r => r.status === 429 && matches(match, r))
  expect(throttled.length).toBeGreaterThan(0)
  for (const r of throttled) {
    const repeats = again ?? { method: r.method, path: new RegExp(`^${escape(r.path)}$`) }
    const next = requests.slice(requests.indexOf(r) + 1).find(n => matches(repeats, n))
    expect(next).toBeDefined()
    // Timers may fire a millisecond early.
    expect(next!.at - r.at).toBeGreaterThanOrEqual(seconds * 1000 - 5)
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export { visibleLog }
