import type { ActionInputs } from '../inputs.js'
import type { Deadline } from '../deadline.js'
import type { ExtensionRequest } from '../settings/index.js'
import { planUpdate } from '../settings/diff.js'
import type { Difference } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'
import type { Arm } from '../azure/arm.js'
import { PreflightError, readCluster } from '../azure/cluster.js'
import { extensionRef, isSucceeded, waitUntilIdle } from '../azure/extension.js'

export interface DriftContext {
  inputs: ActionInputs
  request: ExtensionRequest
  arm: Arm
  deadline: Deadline
  log: (line: string) => void
}

export interface DriftResult {
  live: LiveExtension
  /** Every difference between the inputs and the live extension; protected values never shown. */
  drift: Difference[]
}

/** Compares the inputs with the live extension without writing anything. */
export async function detectDrift(ctx: DriftContext): Promise<DriftResult> {
  const { inputs, arm, deadline } = ctx
  const ref = extensionRef(inputs)
  const cluster = await readCluster(arm, ref.cluster)
  const live = await waitUntilIdle(arm, ref, deadline, l =>
    ctx.log(`The extension is ${l.provisioningState}; waiting before comparing.`)
  )
  if (!live) {
    throw new PreflightError(
      `Extension ${ref.name} does not exist on ${cluster.name}: everything has drifted. Run mode: apply to create it.`
    )
  }
  const plan = planUpdate(ctx.request, cluster, live)
  const drift = [...plan.changes, ...plan.leftovers]
  if (!isSucceeded(live.provisioningState)) {
    drift.push({ path: 'provisioningState', desired: 'Succeeded', actual: live.provisioningState })
  }
  return { live, drift }
}
