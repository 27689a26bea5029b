import { connectAzure } from './azure/connect.js'
import { extensionRef } from './azure/extension.js'
import { Deadline } from './deadline.js'
import { EXTENSION_STEP, preflight } from './modes/index.js'
import { planRun } from './plan.js'
import { recordFailure } from './report/failure.js'
import { publish } from './report/publish.js'
import { Report } from './report/report.js'
import { actionsRunner } from './runner.js'
import type { Runner } from './runner.js'
import type { LiveExtension } from './settings/live.js'

/**
 * One run of the action: inputs → sign-in → preflight → extension (read live, decide, converge)
 * → report. Each phase is one call and one log group; the modes differ in the Extension phase only.
 * The report is published whatever happened, so every output is always set.
 */
export async function run(runner: Runner = actionsRunner()): Promise<void> {
  const report = new Report()
  try {
    const plan = await runner.phase('Inputs', () => planRun(runner, report))
    const { inputs } = plan
    const deadline = new Deadline(inputs.timeoutMs)
    const arm = await runner.phase('Sign-in', () => connectAzure(inputs, runner))
    const ctx = {
      plan,
      arm,
      ref: extensionRef(inputs),
      deadline,
      log: runner,
      mask: runner.mask,
      seen: (live?: LiveExtension) => report.extension(live)
    }
    const facts = await runner.phase('Preflight', () => preflight(ctx))
    report.record(await runner.phase('Extension', () => EXTENSION_STEP[inputs.mode](ctx, facts)))
  } catch (err) {
    recordFailure(report, err)
  }
  await runner.phase('Report', async () => publish(report, runner))
}
