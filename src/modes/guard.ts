import type { UpdatePlan, WorkloadCount } from '../settings/diff.js'

/** A disruptive update was refused; the message lists each change and what it would break. */
export class DisruptiveUpdateError extends Error {
  override name = 'DisruptiveUpdateError'
}

/** Refuses disruptive changes unless allowed. Pure. */
export function guardDisruption(
  plan: UpdatePlan,
  allowed: boolean,
  workloads?: WorkloadCount
): void {
  if (plan.disruptive.length === 0 || allowed) return
  const lines = plan.disruptive.map(d => {
    const { path, actual, desired } = d.difference
    return `- ${path}: ${actual ?? '(unset)'} → ${desired ?? '(unset)'} breaks ${d.breaks}`
  })
  const affected = workloads
    ? `The cluster runs ${workloads.trainingJobs} training job${workloads.trainingJobs === 1 ? '' : 's'} and ${workloads.onlineDeployments} online deployment${workloads.onlineDeployments === 1 ? '' : 's'} now.`
    : 'Running jobs and deployments were not counted: no kubeconfig was given, or the cluster was not reachable.'
  throw new DisruptiveUpdateError(
    `Refusing a disruptive update:\n${lines.join('\n')}\n${affected}\nSet allow-disruptive-update: true to apply it anyway.`
  )
}
