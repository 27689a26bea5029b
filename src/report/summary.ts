import type { Difference } from '../settings/diff.js'
import { problemTitle } from './report.js'
import type { Report } from './report.js'

/** The job summary, as Markdown, from the one report. Protected values never appear. Pure. */
export function summaryOf(r: Report): string {
  const t = r.target
  const mark = r.failure ? '❌' : '✅'
  const parts = [
    `## ${mark} AzureML extension · ${t?.mode ?? 'not started'}`,
    table(
      ['What', 'Value'],
      [
        ['**Cluster**', t ? `${t.clusterName} (${t.clusterType}, ${t.resourceGroup})` : ''],
        ['**Extension**', t?.extensionName ?? ''],
        ['**Provisioning state**', r.provisioningState],
        ['**Version**', r.extensionVersion],
        ['**Changed**', String(r.changed)],
        ['**Pods ready**', String(r.podsReady)]
      ]
    )
  ]
  if (r.problems.length > 0) {
    parts.push(
      `### Problems (${r.problems.length})`,
      table(
        ['Where', 'What', 'Fix'],
        r.problems.map(p => [problemTitle(p), `${p.reason}: ${p.message}`, p.fix])
      )
    )
  }
  if (r.failure) parts.push('### Why it failed', fenced(r.failure))
  if (r.changes.length > 0) parts.push('### Changes sent', differences(r.changes, 'Was', 'Now'))
  if (r.driftChecked) parts.push(...driftSection(r.drift))
  if (r.components.length > 0) {
    parts.push(
      '### Components',
      table(
        ['Component', 'Kind', 'Status', 'Ready'],
        r.components.map(c => [c.name, c.kind, c.status, `${c.ready}/${c.desired}`])
      )
    )
  }
  if (r.clusterNote) parts.push(r.clusterNote)
  return parts.join('\n\n') + '\n'
}

function driftSection(drift: Difference[]): string[] {
  if (drift.length === 0) return ['### Drift', 'No drift: the live extension matches the inputs.']
  return [`### Drift (${drift.length})`, differences(drift, 'Live', 'Inputs')]
}

function differences(list: Difference[], was: string, now: string): string {
  return table(
    ['Setting', was, now],
    list.map(d => [d.path, d.actual ?? '', d.desired ?? ''])
  )
}

const cell = (v: string) => (v === '' ? '–' : v.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>'))

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`
  return [line(head), `|${head.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n')
}

function fenced(text: string): string {
  return '```text\n' + text.replace(/```/g, "'''") + '\n```'
}
