import type { ActionInputs } from './inputs.js'
import { throwIfAny } from './problems.js'
import type { Problem } from './problems.js'
import type { Runner } from './runner.js'
import { inputSecrets } from './secrets.js'
import { planRequest } from './settings/index.js'
import type { ExtensionRequest } from './settings/index.js'
import type { Cluster } from './cluster/index.js'
import type { Report } from './report/report.js'

/** What the Inputs phase hands on: the inputs, the request they make, the cluster to check. */
export interface RunPlan {
  inputs: ActionInputs
  /** The extension the inputs describe (apply and drift). */
  request?: ExtensionRequest
  /** The cluster, when a kubeconfig is given. */
  cluster?: Cluster
}

/**
 * Reads the inputs, masks every secret among them, validates and plans the request, and opens the
 * kubeconfig. Every problem found is thrown together, before anything calls Azure.
 */
export async function planRun(runner: Runner, report: Report): Promise<RunPlan> {
  const { inputs, problems } = runner.readInputs()
  inputSecrets(inputs).forEach(runner.mask)
  report.begin(inputs)
  const cluster = await openCluster(inputs, runner, problems)
  if (inputs.mode !== 'apply' && inputs.mode !== 'drift') {
    throwIfAny(problems)
    return { inputs, cluster }
  }
  const planned = planRequest(inputs, problems)
  planned.notices.forEach(runner.notice)
  planned.warnings.forEach(runner.warning)
  return { inputs, request: planned.request, cluster }
}

/** The cluster the kubeconfig names; a kubeconfig that cannot be used is an input problem. */
async function openCluster(
  inputs: ActionInputs,
  runner: Runner,
  problems: Problem[]
): Promise<Cluster | undefined> {
  if (inputs.kubeconfig === undefined || inputs.clusterAccess === 'none') return undefined
  const cluster = await import('./cluster/index.js')
  try {
    return cluster.openCluster(inputs.kubeconfig, runner.mask, runner.debug)
  } catch (err) {
    problems.push({
      input: 'kubeconfig',
      message: `cannot be used: ${(err as Error).message}.`,
      fix: 'Give kubeconfig text (from a secret) or the path of a kubeconfig file on the runner, or leave it empty to skip the cluster checks.'
    })
    return undefined
  }
}
