/**
 * The extension's operation misbehaving: it fails, it outlasts the timeout, another operation holds
 * the extension (409), or ARM refuses the write (another 409). Each ends as a user needs it to.
 */
import { amlExtension, ARC, armClient, FAST } from '../sandbox-arm-helpers.js'
import type { FaultRow } from './fault-run.js'
import { EXTENSION, runRow, TRAINING, TRAINING_NO_PROM, visibleLog } from './fault-run.js'

const EXT = new RegExp(`/extensions/${EXTENSION}$`)
const puts = (w: Parameters<NonNullable<FaultRow['check']>>[1]) =>
  w.arm.requests.filter(r => r.method === 'PUT' && EXT.test(r.path))

const rows: FaultRow[] = [
  {
    fault: 'a failed operation (healthcheck hook)',
    where: 'the create',
    arm: w => w.arm.provisioning.fail(),
    inputs: TRAINING,
    expected:
      /operation ended Failed: ExtensionOperationFailed: .*pre-install.*Fix: The healthcheck hook failed/,
    check: run => expect(run.outputs['provisioning-state']).toBe('Failed')
  },
  {
    fault: 'a failed operation (healthcheck hook)',
    where: 'the update',
    before: TRAINING,
    arm: w => w.arm.provisioning.fail(),
    inputs: TRAINING_NO_PROM,
    expected: /operation ended Failed: ExtensionOperationFailed: .*pre-upgrade/
  },
  {
    fault: 'an operation slower than the timeout',
    where: 'the create',
    arm: w => void (w.arm.provisioning.delayMs = 60_000),
    timeoutS: 2,
    inputs: TRAINING,
    expected: /The create operation did not end within the timeout/,
    // Where it stood: the extension as last read, Creating, and that a write went out.
    check: run =>
      expect(run.outputs).toMatchObject({ 'provisioning-state': 'Creating', changed: 'true' })
  },
  {
    fault: 'an operation slower than the timeout',
    where: 'the delete',
    before: TRAINING,
    arm: w => void (w.arm.provisioning.delayMs = 60_000),
    timeoutS: 2,
    inputs: { mode: 'delete' },
    expected: /The delete operation did not end within the timeout/,
    check: run =>
      expect(run.outputs).toMatchObject({ 'provisioning-state': 'Deleting', changed: 'true' })
  },
  {
    fault: "409 Conflict 'conflicting operation in progress' from another client's create",
    where: 'the PUT',
    arm: async w => {
      w.backend.hold()
      await armClient(w).extensions.beginCreate(
        ...ARC,
        EXTENSION,
        amlExtension({ enableTraining: 'True', installVolcano: 'False' }),
        FAST
      )
      setTimeout(() => w.backend.release(), 300)
    },
    inputs: TRAINING,
    expected: 'succeeds',
    check: (run, w) => {
      expect(visibleLog(run)).toMatch(/Creating from an earlier operation; waiting for it to end/)
      // Waited out, then updated what the other client made: no PUT over a running operation.
      expect(puts(w)).toHaveLength(1)
    }
  },
  {
    fault: "409 Conflict 'conflicting operation in progress' on the write itself",
    where: 'the PUT',
    arm: w => w.arm.faults.fail(409, { method: 'PUT', path: EXT }),
    inputs: TRAINING,
    expected: 'succeeds',
    check: (_run, w) => expect(puts(w).map(r => r.status)).toEqual([409, 201])
  },
  {
    fault: '409 MissingSubscriptionRegistration',
    where: 'the PUT',
    arm: w =>
      w.arm.faults.fail(
        409,
        { method: 'PUT', path: EXT },
        {
          error: {
            code: 'MissingSubscriptionRegistration',
            message:
              "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'."
          }
        }
      ),
    inputs: TRAINING,
    expected: /ARM refused the create \(409 MissingSubscriptionRegistration\): .*not registered/,
    check: (_run, w) => expect(puts(w).map(r => r.status)).toEqual([409])
  }
]

test.each(rows)('$fault on $where: $expected', row => runRow(row))
