import { appendFileSync } from 'node:fs'
import * as core from '@actions/core'
import type { ActionInputs } from '../inputs.js'
import type { Difference } from '../settings/diff.js'
import type { RunResult } from './outputs.js'

/** What the job summary shows about a run. Protected values never appear: differences carry none. */
export interface SummaryFacts {
  inputs: ActionInputs
  result?: RunResult
  changes?: Difference[]
  failure?: string
}

const cell = (v: string | undefined) => (v === undefined || v === '' ? '–' : v)

export function writeSummary(f: SummaryFacts): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return
  const { inputs, result } = f
  const mark = f.failure ? '❌' : '✅'
  core.summary.addHeading(`${mark} AzureML extension · ${inputs.mode}`, 2).addTable([
    [
      { data: 'Cluster', header: true },
      `${inputs.clusterName} (${inputs.clusterType}, ${inputs.resourceGroup})`
    ],
    [{ data: 'Extension', header: true }, inputs.extensionName],
    [{ data: 'Provisioning state', header: true }, cell(result?.provisioningState)],
    [{ data: 'Version', header: true }, cell(result?.extensionVersion)],
    [{ data: 'Changed', header: true }, result ? String(result.changed) : '–']
  ])
  if (f.changes?.length) {
    core.summary.addHeading('Changes sent', 3).addTable([
      [
        { data: 'Setting', header: true },
        { data: 'Was', header: true },
        { data: 'Now', header: true }
      ],
      ...f.changes.map(c => [c.path, cell(c.actual), cell(c.desired)])
    ])
  }
  if (result?.drift) driftTable(result.drift)
  if (f.failure) core.summary.addHeading('Why it failed', 3).addCodeBlock(f.failure)
  // Appended here rather than by summary.write(), which keeps the first file path it saw.
  const text = core.summary.stringify()
  core.summary.emptyBuffer()
  appendFileSync(process.env.GITHUB_STEP_SUMMARY, text)
}

function driftTable(drift: Difference[]): void {
  if (drift.length === 0) {
    core.summary
      .addHeading('Drift', 3)
      .addRaw('No drift: the live extension matches the inputs.', true)
    return
  }
  core.summary.addHeading(`Drift (${drift.length})`, 3).addTable([
    [
      { data: 'Setting', header: true },
      { data: 'Inputs', header: true },
      { data: 'Live', header: true }
    ],
    ...drift.map(d => [d.path, cell(d.desired), cell(d.actual)])
  ])
}
