/**
 * auto-upgrade-minor-version as the service means it, end to end: unset is neither sent nor
 * compared, and moving a pinned extension to auto-upgrade removes the pin in the same PATCH.
 */
import { runIn, startWorld, worldInputs, writes } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(async () => {
  await world.stop()
})

const apply = (extra: Record<string, string> = {}) =>
  runIn(world, { ...worldInputs(world, 'aks'), scenario: 'training', ...extra })

test('unset, it is not sent on create and an auto-upgrading extension needs no update', async () => {
  const created = await apply()
  expect(created.errors).toEqual([])
  const put = writes(world).find(w => w.method === 'PUT')!.body as {
    properties: Record<string, unknown>
  }
  expect(put.properties).not.toHaveProperty('autoUpgradeMinorVersion')
  const before = writes(world).length
  const again = await apply()
  expect(again.outputs.changed).toBe('false')
  const drift = await apply({ mode: 'drift' })
  expect(drift.outputs.drifted).toBe('false')
  expect(writes(world).length).toBe(before)
})

test('a pinned extension moves to auto-upgrade in one run: the pin is removed', async () => {
  const pinned = await apply({ version: '1.1.71' })
  expect(pinned.errors).toEqual([])
  const run = await apply({ 'auto-upgrade-minor-version': 'true' })
  expect(run.errors).toEqual([])
  const patch = writes(world)
    .filter(w => w.method === 'PATCH')
    .at(-1)!.body as {
    properties: Record<string, unknown>
  }
  expect(patch.properties).toMatchObject({ autoUpgradeMinorVersion: true, version: null })
  expect(run.outputs['provisioning-state']).toBe('Succeeded')
  const again = await apply({ 'auto-upgrade-minor-version': 'true' })
  expect(again.outputs.changed).toBe('false')
})
