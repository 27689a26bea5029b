import * as core from '@actions/core'
import type { ActionInputs } from './inputs.js'
import type { Problem } from './problems.js'
import { ValidationError } from './problems.js'
import { planRequest } from './settings/index.js'
import type { PlannedRequest } from './settings/index.js'
import { Deadline } from './deadline.js'
import type { Arm } from './azure/arm.js'
import { connectAzure } from './azure/connect.js'
import { inputSecrets } from './secrets.js'
import { mask, reportProblems, runnerInputs } from './runner.js'
import { applyExtension } from './modes/apply.js'
import { deleteExtension } from './modes/delete.js'
import { detectDrift } from './modes/drift.js'
import { verifyExtension } from './modes/verify.js'
import type { ClusterUsage } from './settings/diff.js'
import { OperationFailedError } from './azure/errors.js'
import { resultOf, writeOutputs } from './report/outputs.js'
import type { RunResult } from './report/outputs.js'
import { writeSummary } from './report/summary.js'
import type { Difference } from './settings/diff.js'

function plan(inputs: ActionInputs, problems: Problem[]): PlannedRequest | undefined {
  if (inputs.mode === 'apply' || inputs.mode === 'drift') return planRequest(inputs, problems)
  if (problems.length > 0) throw new ValidationError(problems)
  return undefined
}

/**
 * The kubeconfig, read and masked before anything else (a bad one is an input problem); returns
 * how to read the cluster's usage, or undefined when no kubeconfig is given.
 */
async function loadCluster(
  inputs: ActionInputs
): Promise<(() => Promise<ClusterUsage>) | undefined> {
  if (inputs.kubeconfig === undefined) return undefined
  const cluster = await import('./cluster/index.js')
  try {
    const kc = cluster.loadKubeconfig(inputs.kubeconfig)!
    cluster.kubeconfigSecrets(kc).forEach(mask)
    return () => cluster.readClusterUsage(kc)
  } catch (err) {
    throw new ValidationError([
      {
        input: 'kubeconfig',
        message: `cannot be used: ${(err as Error).message}.`,
        fix: 'Give kubeconfig text (from a secret) or the path of a kubeconfig file on the runner, or leave it empty to skip the cluster checks.'
      }
    ])
  }
}

/** What a mode found out: its outputs, and for the summary the changes it sent. */
interface ModeResult {
  result: RunResult
  changes?: Difference[]
  /** Set when the mode ran to the end but the step must still fail (drift found). */
  failure?: string
}

async function runApply(
  clusterUsage: (() => Promise<ClusterUsage>) | undefined,
  inputs: ActionInputs,
  planned: PlannedRequest,
  arm: Arm,
  deadline: Deadline
): Promise<ModeResult> {
  const ctx = {
    clusterUsage,
    inputs,
    request: planned.request,
    arm,
    deadline,
    log: core.info,
    mask
  }
  const applied = await applyExtension(ctx)
  core.info(
    applied.changed
      ? 'The extension was written and its operation succeeded.'
      : 'The extension already matches the inputs: nothing was written.'
  )
  return { result: resultOf(applied.live, applied.changed), changes: applied.plan?.changes }
}

async function runDelete(inputs: ActionInputs, arm: Arm, deadline: Deadline): Promise<ModeResult> {
  const deleted = await deleteExtension({ inputs, arm, deadline, log: core.info })
  core.info(
    deleted.changed
      ? 'The extension was deleted.'
      : 'The extension was already gone: nothing was written.'
  )
  const { provisioningState, changed, before } = deleted
  return { result: { provisioningState, extensionId: before?.id, changed } }
}

async function runDrift(
  inputs: ActionInputs,
  planned: PlannedRequest,
  arm: Arm,
  deadline: Deadline
): Promise<ModeResult> {
  const { live, drift } = await detectDrift({
    inputs,
    request: planned.request,
    arm,
    deadline,
    log: core.info
  })
  drift.forEach(d =>
    core.info(`Drift: ${d.path}: inputs ${d.desired ?? '(unset)'}, live ${d.actual ?? '(unset)'}`)
  )
  return { result: { ...resultOf(live, false), drift }, failure: driftFailure(inputs, drift) }
}

function driftFailure(inputs: ActionInputs, drift: Difference[]): string | undefined {
  if (drift.length === 0 || !inputs.failOnDrift) return undefined
  return `${drift.length} difference${drift.length === 1 ? '' : 's'} between the inputs and the live extension (fail-on-drift is true).`
}

async function runMode(
  inputs: ActionInputs,
  planned: PlannedRequest | undefined
): Promise<ModeResult> {
  const cluster = await loadCluster(inputs)
  if (inputs.waitForPods && (inputs.mode === 'apply' || inputs.mode === 'verify')) {
    // Said plainly rather than implied by an empty pods-ready output.
    core.notice(
      'The pod verification in azureml is not built yet: this run checks the extension in ARM only.'
    )
  }
  const deadline = new Deadline(inputs.timeoutMs)
  const arm = await connectAzure(inputs)
  if (inputs.mode === 'apply') return runApply(cluster, inputs, planned!, arm, deadline)
  if (inputs.mode === 'delete') return runDelete(inputs, arm, deadline)
  if (inputs.mode === 'drift') return runDrift(inputs, planned!, arm, deadline)
  const live = await verifyExtension({ inputs, arm, deadline, log: core.info })
  return { result: resultOf(live, false) }
}

export async function run(): Promise<void> {
  const { inputs, problems } = runnerInputs()
  inputSecrets(inputs).forEach(mask)
  try {
    const planned = plan(inputs, problems)
    planned?.notices.forEach(n => core.notice(n))
    planned?.warnings.forEach(w => core.warning(w))
    const { result, changes, failure } = await runMode(inputs, planned)
    writeOutputs(result)
    if (failure) core.setFailed(failure)
    writeSummary({ inputs, result, changes, failure })
  } catch (err) {
    if (err instanceof ValidationError) return reportProblems(err)
    const message = err instanceof Error ? err.message : String(err)
    // A failed operation still tells the workflow where the extension stands.
    const wrote = inputs.mode === 'apply' || inputs.mode === 'delete'
    const result = err instanceof OperationFailedError ? resultOf(err.live, wrote) : undefined
    if (result) writeOutputs(result)
    core.setFailed(message)
    writeSummary({ inputs, result, failure: message })
  }
}
