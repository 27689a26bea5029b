import { afterAll, beforeAll, expect, test } from '@jest/globals'
import {
  ARC,
  ARM_SCOPE,
  FAST,
  amlExtension,
  armClient,
  armFetch,
  credential,
  extensionsPath,
  startAzure
} from './sandbox-arm-helpers.js'
import type { AzureWorld } from './sandbox-arm-helpers.js'

let world: AzureWorld

beforeAll(async () => {
  world = await startAzure({ staleReads: 0 })
})
afterAll(() => world.stop())

test('create, get, list, update and delete through the SDK pollers', async () => {
  const client = armClient(world)
  const created = await client.extensions.beginCreateAndWait(
    ...ARC,
    'azureml',
    amlExtension({ inferenceRouterHA: 'false' }, { secret: 's3cret' }),
    FAST
  )
  expect(created).toMatchObject({
    provisioningState: 'Succeeded',
    currentVersion: '1.1.71',
    configurationProtectedSettings: { secret: '' }
  })
  expect(world.backend.calls[0]).toMatchObject({
    op: 'create',
    ext: { name: 'azureml', version: '1.1.71', protectedKeys: ['secret'] }
  })

  const got = await client.extensions.get(...ARC, 'azureml')
  expect(got.configurationSettings).toEqual({ enableTraining: 'True', inferenceRouterHA: 'false' })

  const listed = []
  for await (const ext of client.extensions.list(...ARC)) listed.push(ext.name)
  expect(listed).toEqual(['azureml'])

  const updated = await client.extensions.beginUpdateAndWait(
    ...ARC,
    'azureml',
    { configurationSettings: { enableInference: 'True' }, configurationProtectedSettings: {} },
    FAST
  )
  expect(updated.configurationSettings).toEqual({
    enableTraining: 'True',
    inferenceRouterHA: 'false',
    enableInference: 'True'
  })
  expect(updated.configurationProtectedSettings).toEqual({ secret: '' })

  await client.extensions.beginDeleteAndWait(...ARC, 'azureml', { ...FAST, forceDelete: false })
  const gone = await client.extensions.get(...ARC, 'azureml').catch((e: unknown) => e)
  expect(gone).toMatchObject({ name: 'RestError', statusCode: 404, code: 'ResourceNotFound' })
})

test('the wire: absolute Azure-AsyncOperation, protected keys without values, logged requests', async () => {
  const path = extensionsPath(world.arc, 'wire')
  world.backend.hold()
  const put = await armFetch(world, 'PUT', path, { properties: amlExtension({}, { key: 'v' }) })
  expect(put.status).toBe(201)
  const poll = put.headers.get('azure-asyncoperation')!
  expect(poll).toMatch(
    new RegExp(`^${world.arm.endpoint}${path}/operations/[0-9a-f-]{36}\\?api-version=2023-05-01$`)
  )
  expect(put.headers.get('operation-location')).toBeNull()
  expect(put.json).toMatchObject({
    properties: {
      provisioningState: 'Creating',
      currentVersion: null,
      configurationProtectedSettings: { key: '' }
    }
  })
  const pending = await fetchOperation(poll)
  expect(pending).toMatchObject({ status: 'InProgress' })
  expect(pending.headers.get('retry-after')).toBeNull()

  const conflict = await armFetch(world, 'PATCH', path, {
    properties: { configurationSettings: { a: 'b' } }
  })
  expect(conflict.status).toBe(409)
  expect(conflict.json).toMatchObject({
    error: {
      code: 'Conflict',
      message: expect.stringContaining('conflicting operation in progress')
    }
  })

  world.backend.release()
  await world.arm.operations.settled()
  expect(await fetchOperation(poll)).toMatchObject({ status: 'Succeeded' })
  const logged = world.arm.requests.find(r => r.method === 'PUT' && r.path === path)!
  expect(logged.headers.authorization).toBe('Bearer <redacted>')
  expect(logged.query).toEqual({ 'api-version': '2023-05-01' })
  expect(logged.body).toMatchObject({
    properties: { configurationProtectedSettings: { key: 'v' } }
  })
  expect(logged.status).toBe(201)

  async function fetchOperation(url: string) {
    const res = await armFetch(world, 'GET', new URL(url).pathname)
    return Object.assign({ headers: res.headers }, res.json as object)
  }
})

test('PATCH merges public settings per key and replaces protected settings whole', async () => {
  const client = armClient(world)
  await client.extensions.beginCreateAndWait(
    ...ARC,
    'merge',
    amlExtension({ a: '1', b: '2' }, { p1: 'x', p2: 'y' }),
    FAST
  )
  await client.extensions.beginUpdateAndWait(
    ...ARC,
    'merge',
    { configurationSettings: { b: '3' }, configurationProtectedSettings: { p3: 'z' } },
    FAST
  )
  const stored = world.arm.extensions.find('merge')!
  expect(stored.settings).toEqual({ enableTraining: 'True', a: '1', b: '3' })
  expect(stored.protectedSettings).toEqual({ p3: 'z' })
  expect(world.backend.calls.at(-1)).toMatchObject({ op: 'update', ext: { protectedKeys: ['p3'] } })

  const noop = await armFetch(world, 'PATCH', extensionsPath(world.arc, 'merge'), {
    properties: { configurationSettings: { a: '1' }, configurationProtectedSettings: {} }
  })
  expect(noop.status).toBe(200)
  expect(noop.headers.get('azure-asyncoperation')).toBeNull()
})

test('DELETE: 202 with an operation, 204 when absent, 200 with forceDelete', async () => {
  const client = armClient(world)
  await client.extensions.beginCreateAndWait(...ARC, 'doomed', amlExtension(), FAST)
  const accepted = await armFetch(
    world,
    'DELETE',
    `${extensionsPath(world.arc, 'doomed')}?forceDelete=false`
  )
  expect(accepted.status).toBe(202)
  expect(accepted.headers.get('azure-asyncoperation')).toContain('/operations/')
  await world.arm.operations.settled()
  expect((await armFetch(world, 'DELETE', extensionsPath(world.arc, 'doomed'))).status).toBe(204)

  await client.extensions.beginCreateAndWait(...ARC, 'forced', amlExtension(), FAST)
  const forced = await armFetch(
    world,
    'DELETE',
    `${extensionsPath(world.arc, 'forced')}?forceDelete=true`
  )
  expect(forced.status).toBe(200)
  expect((await armFetch(world, 'GET', extensionsPath(world.arc, 'forced'))).status).toBe(404)
})

test('a failed cluster outcome ends the operation Failed and shows errorInfo and statuses', async () => {
  const errorInfo = {
    code: 'ExtensionOperationFailed',
    message: 'failed pre-install: pod healthcheck failed'
  }
  const statuses = [{ code: 'E40002', level: 'Error' as const, message: 'INSUFFICIENT_NODE' }]
  world.backend.outcomes.push({ ok: false, errorInfo, statuses })
  const client = armClient(world)
  const failure = client.extensions.beginCreateAndWait(...ARC, 'broken', amlExtension(), FAST)
  await expect(failure).rejects.toThrow(/healthcheck failed/)
  const got = await client.extensions.get(...ARC, 'broken')
  expect(got).toMatchObject({
    provisioningState: 'Failed',
    errorInfo,
    statuses,
    currentVersion: null
  })
})

test('URL segments are case-insensitive, like ARM', async () => {
  const client = armClient(world)
  await client.extensions.beginCreateAndWait(...ARC, 'CaseTest', amlExtension(), FAST)
  const lower = extensionsPath(world.arc, 'casetest').toLowerCase()
  const res = await armFetch(world, 'GET', lower)
  expect(res.status).toBe(200)
  expect(res.json).toMatchObject({ name: 'CaseTest' })
})

test('bodies that break the spec get ARM 400 InvalidRequestContent', async () => {
  const bad = await armFetch(world, 'PUT', extensionsPath(world.arc, 'bad'), {
    properties: { extensionType: 'x', configurationSettings: { enableTraining: true } },
    identity: { type: 'UserAssigned' }
  })
  expect(bad.status).toBe(400)
  const { error } = bad.json as { error: { code: string; message: string } }
  expect(error.code).toBe('InvalidRequestContent')
  expect(error.message).toContain('/properties/configurationSettings/enableTraining must be string')
  expect(error.message).toContain('/identity/type must be equal to one of the allowed values')
  expect(world.arm.extensions.find('bad')).toBeUndefined()

  const notJson = await fetchRaw('PUT', extensionsPath(world.arc, 'bad'), '{oops')
  expect(notJson).toMatchObject({ status: 400, code: 'InvalidRequestContent' })
})

test('a pinned version with auto-upgrade on is refused', async () => {
  const res = await armFetch(world, 'PUT', extensionsPath(world.arc, 'pinned'), {
    properties: { ...amlExtension(), autoUpgradeMinorVersion: true }
  })
  expect(res.status).toBe(400)
})

test('requests without a bearer token get 401 with a challenge', async () => {
  const res = await fetch(
    `${world.arm.endpoint}${extensionsPath(world.arc)}?api-version=2023-05-01`
  )
  expect(res.status).toBe(401)
  expect(res.headers.get('www-authenticate')).toContain('Bearer authorization_uri=')
  expect(await res.json()).toMatchObject({ error: { code: 'AuthenticationFailed' } })
  const forged = await fetch(
    `${world.arm.endpoint}${extensionsPath(world.arc)}?api-version=2023-05-01`,
    {
      headers: { authorization: 'Bearer a.b.c' }
    }
  )
  expect(await forged.json()).toMatchObject({ error: { code: 'InvalidAuthenticationToken' } })
  expect(world.arm.requests.at(-1)).toMatchObject({
    status: 401,
    headers: { authorization: 'Bearer <redacted>' }
  })
})

test('missing api-version and unknown api-versions are refused the way ARM does', async () => {
  const token = await credential(world).getToken(ARM_SCOPE)
  const res = await fetch(`${world.arm.endpoint}${extensionsPath(world.arc)}`, {
    headers: { authorization: `Bearer ${token.token}` }
  })
  expect(res.status).toBe(400)
  expect(await res.json()).toMatchObject({ error: { code: 'MissingApiVersionParameter' } })
  const old = await armFetch(world, 'GET', extensionsPath(world.arc), undefined, '2019-01-01')
  expect(old).toMatchObject({ status: 400, json: { error: { code: 'NoRegisteredProviderFound' } } })
})

async function fetchRaw(method: string, path: string, text: string) {
  const token = await credential(world).getToken(ARM_SCOPE)
  const res = await fetch(`${world.arm.endpoint}${path}?api-version=2023-05-01`, {
    method,
    headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
    body: text
  })
  const body = (await res.json()) as { error: { code: string } }
  return { status: res.status, code: body.error.code }
}

test('replication lag: the reads right after an operation may still show it running', async () => {
  world.arm.extensions.staleReads = 2
  const client = armClient(world)
  await client.extensions.beginCreateAndWait(...ARC, 'lagging', amlExtension(), FAST)
  // The SDK's own final GET took the first stale read; the next one is stale too, then it is fresh.
  expect((await client.extensions.get(...ARC, 'lagging')).provisioningState).toBe('Creating')
  expect((await client.extensions.get(...ARC, 'lagging')).provisioningState).toBe('Succeeded')
})
