import type { Deadline } from '../deadline.js'
import type { ActionInputs } from '../inputs.js'
import type { Runner } from '../runner.js'
import { connectArm } from './arm.js'
import type { Arm } from './arm.js'
import { signIn } from './auth.js'
import { resolveCloud } from './cloud.js'

/** Signs in with the GitHub OIDC token and returns ARM for the inputs' subscription and cloud. */
export async function connectAzure(
  inputs: ActionInputs,
  runner: Runner,
  deadline?: Deadline
): Promise<Arm> {
  const cloud = resolveCloud(inputs.environment, inputs)
  const credential = await signIn({
    runner,
    tenantId: inputs.tenantId,
    clientId: inputs.clientId,
    cloud,
    customAuthority: inputs.authorityHost !== undefined,
    retryDelayMs: inputs.tuning.retryDelayMs,
    deadline
  })
  runner.info(`Signed in to ${cloud.armEndpoint} as client ${inputs.clientId}.`)
  return connectArm(credential, inputs.subscriptionId, cloud, {
    ...inputs.tuning,
    debug: runner.debug
  })
}
