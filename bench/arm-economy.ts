/**
 * ARM economy for `npm run bench`: the requests the bundled action sends to ARM in each mode, on a
 * fresh sandbox per series (an Arc cluster, so the Relay is created too), reads and writes apart,
 * and whether it waits as long as a `Retry-After` on an operation's status asks.
 *
 * The sandbox's operations answer without `Retry-After`, as the reference advises for tests; here
 * the first polls of each write mode answer `InProgress` with `Retry-After: 1`, and the gap to the
 * next poll of the same operation is measured from the sandbox's own arrival times.
 */
import type { ArmRequestRecord } from '../sandbox/arm/request-log.js'
import { startSandbox, type Sandbox } from '../sandbox/index.js'
import { expectExit, runAction } from './proc.js'

export type EconomyMode = 'apply' | 'apply again' | 'verify' | 'drift' | 'delete'
export const ECONOMY_MODES: EconomyMode[] = ['apply', 'apply again', 'verify', 'drift', 'delete']

const APPLY = {
  scenario: 'training-and-inference',
  'inference-router-service-type': 'NodePort',
  'allow-insecure-connections': 'true'
}
const INPUTS: Record<EconomyMode, Record<string, string>> = {
  apply: APPLY,
  'apply again': APPLY,
  verify: { mode: 'verify' },
  drift: { ...APPLY, mode: 'drift' },
  delete: { mode: 'delete' }
}
/** Seconds the injected `Retry-After` asks for, and how many polls per write mode carry it. */
export const RETRY_AFTER_S = 1
const RETRY_AFTER_POLLS = 2
const POLL = /\/(operations|operationresults)\//i

export interface ModeRequests {
  reads: number
  writes: number
  /** Operation status GETs (counted among the reads). */
  polls: number
  /** `METHOD resource-type` of each write, for the notes. */
  written: string[]
}

export interface EconomyResult {
  /** Per mode, one entry per series. */
  modes: Record<EconomyMode, ModeRequests[]>
  /** Each wait after a `Retry-After` answer, in ms. */
  retryGaps: number[]
}

/** A POST that only reads: the list* actions (Relay keys, AKS credentials). */
const readingPost = (path: string): boolean => /\/list[A-Za-z]*$/.test(path)

/** Reads and writes among ARM requests. Pure. */
export function countRequests(requests: ArmRequestRecord[]): ModeRequests {
  const reads = requests.filter(
    r => r.method === 'GET' || r.method === 'HEAD' || (r.method === 'POST' && readingPost(r.path))
  )
  const writes = requests.filter(r => !reads.includes(r))
  return {
    reads: reads.length,
    writes: writes.length,
    polls: reads.filter(r => r.method === 'GET' && POLL.test(r.path)).length,
    written: writes.map(r => `${r.method} ${r.path.split('/').at(-2)}`)
  }
}

/**
 * The wait before the next poll of the same operation, after each of the `answered` polls (those
 * that carried `Retry-After`). Pure.
 */
export function gapsAfter(answered: ArmRequestRecord[], all: ArmRequestRecord[]): number[] {
  return answered.flatMap(poll => {
    const next = all.slice(all.indexOf(poll) + 1).find(r => r.path === poll.path)
    return next ? [next.at - poll.at] : []
  })
}

/** Arms `Retry-After` on the next operation polls; gives the polls that will carry it. */
function armRetryAfter(sandbox: Sandbox): () => ArmRequestRecord[] {
  const from = sandbox.arm.requests.length
  sandbox.arm.faults.add(
    { method: 'GET', path: POLL, times: RETRY_AFTER_POLLS },
    { kind: 'status', status: 200, retryAfter: RETRY_AFTER_S, body: { status: 'InProgress' } }
  )
  return () =>
    sandbox.arm.requests
      .slice(from)
      .filter(r => r.method === 'GET' && POLL.test(r.path))
      .slice(0, RETRY_AFTER_POLLS)
}

async function series(result: EconomyResult, progress: (line: string) => void): Promise<void> {
  const sandbox = await startSandbox({ kube: { podStepMs: 100, terminationGraceMs: 1500 } })
  try {
    for (const mode of ECONOMY_MODES) {
      const from = sandbox.arm.requests.length
      const writes = mode === 'apply' || mode === 'delete'
      const answered = writes ? armRetryAfter(sandbox) : undefined
      const run = await runAction(sandbox, INPUTS[mode])
      expectExit(`the action (${mode})`, run)
      const sent = sandbox.arm.requests.slice(from)
      const counted = countRequests(sent)
      result.modes[mode].push(counted)
      if (answered) result.retryGaps.push(...gapsAfter(answered(), sent))
      progress(
        `ARM ${mode}: ${counted.reads} reads (${counted.polls} polls), ${counted.writes} writes`
      )
      sandbox.arm.faults.clear()
    }
  } finally {
    await sandbox.stop()
  }
}

export async function economySeries(
  runs: number,
  progress: (line: string) => void
): Promise<EconomyResult> {
  const modes = Object.fromEntries(ECONOMY_MODES.map(m => [m, []])) as unknown as Record<
    EconomyMode,
    ModeRequests[]
  >
  const result: EconomyResult = { modes, retryGaps: [] }
  for (let i = 0; i < runs; i++) await series(result, progress)
  return result
}
