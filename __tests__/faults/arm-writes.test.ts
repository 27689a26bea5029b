/** ARM faults on writes, their operations and the reads after them: each heals, nothing is lost. */
import { WRITE_STEPS } from './arm-steps.js'
import { armRows } from './arm-table.js'
import { runRow } from './fault-run.js'

test.each(armRows(WRITE_STEPS))('$fault on the $where: $expected', row => runRow(row))
