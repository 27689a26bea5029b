/** ARM faults on each step: 429 with Retry-After, a 5xx, a dropped connection. Each heals. */
import type { ArmStep } from './arm-steps.js'
import { expectRetryAfterHonoured } from './fault-run.js'
import type { FaultRow } from './fault-run.js'

const RETRY_AFTER_S = 1

/** 500 and 503 take turns over the steps: both are met, and every step meets a 5xx. */
export function armRows(steps: ArmStep[]): FaultRow[] {
  return steps.flatMap(({ step, match, inputs, before, again }, i) => {
    const status = i % 2 === 0 ? 503 : 500
    const row = {
      where: step,
      inputs,
      ...(before ? { before } : {}),
      expected: 'succeeds' as const
    }
    return [
      {
        ...row,
        fault: `429 Retry-After: ${RETRY_AFTER_S}`,
        arm: w => w.arm.faults.throttle(match, RETRY_AFTER_S),
        check: (_run, w) => expectRetryAfterHonoured(w.arm.requests, match, RETRY_AFTER_S, again)
      },
      { ...row, fault: String(status), arm: w => w.arm.faults.fail(status, match) },
      { ...row, fault: 'dropped connection', arm: w => w.arm.faults.drop(match) }
    ] satisfies FaultRow[]
  })
}
