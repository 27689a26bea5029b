/**
 * What every run of the bundle must satisfy, whatever its inputs: it ends with exit code 0 or 1
 * and no stack trace; a failure names an input or follows a request ARM accepted; a validation
 * error comes before any write; every request addresses the resource the inputs name; no
 * workflow command comes from input text. Pure: a run in, the broken rules out.
 */
import type { ArmRequestRecord } from '../../sandbox/arm/request-log.js'
import { INJECTED } from './fuzz-inputs.js'

export interface FuzzRun {
  /** Exit code; null when the process was killed. */
  code: number | null
  /** stdout and stderr as the runner shows them, interleaved. */
  log: string
  /** The ARM requests of this run (its subscription's, from its start to its exit). */
  requests: ArmRequestRecord[]
  /** The `with:` values the run got (defaults included), as the runner passes them. */
  inputs: Record<string, string>
  /** Set when the run outlived its allowance and was killed. */
  hung?: boolean
}

const WRITES = new Set(['PUT', 'PATCH', 'DELETE', 'POST'])
/** A POST to a `list…` action (listKeys) reads: ARM's own RBAC calls it an action, not a write. */
export const isWrite = (r: ArmRequestRecord): boolean =>
  WRITES.has(r.method) && !(r.method === 'POST' && /\/list\w*$/i.test(r.path))

const FRAME = /^\s+at (?:async )?\S.*(?:\(.*:\d+:\d+\)|:\d+:\d+)$/m
const CRASH = /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|Unhandled\w*)\b|node:internal/

export function violations(run: FuzzRun, inputNames: readonly string[]): string[] {
  return [
    ...endProblems(run),
    ...validationProblems(run, inputNames),
    ...unnamedFailures(run, inputNames),
    ...refusedWrites(run),
    ...misaddressed(run),
    ...injected(run.log)
  ]
}

function endProblems(run: FuzzRun): string[] {
  const out: string[] = []
  if (run.hung) out.push('the run did not end in time and was killed')
  else if (run.code !== 0 && run.code !== 1) out.push(`exit code ${run.code}`)
  const frame = FRAME.exec(run.log)
  if (frame) out.push(`a stack trace: ${frame[0].trim()}`)
  const crash = CRASH.exec(run.log)
  if (crash) out.push(`an internal error in the log: ${lineOf(run.log, crash.index)}`)
  return out
}

const errorLines = (log: string) => log.split('\n').filter(l => l.startsWith('::error'))
const VALIDATION_END = /^::error::\d+ input problems?; nothing was changed/m

/** A validation failure: every annotation names an input, and nothing was written. */
function validationProblems(run: FuzzRun, inputNames: readonly string[]): string[] {
  if (!VALIDATION_END.test(run.log)) return []
  const out: string[] = []
  const annotations = errorLines(run.log).filter(l => !VALIDATION_END.test(l))
  if (annotations.length === 0) out.push('a validation failure without an annotation')
  for (const line of annotations) {
    const named = /^::error title=Input '([^']+)'::/.exec(line)?.[1]
    if (named === undefined || !inputNames.includes(named))
      out.push(`a validation error that names no input: ${line}`)
  }
  const writes = run.requests.filter(isWrite)
  if (writes.length > 0)
    out.push(`written after a validation error: ${writes.map(describe).join(', ')}`)
  return out
}

/** A failure that never got an answer from ARM must say which input to look at. */
function unnamedFailures(run: FuzzRun, inputNames: readonly string[]): string[] {
  if (run.code !== 1 || run.requests.some(r => r.status !== undefined && r.status < 300)) return []
  const names = (line: string) =>
    inputNames.some(n => new RegExp(`(^|[^\\w-])${n}([^\\w-]|$)`).test(line))
  return errorLines(run.log)
    .filter(l => !VALIDATION_END.test(l) && !names(l))
    .map(l => `a failure before ARM answered that names no input: ${l}`)
}

/** Every write is one ARM accepts: the sandbox checks bodies against ARM's OpenAPI schema. */
function refusedWrites(run: FuzzRun): string[] {
  return run.requests
    .filter(r => isWrite(r) && (r.status === undefined || r.status >= 400))
    .map(r => `a write ARM refused: ${describe(r)} → ${r.status ?? 'no answer'}`)
}

/** Every request is about the resource group, cluster and extension the inputs name. */
function misaddressed(run: FuzzRun): string[] {
  const named = {
    resourceGroups: run.inputs['resource-group']?.trim(),
    connectedClusters: run.inputs['cluster-name']?.trim(),
    managedClusters: run.inputs['cluster-name']?.trim(),
    extensions: run.inputs['extension-name']?.trim() || 'arcml-extension'
  }
  const out: string[] = []
  for (const r of run.requests) {
    if (r.query['api-version'] === undefined) out.push(`${describe(r)} has no api-version`)
    const clusterRp = /\/providers\/Microsoft\.(Kubernetes|ContainerService)(\/|$)/i.test(r.path)
    if (clusterRp && !/\/(connectedClusters|managedClusters)\/[^/]+/i.test(r.path))
      out.push(`${describe(r)} names no cluster`)
    for (const [segment, want] of Object.entries(named)) {
      const got = new RegExp(`/${segment}/([^/]+)`, 'i').exec(r.path)?.[1]
      if (got !== undefined && got.toLowerCase() !== want?.toLowerCase())
        out.push(`${describe(r)} addresses ${segment} '${got}', not '${want}'`)
    }
  }
  return out
}

/** A workflow command whose data is the marker was written by the input, not by the action. */
function injected(log: string): string[] {
  const legacy = new RegExp(`##\\[[^\\]]*\\]${INJECTED}`)
  return log.split(/\r\n|\r|\n/).flatMap(line => {
    const t = line.trimStart()
    if (t.startsWith('::')) {
      const end = t.indexOf('::', 2)
      return end > 0 && t.slice(end + 2).startsWith(INJECTED)
        ? [`a workflow command from input text: ${line}`]
        : []
    }
    return legacy.test(line) ? [`a legacy workflow command from input text: ${line}`] : []
  })
}

function describe(r: ArmRequestRecord): string {
  return `${r.method} ${r.path}`
}

function lineOf(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1
  const end = text.indexOf('\n', index)
  return text.slice(start, end < 0 ? undefined : end).slice(0, 300)
}
