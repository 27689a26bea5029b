/**
 * Two `apply` runs with different settings racing on one extension. Whatever the interleaving,
 * the live extension ends equal to one request exactly, never a mix of the two; a run reports
 * success only if its last read of the extension showed its own settings, or fails naming the
 * concurrent writer.
 */
import { runIn, startWorld, worldInputs } from '../helpers/azure-run.js'
import type { AzureWorld } from '../helpers/azure-run.js'
import { EXTENSION, expectLiveIsOneOf, expectOutcome } from './fault-run.js'
import type { TimedRun } from './fault-run.js'
import { sideBySide } from './side-by-side.js'

/** Both set the same two keys, each to the other's values: any mix differs from both. */
const A = { scenario: 'training', config: 'installPromOp=false\ninstallVolcano=true' }
const B = { scenario: 'training', config: 'installPromOp=true\ninstallVolcano=false' }
const KEYS = ['installPromOp', 'installVolcano']
const RACED = /another run|another (run or )?operation/i

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(() => world.stop())

/** The raced keys of a set of settings, as `key=value` lines, lower-cased. */
const racedKeys = (settings: Record<string, string> = {}) =>
  KEYS.map(k => `${k}=${settings[k] ?? ''}`)
    .join('\n')
    .toLowerCase()
const asked = (inputs: { config: string }) => inputs.config.toLowerCase()

/** What the run's last read of the extension showed, found by the request id its log names. */
function lastSeen(run: TimedRun): string {
  const path = new RegExp(`ARM GET \\S+/extensions/${EXTENSION} → 200 .*\\(request id ([\\w-]+)\\)`)
  const ids = run.stdout.split('\n').flatMap(l => path.exec(l)?.[1] ?? [])
  const read = world.arm.requests.find(r => r.requestId === ids.at(-1))
  const body = read?.reply as { properties?: { configurationSettings?: Record<string, string> } }
  return racedKeys(body?.properties?.configurationSettings)
}

describe.each([
  ['from nothing (two creates)', undefined],
  ['on an existing extension (two updates of different keys)', { scenario: 'training' }]
])('%s', (_name, before) => {
  test.each([0, 20])('B starts %i ms after A', async stagger => {
    if (before)
      expect((await runIn(world, { ...worldInputs(world), ...before })).errors).toEqual([])
    const runs = await sideBySide(world, [A, B], stagger)
    for (const [run, inputs] of [
      [runs[0]!, A],
      [runs[1]!, B]
    ] as const) {
      if (run.failed) expectOutcome(run, RACED)
      else {
        expectOutcome(run, 'succeeds')
        expect(lastSeen(run)).toBe(asked(inputs))
      }
    }
    await expectLiveIsOneOf(world, [A, B])
    expect([asked(A), asked(B)]).toContain(
      racedKeys(world.arm.extensions.find(EXTENSION)?.settings)
    )
  })
})
