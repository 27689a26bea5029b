import { withFix } from '../problems.js'
import type { Runner } from '../runner.js'
import { outputsOf } from './outputs.js'
import { problemTitle } from './report.js'
import type { Report } from './report.js'
import { summaryOf } from './summary.js'

/** Writes the report once: an annotation per problem, every output, the job summary, the verdict. */
export function publish(report: Report, runner: Runner): void {
  for (const p of report.problems) runner.error(withFix(p.message, p.fix), problemTitle(p))
  runner.setOutputs(outputsOf(report))
  runner.appendSummary(summaryOf(report))
  if (report.failure) runner.fail(report.failure)
}
