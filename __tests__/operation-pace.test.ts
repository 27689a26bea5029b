/**
 * Operation polls wait as long as ARM's Retry-After asks, the first poll after the write included
 * (the SDK's own poll loop polls again at once after the write's first poll, whatever it said).
 */
import { retryAfterMs } from '../src/azure/retry-after.js'
import { runIn, startWorld, worldInputs } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'

test.each<[string | undefined, number | undefined]>([
  [undefined, undefined],
  ['', undefined],
  ['soon', undefined],
  ['2', 2000],
  [' 30 ', 30_000],
  ['0', 0],
  ['-3', 0],
  ['Thu, 01 Jan 1970 00:00:05 GMT', 5000],
  ['Thu, 01 Jan 1970 00:00:00 GMT', 0]
])('Retry-After %j asks for %j ms', (value, ms) => {
  expect(retryAfterMs(value, 0)).toBe(ms)
})

describe('against the sandbox', () => {
  let world: AzureWorld
  beforeEach(async () => {
    world = await startWorld()
  })
  afterEach(async () => {
    await world.stop()
  })

  test.each(['apply', 'delete'])(
    '%s: no operation poll comes sooner than the Retry-After of the poll before it',
    async mode => {
      const inputs = { ...worldInputs(world), scenario: 'training' }
      if (mode === 'delete') expect((await runIn(world, inputs)).errors).toEqual([])
      const from = world.arm.requests.length
      const poll = /\/(operations|operationresults)\//i
      // The first two polls of each operation answer InProgress, asking for a second's wait.
      world.arm.faults.add(
        { method: 'GET', path: poll, times: 2 },
        { kind: 'status', status: 200, retryAfter: 1, body: { status: 'InProgress' } }
      )
      const run = await runIn(world, mode === 'delete' ? { ...inputs, mode } : inputs)
      expect(run.errors).toEqual([])
      const sent = world.arm.requests.slice(from)
      const asked = sent.filter(r => r.method === 'GET' && poll.test(r.path)).slice(0, 2)
      expect(asked).toHaveLength(2)
      for (const p of asked) {
        const next = sent.slice(sent.indexOf(p) + 1).find(r => r.path === p.path)
        expect(next).toBeDefined()
        expect(next!.at - p.at).toBeGreaterThanOrEqual(1000)
      }
    },
    30_000
  )
})
