import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals'
import {
  ARC,
  FAST,
  amlExtension,
  armClient,
  armFetch,
  extensionsPath,
  startAzure
} from './sandbox-arm-helpers.js'
import type { AzureWorld } from './sandbox-arm-helpers.js'

let world: AzureWorld

beforeAll(async () => {
  world = await startAzure({ staleReads: 0 })
  await armClient(world).extensions.beginCreateAndWait(...ARC, 'azureml', amlExtension(), FAST)
})
afterAll(() => world.stop())
beforeEach(() => {
  world.arm.faults.clear()
  world.arm.provisioning.clear()
})

const gets = (name: string) =>
  world.arm.requests.filter(r => r.method === 'GET' && r.path.endsWith(`/extensions/${name}`))

test('429 carries Retry-After and an ARM error body; the SDK waits and retries', async () => {
  const path = extensionsPath(world.arc, 'azureml')
  world.arm.faults.throttle({ method: 'GET', path: '/extensions/azureml' }, 1)
  const raw = await armFetch(world, 'GET', path)
  expect(raw.status).toBe(429)
  expect(raw.headers.get('retry-after')).toBe('1')
  expect(raw.json).toMatchObject({
    error: { code: 'TooManyRequests', message: expect.any(String) }
  })

  world.arm.faults.throttle({ method: 'GET', path: '/extensions/azureml' }, 1)
  const before = gets('azureml').length
  const got = await armClient(world).extensions.get(...ARC, 'azureml')
  expect(got.provisioningState).toBe('Succeeded')
  expect(
    gets('azureml')
      .slice(before)
      .map(r => r.status)
  ).toEqual([429, 200])
})

test('5xx on the Nth matching call; the SDK retries it', async () => {
  world.arm.faults.fail(503, { method: 'GET', path: '/extensions/azureml', nth: 2 })
  const client = armClient(world, 3)
  const before = gets('azureml').length
  await client.extensions.get(...ARC, 'azureml')
  await client.extensions.get(...ARC, 'azureml')
  expect(
    gets('azureml')
      .slice(before)
      .map(r => r.status)
  ).toEqual([200, 503, 200])

  world.arm.faults.fail(500, { path: '/extensions/azureml' })
  const raw = await armFetch(world, 'GET', extensionsPath(world.arc, 'azureml'))
  expect(raw).toMatchObject({ status: 500, json: { error: { code: 'InternalServerError' } } })
})

test('a dropped connection fails the raw call; the SDK retries it', async () => {
  world.arm.faults.drop({ path: '/extensions/azureml' })
  await expect(armFetch(world, 'GET', extensionsPath(world.arc, 'azureml'))).rejects.toThrow()

  world.arm.faults.drop({ path: '/extensions/azureml' })
  const before = gets('azureml').length
  const got = await armClient(world, 3).extensions.get(...ARC, 'azureml')
  expect(got.name).toBe('azureml')
  expect(
    gets('azureml')
      .slice(before)
      .map(r => r.status)
  ).toEqual([undefined, 200])
})

test('slow provisioning keeps the operation InProgress until it ends', async () => {
  world.arm.provisioning.delayMs = 600_000
  const put = await armFetch(world, 'PUT', extensionsPath(world.arc, 'slow'), {
    properties: amlExtension()
  })
  const poll = new URL(put.headers.get('azure-asyncoperation')!).pathname
  expect((await armFetch(world, 'GET', poll)).json).toMatchObject({ status: 'InProgress' })
  expect((await armFetch(world, 'GET', extensionsPath(world.arc, 'slow'))).json).toMatchObject({
    properties: { provisioningState: 'Creating', currentVersion: null }
  })
  world.arm.provisioning.release()
  await world.arm.operations.settled()
  expect((await armFetch(world, 'GET', poll)).json).toMatchObject({ status: 'Succeeded' })
})

test('failed provisioning reports the healthcheck pre-install hook failure like the service', async () => {
  world.arm.provisioning.fail()
  const client = armClient(world)
  await expect(
    client.extensions.beginCreateAndWait(...ARC, 'unhealthy', amlExtension(), FAST)
  ).rejects.toThrow(/failed pre-install: pod healthcheck failed/)
  const got = await client.extensions.get(...ARC, 'unhealthy')
  expect(got.provisioningState).toBe('Failed')
  expect(got.errorInfo).toMatchObject({
    code: 'ExtensionOperationFailed',
    message: expect.stringContaining(
      'release unhealthy failed, and has been uninstalled due to atomic being set'
    )
  })
  const op = world.arm.requests.filter(r => r.path.includes('/unhealthy/operations/')).at(-1)!
  const status = await armFetch(world, 'GET', op.path)
  expect(status.json).toMatchObject({
    status: 'Failed',
    error: { code: 'ExtensionOperationFailed' }
  })
})
