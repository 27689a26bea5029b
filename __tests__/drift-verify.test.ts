/** drift and verify, end to end: read-only modes that report and gate without writing. */
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

const TRAINING = { scenario: 'training', config: 'installPromOp=true' }
const create = () => runIn(world, { ...worldInputs(world), ...TRAINING })

describe('drift', () => {
  test('inputs that match report no drift and write nothing', async () => {
    await create()
    const before = writes(world).length
    const run = await runIn(world, { ...worldInputs(world), ...TRAINING, mode: 'drift' })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({
      drifted: 'false',
      drift: '[]',
      changed: 'false',
      'provisioning-state': 'Succeeded'
    })
    expect(writes(world).length).toBe(before)
  })

  test('each difference is reported, and fail-on-drift fails the step', async () => {
    await create()
    const before = writes(world).length
    const run = await runIn(world, {
      ...worldInputs(world),
      ...TRAINING,
      config: 'installPromOp=false',
      mode: 'drift',
      'config-protected': 'myToken=t0ps3cret-value'
    })
    expect(run.failed).toBe(true)
    expect(JSON.parse(run.outputs.drift!)).toEqual([
      { path: 'settings.installPromOp', desired: 'false', actual: 'true' },
      { path: 'protectedSettings.myToken', desired: '(set)' }
    ])
    expect(run.outputs.drifted).toBe('true')
    expect(run.summary).toContain('Drift (2)')
    expect(visibleLog(run)).toMatch(/2 differences between the inputs and the live extension/)
    expect(writes(world).length).toBe(before)
  })

  test('with fail-on-drift false the step passes and still reports the drift', async () => {
    await create()
    const run = await runIn(world, {
      ...worldInputs(world),
      ...TRAINING,
      config: 'installPromOp=false',
      mode: 'drift',
      'fail-on-drift': 'false'
    })
    expect(run.failed).toBe(false)
    expect(run.outputs.drifted).toBe('true')
  })

  test('a missing extension fails drift', async () => {
    const run = await runIn(world, { ...worldInputs(world), ...TRAINING, mode: 'drift' })
    expect(run.failed).toBe(true)
    expect(visibleLog(run)).toMatch(/does not exist on arc-cluster: everything has drifted/)
  })
})

describe('verify', () => {
  test('a Succeeded extension passes; nothing is written', async () => {
    await create()
    const before = writes(world).length
    const run = await runIn(world, { ...worldInputs(world), mode: 'verify' })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({
      'provisioning-state': 'Succeeded',
      changed: 'false',
      'extension-version': '1.1.71'
    })
    expect(writes(world).length).toBe(before)
  })

  test('a Failed extension fails verify with the explanation, changed false', async () => {
    world.arm.provisioning.fail()
    await create()
    const run = await runIn(world, { ...worldInputs(world), mode: 'verify' })
    expect(run.failed).toBe(true)
    expect(visibleLog(run)).toMatch(/ExtensionOperationFailed[\s\S]*arcml-healthcheck/)
    expect(run.outputs).toMatchObject({ 'provisioning-state': 'Failed', changed: 'false' })
  })

  test('a missing extension fails verify', async () => {
    const run = await runIn(world, { ...worldInputs(world), mode: 'verify' })
    expect(run.failed).toBe(true)
    expect(visibleLog(run)).toMatch(/does not exist on arc-cluster/)
  })
})
