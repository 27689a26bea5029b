import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { readInputs } from './inputs.js'
import type { ActionInputs } from './inputs.js'
import type { Problem } from './problems.js'
import { ValidationError } from './problems.js'
import { inputSecrets, secretForms } from './secrets.js'
import { planRequest } from './settings/index.js'
import type { PlannedRequest } from './settings/index.js'
import { Deadline } from './deadline.js'
import { resolveCloud } from './azure/cloud.js'
import { signIn } from './azure/auth.js'
import { connectArm } from './azure/arm.js'
import type { Arm, ArmTuning } from './azure/arm.js'
import { applyExtension } from './modes/apply.js'
import { deleteExtension } from './modes/delete.js'
import type { KubeConfig } from './cluster/index.js'
import type { ClusterUsage } from './settings/diff.js'
import type { WorkloadCount } from './modes/guard.js'
import { OperationFailedError } from './azure/errors.js'
import { resultOf, writeOutputs } from './report/outputs.js'

/** Reads the inputs the way the runner hands them over. */
function runnerInputs(): ReturnType<typeof readInputs> {
  return readInputs({
    get: name => core.getInput(name),
    env: process.env,
    readFile: path => readFileSync(path, 'utf8')
  })
}

const mask = (secret: string) => secretForms(secret).forEach(s => core.setSecret(s))

/** Shows each problem as an error annotation naming the input, as the runner does. */
function reportProblems(err: ValidationError): void {
  for (const p of err.problems) {
    core.error(`${p.message} Fix: ${p.fix}`, { title: `Input '${p.input}'` })
  }
  const n = err.problems.length
  core.setFailed(
    `${n} input problem${n === 1 ? '' : 's'}; nothing was changed in Azure or on the cluster.`
  )
}

function plan(inputs: ActionInputs, problems: Problem[]): PlannedRequest | undefined {
  if (inputs.mode === 'apply' || inputs.mode === 'drift') return planRequest(inputs, problems)
  if (problems.length > 0) throw new ValidationError(problems)
  return undefined
}

/** The cluster the runner can reach, when a kubeconfig is given. */
interface Cluster {
  kc: KubeConfig
  usage: () => Promise<ClusterUsage & { workloads: WorkloadCount }>
}

/** The kubeconfig, read and masked before anything else; a bad one is an input problem. */
async function loadCluster(inputs: ActionInputs): Promise<Cluster | undefined> {
  if (inputs.kubeconfig === undefined) return undefined
  const cluster = await import('./cluster/index.js')
  try {
    const kc = cluster.loadKubeconfig(inputs.kubeconfig)!
    cluster.kubeconfigSecrets(kc).forEach(mask)
    return { kc, usage: () => cluster.readClusterUsage(kc) }
  } catch (err) {
    throw new ValidationError([
      {
        input: 'kubeconfig',
        message: `cannot be read: ${(err as Error).message}`,
        fix: 'Give kubeconfig text (from a secret) or the path of a kubeconfig file on the runner, or leave it empty to skip the cluster checks.'
      }
    ])
  }
}

/** Poll and retry timing; the sandbox and tests shorten it through the environment. */
function tuning(): ArmTuning {
  const ms = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined)
  return {
    pollIntervalMs: ms('AZUREML_ACTION_POLL_MS'),
    retryDelayMs: ms('AZUREML_ACTION_RETRY_MS')
  }
}

async function connect(inputs: ActionInputs): Promise<Arm> {
  const cloud = resolveCloud(inputs.environment, inputs)
  const credential = await signIn({
    tenantId: inputs.tenantId,
    clientId: inputs.clientId,
    cloud,
    customAuthority: inputs.authorityHost !== undefined,
    retryDelayMs: tuning().retryDelayMs
  })
  return connectArm(credential, inputs.subscriptionId, cloud, tuning())
}

async function runApply(
  cluster: Cluster | undefined,
  inputs: ActionInputs,
  planned: PlannedRequest,
  arm: Arm,
  deadline: Deadline
): Promise<void> {
  const result = await applyExtension({
    clusterUsage: cluster?.usage,
    inputs,
    request: planned.request,
    arm,
    deadline,
    log: core.info,
    mask
  })
  core.info(
    result.changed
      ? 'The extension was written and its operation succeeded.'
      : 'The extension already matches the inputs: nothing was written.'
  )
  writeOutputs(resultOf(result.live, result.changed))
}

async function runDelete(inputs: ActionInputs, arm: Arm, deadline: Deadline): Promise<void> {
  const result = await deleteExtension({ inputs, arm, deadline, log: core.info })
  core.info(
    result.changed
      ? 'The extension was deleted.'
      : 'The extension was already gone: nothing was written.'
  )
  writeOutputs({
    provisioningState: result.provisioningState,
    extensionId: result.before?.id,
    changed: result.changed
  })
}

export async function run(): Promise<void> {
  try {
    const { inputs, problems } = runnerInputs()
    inputSecrets(inputs).forEach(mask)
    const planned = plan(inputs, problems)
    planned?.notices.forEach(n => core.notice(n))
    planned?.warnings.forEach(w => core.warning(w))
    const cluster = await loadCluster(inputs)
    const deadline = new Deadline(inputs.timeoutMs)
    const arm = await connect(inputs)
    if (inputs.mode === 'apply') await runApply(cluster, inputs, planned!, arm, deadline)
    else if (inputs.mode === 'delete') await runDelete(inputs, arm, deadline)
    else throw new Error(`Mode '${inputs.mode}' is not built yet.`)
  } catch (err) {
    if (err instanceof ValidationError) return reportProblems(err)
    // A failed operation still tells the workflow where the extension stands.
    if (err instanceof OperationFailedError) writeOutputs(resultOf(err.live, true))
    core.setFailed(err instanceof Error ? err.message : String(err))
  }
}
