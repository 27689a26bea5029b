/**
 * An update that turns the Relay on (AKS with relayserver.enabled=true added later) must find or
 * create the Relay and send its connection string, as a create does; there is no Relay to read yet.
 */
import { visibleLog } from './helpers/action.js'
import { runInSandbox, sandboxInputs, startFullSandbox } from './helpers/sandbox-run.js'
import type { Sandbox } from './helpers/sandbox-run.js'

let s: Sandbox
beforeAll(async () => {
  s = await startFullSandbox({ clusterType: 'managedClusters' })
})
afterAll(() => s.stop())

test('an update enabling the Relay creates it and sends its connection string', async () => {
  const inputs = { ...sandboxInputs(s), scenario: 'training', 'cluster-access': 'none' }
  const first = await runInSandbox(s, inputs)
  expect(first.failed).toBe(false)
  const relayWrites = () =>
    s.arm.requests.filter(r => r.method === 'PUT' && /Microsoft\.Relay/i.test(r.path))
  expect(relayWrites()).toEqual([])

  const r = await runInSandbox(s, { ...inputs, config: 'relayserver.enabled=true' })
  expect(visibleLog(r)).not.toMatch(/is gone, yet the extension uses it/)
  expect(r.failed).toBe(false)
  expect(relayWrites().length).toBeGreaterThan(0)
  const patch = s.arm.requests.filter(q => q.method === 'PATCH').at(-1)
  const sent = (patch?.body as { properties?: { configurationProtectedSettings?: object } })
    ?.properties?.configurationProtectedSettings
  expect(Object.keys(sent ?? {})).toContain('relayServerConnectionString')
})
