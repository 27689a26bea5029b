/** delete, end to end: idempotent, forceDelete passed through, only a 404 means absent. */
import { runIn, startWorld, worldInputs, writes } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'
import { visibleLog } from './helpers/action.js'

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(async () => {
  await world.stop()
})

const deletes = () => world.arm.requests.filter(r => r.method === 'DELETE')
/** The extension the test deletes, installed first: a failed install would leave nothing to delete. */
const create = async () =>
  expect((await runIn(world, { ...worldInputs(world), scenario: 'training' })).errors).toEqual([])

test('deletes the extension and waits until ARM no longer has it', async () => {
  await create()
  const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
  expect(run.errors).toEqual([])
  expect(run.outputs).toMatchObject({ 'provisioning-state': 'Deleted', changed: 'true' })
  expect(deletes()).toHaveLength(1)
  expect(deletes()[0]!.query.forceDelete).toBe('false')
  const last = world.arm.requests.at(-1)!
  expect(last).toMatchObject({ method: 'GET', status: 404 })
})

test('already gone is success, and nothing is sent', async () => {
  const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
  expect(run.errors).toEqual([])
  expect(run.outputs).toMatchObject({ 'provisioning-state': 'NotFound', changed: 'false' })
  expect(deletes()).toEqual([])
})

test('force-delete sends forceDelete=true', async () => {
  await create()
  await runIn(world, { ...worldInputs(world), mode: 'delete', 'force-delete': 'true' })
  expect(deletes()[0]!.query.forceDelete).toBe('true')
})

test('a mistyped cluster fails instead of passing as already deleted', async () => {
  const run = await runIn(world, {
    ...worldInputs(world),
    mode: 'delete',
    'cluster-name': 'arc-clustr'
  })
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toMatch(/arc-clustr was not found as connectedClusters/)
  expect(deletes()).toEqual([])
})

test('a 403 on the read is an error, not an absent extension (unlike the az CLI)', async () => {
  await create()
  world.arm.faults.fail(403, { method: 'GET', path: '/extensions/arcml-extension' })
  const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
  expect(run.failed).toBe(true)
  expect(deletes()).toEqual([])
})

test('a dropped connection on the DELETE: the extension is read before anything is sent again', async () => {
  await create()
  world.arm.faults.drop({ method: 'DELETE' })
  const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
  expect(run.errors).toEqual([])
  expect(run.outputs['provisioning-state']).toBe('Deleted')
  const ext = world.arm.requests.filter(r => /\/extensions\/arcml-extension$/i.test(r.path))
  const dropped = ext.findIndex(r => r.method === 'DELETE')
  expect(ext[dropped + 1]).toMatchObject({ method: 'GET' })
})

describe('an Arc cluster whose agents are gone', () => {
  test('delete without force-delete stops before any write and suggests it', async () => {
    await create()
    world.arc.connectivityStatus = 'Offline'
    const before = writes(world).length
    const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
    expect(run.failed).toBe(true)
    expect(run.errors.join('\n')).toMatch(
      /arc-cluster is Offline: its agents cannot remove the extension.*Set force-delete: true/
    )
    expect(writes(world).length).toBe(before)
  })

  test('with force-delete the resource is removed, and the cluster need not answer', async () => {
    await create()
    world.arc.connectivityStatus = 'Expired'
    const run = await runIn(world, {
      ...worldInputs(world),
      mode: 'delete',
      'force-delete': 'true'
    })
    expect(run.errors).toEqual([])
    expect(run.outputs['provisioning-state']).toBe('Deleted')
    const del = writes(world).find(w => w.method === 'DELETE')!
    expect(del.query.forceDelete).toBe('true')
  })
})
