import * as core from '@actions/core'
import type { Difference } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'

/** What a run found out, for the step outputs. */
export interface RunResult {
  provisioningState: string
  extensionId?: string
  extensionVersion?: string
  changed: boolean
  /** Set by drift mode: every difference found. */
  drift?: Difference[]
}

export function resultOf(live: LiveExtension | undefined, changed: boolean): RunResult {
  return {
    provisioningState: live?.provisioningState ?? 'NotFound',
    extensionId: live?.id,
    extensionVersion: live?.currentVersion,
    changed
  }
}

export function writeOutputs(r: RunResult): void {
  core.setOutput('provisioning-state', r.provisioningState)
  core.setOutput('extension-id', r.extensionId ?? '')
  core.setOutput('extension-version', r.extensionVersion ?? '')
  core.setOutput('changed', String(r.changed))
  if (r.drift) {
    core.setOutput('drift', JSON.stringify(r.drift))
    core.setOutput('drifted', String(r.drift.length > 0))
  }
}
