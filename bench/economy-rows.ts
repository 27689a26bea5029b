/**
 * The bench table's ARM rows, beside what the az CLI sends for the same extension. Pure.
 *
 * The CLI's requests, from the reference (sections 3.2 and 3.5) and azure-cli-extensions'
 * src/k8s-extension (custom.py create/delete/show, partner_extensions/AzureMLKubernetes.py):
 * `create` on an Arc cluster GETs the cluster (for its location and node count), GETs the Relay
 * hybrid connection and POSTs listKeys (creating namespace, hybrid connection and rule with three
 * PUTs when absent), GETs the provider registration, GETs the cluster again (for the identity),
 * then PUTs the extension, every run, and follows the operation (polls and a final GET).
 */
import { median } from './proc.js'
import { ms } from './rows.js'
import {
  ECONOMY_MODES,
  RETRY_AFTER_S,
  type EconomyMode,
  type EconomyResult,
  type ModeRequests
} from './arm-economy.js'
import type { Measure, Row } from './table.js'

const CLI: Record<EconomyMode, string> = {
  apply:
    '`az k8s-extension create`: 6 reads, 4 writes (Relay namespace, hybrid connection, rule, extension), plus polls',
  'apply again':
    '`az k8s-extension create` again: 6 reads, 1 write (the PUT, every run), plus polls',
  verify: '`az k8s-extension show`: 1 read, 0 writes',
  drift: '(no CLI command compares)',
  delete: '`az k8s-extension delete`: 1 read, 1 write, plus polls'
}
const MEASURE: Record<EconomyMode, Measure> = {
  apply: 'ARM requests: `apply`, first install',
  'apply again': 'ARM requests: `apply` again, nothing to change',
  verify: 'ARM requests: `verify`',
  drift: 'ARM requests: `drift`',
  delete: 'ARM requests: `delete`'
}
/** Modes that must not write at all. */
const READ_ONLY = new Set<EconomyMode>(['apply again', 'verify', 'drift'])

function cell(runs: ModeRequests[]): string {
  const [reads, writes, polls] = [
    median(runs.map(r => r.reads)),
    median(runs.map(r => r.writes)),
    median(runs.map(r => r.polls))
  ]
  return `${reads} reads (${polls} operation polls), ${writes} write${writes === 1 ? '' : 's'}`
}

export function economyRows(e: EconomyResult): Row[] {
  const modes = ECONOMY_MODES.map((mode): Row => ({
    measure: MEASURE[mode],
    action: cell(e.modes[mode]),
    comparison: CLI[mode],
    goal: READ_ONLY.has(mode) ? 'no write' : '–',
    // Every run, not the median: one write where none belongs is a miss.
    met: READ_ONLY.has(mode) ? e.modes[mode].every(r => r.writes === 0) : undefined
  }))
  const shortest = e.retryGaps.length ? Math.min(...e.retryGaps) : NaN
  return [
    ...modes,
    {
      measure: 'ARM: shortest wait after `Retry-After: 1` on an operation poll',
      action: e.retryGaps.length ? `${ms(shortest)} (of ${e.retryGaps.length} waits)` : 'no poll',
      comparison: 'the SDK alone polls again at once after the write’s first poll',
      goal: `≥ ${RETRY_AFTER_S * 1000} ms`,
      met: e.retryGaps.length > 0 && shortest >= RETRY_AFTER_S * 1000
    }
  ]
}

export function economyNotes(e: EconomyResult): string[] {
  const writes = (mode: EconomyMode) => [...new Set(e.modes[mode].flatMap(r => r.written))]
  return [
    `- ARM series: a fresh sandbox (Arc cluster) each, running apply, apply again, verify, drift, delete in turn. Reads are GETs and list* POSTs (Relay keys); writes are every other request. First install writes: ${writes('apply').join(', ') || 'none'}; delete writes: ${writes('delete').join(', ') || 'none'}.`,
    `- The first two operation polls of each write mode answered InProgress with \`Retry-After: ${RETRY_AFTER_S}\`; waits after them: ${e.retryGaps.map(ms).join(', ') || 'none'}.`
  ]
}
