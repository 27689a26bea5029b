import type { ActionInputs } from '../inputs.js'
import { connectArm } from './arm.js'
import type { Arm, ArmTuning } from './arm.js'
import { signIn } from './auth.js'
import { resolveCloud } from './cloud.js'

/** Poll and retry timing; the sandbox and tests shorten it through the environment. */
function tuningFromEnv(): ArmTuning {
  const ms = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined)
  return {
    pollIntervalMs: ms('AZUREML_ACTION_POLL_MS'),
    retryDelayMs: ms('AZUREML_ACTION_RETRY_MS')
  }
}

/** Signs in with the GitHub OIDC token and returns ARM for the inputs' subscription and cloud. */
export async function connectAzure(inputs: ActionInputs): Promise<Arm> {
  const cloud = resolveCloud(inputs.environment, inputs)
  const tuning = tuningFromEnv()
  const credential = await signIn({
    tenantId: inputs.tenantId,
    clientId: inputs.clientId,
    cloud,
    customAuthority: inputs.authorityHost !== undefined,
    retryDelayMs: tuning.retryDelayMs
  })
  return connectArm(credential, inputs.subscriptionId, cloud, tuning)
}
