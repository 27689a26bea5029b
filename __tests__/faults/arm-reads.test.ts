/** ARM faults on the preflight and the reads before any write: each is retried, the run succeeds. */
import { READ_STEPS } from './arm-steps.js'
import { armRows } from './arm-table.js'
import { runRow } from './fault-run.js'

test.each(armRows(READ_STEPS))('$fault on the $where: $expected', row => runRow(row))
