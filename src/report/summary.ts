import type { ComponentState, ComponentStatus, PodStatus } from '../cluster/model.js'
import type { Difference } from '../settings/diff.js'
import { problemTitle } from './report.js'
import type { Report, Target } from './report.js'

/**
 * The job summary, as Markdown, from the one report: the verdict, the problems with their fixes
 * first, the extension, what changed, the drift, the components and their pods. Readable on a
 * phone (no table wider than five columns) and small at any scale: past a few hundred pods, pods
 * are summarised per component. Protected values never appear. Pure.
 */
export function summaryOf(r: Report): string {
  const t = r.target
  const parts = [`## ${r.failure ? '❌' : '✅'} AzureML extension · ${t?.mode ?? 'not started'}`]
  parts.push(verdictLine(r))
  if (r.problems.length > 0) parts.push(...problems(r))
  if (t) parts.push('### Extension', extension(r, t))
  if (r.changes.length > 0) {
    parts.push(`### Changes sent (${r.changes.length})`, differences(r.changes, 'Was', 'Now'))
  }
  if (r.driftChecked) parts.push(...drift(r.drift))
  if (r.components.length > 0) parts.push(...components(r.components))
  if (r.clusterVia === 'run-command') parts.push(RUN_COMMAND_LINE)
  if (r.clusterNote) parts.push(r.clusterNote)
  return parts.join('\n\n') + '\n'
}

const RUN_COMMAND_LINE =
  'The cluster was checked through AKS Run Command: `kubectl get` ran inside the cluster through ARM, not from the runner.'

function verdictLine(r: Report): string {
  if (r.failure) return `**${escape(r.failure)}**`
  const expected = r.components.filter(c => c.kind !== 'Pod')
  const ready = expected.filter(c => c.status === 'Ready' || c.status === 'Completed').length
  const pods = expected.length > 0 ? ` All ${ready} components are ready in azureml.` : ''
  const wrote = r.changed ? 'Azure was changed by this run.' : 'Nothing was written to Azure.'
  return `${wrote}${pods}`
}

function problems(r: Report): string[] {
  return [
    `### Problems (${r.problems.length})`,
    table(
      ['Where', 'What', 'Fix'],
      r.problems.map(p => [problemTitle(p), `${p.reason}: ${p.message}`, p.fix])
    )
  ]
}

function extension(r: Report, t: Target): string {
  const link = r.extensionId
    ? `[${t.extensionName}](${t.portal}/#@${t.tenantId}/resource${r.extensionId})`
    : t.extensionName
  return table(
    ['', ''],
    [
      ['Cluster', `${t.clusterName} (${t.clusterType}, ${t.resourceGroup})`],
      ['Extension', link],
      ['State', r.provisioningState],
      ['Version', r.extensionVersion],
      ['Changed by this run', r.changed ? 'yes' : 'no']
    ]
  )
}

function drift(list: Difference[]): string[] {
  if (list.length === 0) return ['### Drift', 'No drift: the live extension matches the inputs.']
  return [`### Drift (${list.length})`, differences(list, 'Live', 'Inputs')]
}

function differences(list: Difference[], was: string, now: string): string {
  return table(
    ['Setting', was, now],
    list.map(d => [d.path, d.actual ?? '', d.desired ?? ''])
  )
}

const MARK: Record<ComponentState, string> = {
  Ready: '✅',
  Completed: '✅',
  NotReady: '⏳',
  Failed: '❌',
  Missing: '❌',
  Unexpected: '⚠️'
}

/** Pods are listed one by one up to this many in all; past it, per component. */
const POD_ROWS = 300
/** Pods shown per component when summarised: the ones not ready first. */
const SUMMARISED_ROWS = 20

function components(list: ComponentStatus[]): string[] {
  const expected = list.filter(c => c.kind !== 'Pod')
  const unexpected = list.filter(c => c.kind === 'Pod')
  const rows = expected.map(c => [
    `${MARK[c.status]} ${c.status}`,
    c.name,
    c.kind,
    `${c.ready}/${c.desired}`
  ])
  if (unexpected.length > 0) {
    rows.push([
      `${MARK.Unexpected} Unexpected`,
      `${unexpected.length} pod(s) of no component`,
      '',
      ''
    ])
  }
  const total = list.reduce((n, c) => n + c.pods.length, 0)
  const all = [...expected, ...(unexpected.length > 0 ? [unexpectedGroup(unexpected)] : [])]
  return [
    '### Components',
    table(['Status', 'Component', 'Kind', 'Ready'], rows),
    ...all.filter(c => c.pods.length > 0).map(c => podDetails(c, total > POD_ROWS))
  ]
}

function unexpectedGroup(list: ComponentStatus[]): ComponentStatus {
  return {
    name: 'pods of no expected component',
    kind: 'Pod',
    status: 'Unexpected',
    ready: 0,
    desired: 0,
    pods: list.flatMap(c => c.pods)
  }
}

function podDetails(c: ComponentStatus, summarise: boolean): string {
  const notReady = c.pods.filter(p => !podIsReady(p))
  const shown = summarise
    ? [...notReady, ...c.pods.filter(podIsReady)].slice(0, SUMMARISED_ROWS)
    : c.pods
  const more =
    shown.length < c.pods.length
      ? `\n\n${c.pods.length - shown.length} more pods; ${notReady.length} of all ${c.pods.length} not ready.`
      : ''
  const rows = shown.map(p => [p.name, p.phase, p.ready, String(p.restarts), p.node ?? ''])
  return [
    `<details><summary>${escape(c.name)}: ${c.pods.length} pod${c.pods.length === 1 ? '' : 's'}</summary>`,
    '',
    table(['Pod', 'Status', 'Ready', 'Restarts', 'Node'], rows) + more,
    '',
    '</details>'
  ].join('\n')
}

function podIsReady(p: PodStatus): boolean {
  const [ready, total] = p.ready.split('/')
  return p.phase === 'Completed' || (p.phase === 'Running' && ready === total)
}

const escape = (v: string) =>
  v.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, '<br>')
const cell = (v: string) => (v === '' ? '–' : escape(v))

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[], f: (v: string) => string) => `| ${cells.map(f).join(' | ')} |`
  return [
    line(head, escape),
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map(r => line(r, cell))
  ].join('\n')
}
