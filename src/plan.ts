import type { ActionInputs } from './inputs.js'
import { throwIfAny } from './problems.js'
import type { Problem } from './problems.js'
import type { Runner } from './runner.js'
import { inputSecrets } from './secrets.js'
import { planRequest } from './settings/index.js'
import type { ExtensionRequest } from './settings/index.js'
import type { Cluster } from './cluster/index.js'
import { planAccess } from './cluster/access.js'
import type { AccessPlan } from './cluster/access.js'
import { KUBECONFIG_FIX, readKubeconfigInput } from './kubeconfig-input.js'
import type { KubeconfigSource } from './kubeconfig-input.js'
import type { Report } from './report/report.js'

/** What the Inputs phase hands on: the inputs, the request they make, the cluster to check. */
export interface RunPlan {
  inputs: ActionInputs
  /** The extension the inputs describe (apply and drift). */
  request?: ExtensionRequest
  /** How the cluster is to be reached; AKS through ARM is settled in Preflight, after sign-in. */
  access: AccessPlan
  /** The kubeconfig read and checked here, when the way is a kubeconfig; opened in Preflight. */
  kubeconfig?: KubeconfigSource
  /** The cluster, once reached in Preflight (modes/reach.ts), whatever the way. */
  cluster?: Cluster
}

/**
 * Reads the inputs, masks every secret among them (the kubeconfig's credentials included),
 * validates and plans the request, and checks the kubeconfig. Every problem found is thrown
 * together, before anything calls Azure.
 */
export async function planRun(runner: Runner, report: Report): Promise<RunPlan> {
  const { inputs, problems } = runner.readInputs()
  inputSecrets(inputs).forEach(runner.mask)
  report.begin(inputs)
  const access = planAccess({
    access: inputs.clusterAccess,
    kubeconfigGiven: inputs.kubeconfig !== undefined,
    clusterType: inputs.clusterType,
    waitForPods: inputs.waitForPods
  })
  const kubeconfig =
    access.way === 'kubeconfig' ? checkKubeconfig(inputs, runner, problems) : undefined
  // Only apply and drift plan settings; planRequest throws every problem, its own included.
  const compares = inputs.mode === 'apply' || inputs.mode === 'drift'
  if (!compares) throwIfAny(problems)
  const planned = compares ? planRequest(inputs, problems) : undefined
  planned?.notices.forEach(runner.notice)
  planned?.warnings.forEach(runner.warning)
  if (access.way === 'none' && access.notice) runner.notice(access.notice)
  return { inputs, access, request: planned?.request, kubeconfig }
}

/**
 * The kubeconfig read and checked without the Kubernetes client (most of the bundle: loading it
 * here would put it before sign-in's first request); its credentials are masked at once.
 */
function checkKubeconfig(
  inputs: ActionInputs,
  runner: Runner,
  problems: Problem[]
): KubeconfigSource | undefined {
  if (inputs.kubeconfig === undefined) return undefined
  const read = readKubeconfigInput(inputs.kubeconfig)
  read.secrets.forEach(runner.mask)
  for (const message of read.problems) {
    problems.push({
      input: 'kubeconfig',
      message: `cannot be used: ${message}.`,
      fix: KUBECONFIG_FIX
    })
  }
  return read.source
}
