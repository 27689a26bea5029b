/** apply under faults: throttling, server errors, dropped connections, conflicts and failed operations. */
import { armClient, amlExtension, ARC, FAST } from '../sandbox-arm-helpers.js'
import { runIn, startWorld, worldInputs } from '../helpers/azure-run.js'
import type { AzureWorld } from '../helpers/azure-run.js'
import { visibleLog } from '../helpers/action.js'

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(async () => {
  await world.stop()
})

const TRAINING = { scenario: 'training' }
const EXT = { path: '/extensions/arcml-extension' }
const methods = (m: string) =>
  world.arm.requests.filter(
    r => r.method === m && r.path.toLowerCase().includes('/extensions/arcml-extension')
  )

test('a throttled PUT (429) is sent again after Retry-After, once the extension is read', async () => {
  world.arm.faults.throttle({ method: 'PUT', ...EXT }, 1)
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.errors).toEqual([])
  const puts = methods('PUT')
  expect(puts.map(r => r.status)).toEqual([429, 201])
  // Retry-After: 1 outweighs the 10 ms backoff the tests configure.
  expect(visibleLog(run)).toMatch(/429 throttled.*reading the extension again in 1000 ms/)
  expect(run.outputs['provisioning-state']).toBe('Succeeded')
})

test('5xx answers to reads are retried by the client with backoff', async () => {
  world.arm.faults.fail(503, {
    method: 'GET',
    path: '/providers/Microsoft.KubernetesConfiguration',
    times: 2
  })
  world.arm.faults.fail(500, { method: 'GET', ...EXT })
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.errors).toEqual([])
  expect(run.outputs.changed).toBe('true')
})

test('a 5xx answer to the PUT: the live extension is read before the PUT is repeated', async () => {
  world.arm.faults.fail(500, { method: 'PUT', ...EXT })
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.errors).toEqual([])
  const ext = world.arm.requests.filter(r =>
    r.path.toLowerCase().endsWith('/extensions/arcml-extension')
  )
  const firstPut = ext.findIndex(r => r.method === 'PUT')
  const secondPut = ext.findIndex((r, i) => i > firstPut && r.method === 'PUT')
  expect(ext.slice(firstPut + 1, secondPut).some(r => r.method === 'GET')).toBe(true)
  expect(visibleLog(run)).toMatch(
    /create did not clearly succeed \(500: .*\); reading the extension again in 10 ms/
  )
})

test('a connection dropped while following the operation: the extension is read, the PUT is not repeated', async () => {
  world.arm.faults.drop({ method: 'GET', path: '/operations/' })
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.errors).toEqual([])
  expect(methods('PUT')).toHaveLength(1)
  expect(run.outputs).toMatchObject({ 'provisioning-state': 'Succeeded', changed: 'true' })
})

test('409 (an operation in progress) waits for it, reads again, then writes', async () => {
  world.arm.faults.fail(409, { method: 'PUT', ...EXT })
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.errors).toEqual([])
  expect(methods('PUT').map(r => r.status)).toEqual([409, 201])
  expect(visibleLog(run)).toMatch(/409/)
})

test('an earlier operation still running is waited for before anything is written', async () => {
  world.backend.hold()
  const other = await armClient(world).extensions.beginCreate(
    ...ARC,
    'arcml-extension',
    amlExtension({ enableTraining: 'True' }),
    FAST
  )
  const release = setTimeout(() => world.backend.release(), 300)
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  clearTimeout(release)
  await other.pollUntilDone()
  expect(run.errors).toEqual([])
  expect(visibleLog(run)).toMatch(/Creating from an earlier operation; waiting for it to end/)
  expect(methods('PUT')).toHaveLength(1)
})

test('a failed operation shows errorInfo and the fix, and reports the Failed state', async () => {
  world.arm.provisioning.fail()
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.failed).toBe(true)
  const log = visibleLog(run)
  expect(log).toMatch(/ended Failed: ExtensionOperationFailed: .*pre-install/)
  expect(log).toMatch(
    /Fix: The healthcheck hook failed: its report is in configmap arcml-healthcheck/
  )
  expect(run.outputs).toMatchObject({ 'provisioning-state': 'Failed', changed: 'true' })
})

test('an extension left Failed by an earlier run is sent again whole', async () => {
  world.arm.provisioning.fail()
  const failed = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(failed.outputs['provisioning-state']).toBe('Failed')
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.errors).toEqual([])
  expect(visibleLog(run)).toMatch(/Failed from an earlier operation; sending the whole body again/)
  expect(methods('PUT')).toHaveLength(2)
  expect(run.outputs['provisioning-state']).toBe('Succeeded')
})

test('re-sending a Failed extension is still guarded against disruptive changes', async () => {
  const both = { scenario: 'training-and-inference', 'allow-insecure-connections': 'true' }
  expect((await runIn(world, { ...worldInputs(world), ...both })).errors).toEqual([])
  world.arm.provisioning.fail()
  const failed = await runIn(world, {
    ...worldInputs(world),
    ...both,
    config: 'installPromOp=false'
  })
  expect(failed.outputs['provisioning-state']).toBe('Failed')
  const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toMatch(/Refusing a disruptive update:[\s\S]*enableInference/)
})

test('the timeout bounds the wait for a slow operation, and says where the run was', async () => {
  world.arm.provisioning.delayMs = 5000
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING, timeout: '1s' })
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toMatch(/create operation did not end within the timeout/)
})

test('repeated ambiguous failures back off: each pause doubles', async () => {
  world.arm.faults.fail(502, { method: 'PUT', ...EXT, times: 3 })
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.errors).toEqual([])
  const pauses = [...visibleLog(run).matchAll(/again in (\d+) ms/g)].map(m => Number(m[1]))
  expect(pauses).toEqual([10, 20, 40])
})

test('a 409 that is not an operation in progress fails at once with ARM’s message', async () => {
  const refusal = {
    error: {
      code: 'MissingSubscriptionRegistration',
      message:
        "The subscription is not registered to use namespace 'Microsoft.KubernetesConfiguration'."
    }
  }
  world.arm.faults.fail(409, { method: 'PUT', ...EXT }, refusal)
  const run = await runIn(world, { ...worldInputs(world), ...TRAINING })
  expect(run.failed).toBe(true)
  expect(run.errors.join('\n')).toMatch(/MissingSubscriptionRegistration.*not registered/)
  expect(methods('PUT').map(r => r.status)).toEqual([409])
})
