import type { Report } from './report.js'

/**
 * Every output of the contract, always set: a workflow's `if:` must never meet a missing output.
 * Pure.
 */
export function outputsOf(r: Report): Record<string, string> {
  return {
    'provisioning-state': r.provisioningState,
    'extension-id': r.extensionId,
    'extension-version': r.extensionVersion,
    changed: String(r.changed),
    'pods-ready': String(r.podsReady),
    components: JSON.stringify(r.components),
    drift: JSON.stringify(r.drift),
    drifted: String(r.drifted),
    report: JSON.stringify(reportJson(r))
  }
}

/** The `report` output: all of the above in one object, plus the problems. */
export function reportJson(r: Report): Record<string, unknown> {
  const t = r.target
  return {
    ...(t && {
      mode: t.mode,
      clusterName: t.clusterName,
      clusterType: t.clusterType,
      resourceGroup: t.resourceGroup,
      extensionName: t.extensionName
    }),
    succeeded: r.failure === undefined,
    failure: r.failure,
    provisioningState: r.provisioningState,
    extensionId: r.extensionId,
    extensionVersion: r.extensionVersion,
    changed: r.changed,
    changes: r.changes,
    podsReady: r.podsReady,
    components: r.components,
    drift: r.drift,
    drifted: r.drifted,
    problems: r.problems
  }
}
