import { Deadline, unlessCancelled } from './deadline.js'
import type { RunContext } from './modes/index.js'
import { planRun } from './plan.js'
import { recordFailure } from './report/failure.js'
import { publish } from './report/publish.js'
import { Report } from './report/report.js'
import { actionsRunner } from './runner.js'
import type { Runner } from './runner.js'

/**
 * One run of the action: inputs → sign-in → preflight → extension (read live, decide, converge)
 * → cluster (verify the pods) → report. Each phase is one call and one log group; the modes
 * differ inside the Extension and Cluster phases only. The report is published whatever
 * happened, so every output is always set.
 */
export async function run(
  runner: Runner = actionsRunner(),
  cancelled: AbortSignal = new AbortController().signal
): Promise<void> {
  const report = new Report()
  const phase = <T>(name: string, work: () => Promise<T>) =>
    runner.phase(name, () => unlessCancelled(work, cancelled, name))
  let ctx: RunContext | undefined
  let phases: typeof import('./phases.js') | undefined
  try {
    const plan = await phase('Inputs', () => planRun(runner, report))
    const { inputs } = plan
    // The Azure SDK is most of the bundle: a run stopped by its inputs never parses it.
    const { connectAzure, extensionRef, preflight, EXTENSION_STEP, checkCluster } = (phases =
      await import('./phases.js'))
    // The timeout bounds the whole run from here, sign-in included.
    const deadline = new Deadline(inputs.timeoutMs, cancelled)
    const arm = await phase('Sign-in', () => connectAzure(inputs, runner, deadline))
    ctx = {
      plan,
      arm,
      ref: extensionRef(inputs),
      deadline,
      log: runner,
      mask: runner.mask,
      seen: live => report.extension(live),
      sending: () => (report.writeSent = true)
    }
    const facts = await phase('Preflight', () => preflight(ctx!))
    const outcome = await phase('Extension', () => EXTENSION_STEP[inputs.mode](ctx!, facts))
    report.record(outcome)
    report.cluster(await phase('Cluster', () => checkCluster(ctx!, outcome)))
  } catch (err) {
    recordFailure(report, err)
    // Once Azure was reached, the cluster may hold the evidence of what failed.
    const [reached, loaded] = [ctx, phases]
    if (reached && loaded) {
      report.cluster(
        await phase('Cluster', () => loaded.clusterEvidence(reached, err)).catch(() => undefined)
      )
    }
  }
  await runner.phase('Report', async () => publish(report, runner))
}
