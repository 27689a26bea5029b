/**
 * Replays every request of spec/arm/2023-05-01/examples against the sandbox and checks
 * the answers against the example (status, fields) and against the spec's schemas.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { ARM_SPEC_DIR, ExtensionsSpec } from '../sandbox/arm/schema.js'
import type { SpecDefinition } from '../sandbox/arm/schema.js'
import { armFetch, startAzure } from './sandbox-arm-helpers.js'
import type { AzureWorld } from './sandbox-arm-helpers.js'

type Json = Record<string, unknown>

interface Example {
  parameters: Record<string, unknown>
  responses: Record<string, { headers?: Record<string, string>; body?: Record<string, unknown> }>
}

const DIR = join(ARM_SPEC_DIR, '2023-05-01', 'examples')
const load = (file: string): Example => JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Example
const spec = new ExtensionsSpec('2023-05-01')

/** The schema each example's responses follow. */
const RESPONSE_SCHEMA: Record<string, SpecDefinition | undefined> = {
  'CreateExtension.json': 'Extension',
  'CreateExtensionWithPlan.json': 'Extension',
  'GetExtension.json': 'Extension',
  'GetExtensionWithPlan.json': 'Extension',
  'PatchExtension.json': 'Extension',
  'ListExtensions.json': 'ExtensionsList',
  'GetExtensionAsyncOperationStatus.json': 'OperationStatusResult',
  'DeleteExtension.json': undefined
}

function path(p: Record<string, unknown>, name = p.extensionName as string | undefined): string {
  const base =
    `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/` +
    `${p.clusterRp}/${p.clusterResourceName}/${p.clusterName}` +
    '/providers/Microsoft.KubernetesConfiguration/extensions'
  return name ? `${base}/${name}` : base
}

let world: AzureWorld

beforeAll(async () => {
  world = await startAzure({ staleReads: 0 })
  world.arm.clusters.add({
    subscriptionId: 'subId1',
    resourceGroup: 'rg1',
    name: 'clusterName1',
    type: 'connectedClusters'
  })
})
afterAll(() => world.stop())

/** Sends an example's request; the answer must satisfy `definition` when it has a body. */
async function replay(method: string, url: string, body?: unknown, definition?: SpecDefinition) {
  const res = await armFetch(world, method, url, body)
  if (definition && res.json !== undefined) expect(spec.validate(definition, res.json)).toEqual([])
  return res
}

/** The operation behind an `Azure-AsyncOperation` header, after it ended. */
async function finished(header: string | null) {
  expect(header).toMatch(
    new RegExp(
      `^${world.arm.endpoint}/subscriptions/.+/operations/[0-9a-f-]{36}\\?api-version=2023-05-01$`
    )
  )
  await world.arm.operations.settled()
  return replay('GET', new URL(header!).pathname, undefined, 'OperationStatusResult')
}

test('the example directory holds exactly the examples replayed here', () => {
  expect(readdirSync(DIR).sort()).toEqual(Object.keys(RESPONSE_SCHEMA).sort())
})

describe.each(Object.entries(RESPONSE_SCHEMA).filter(([, d]) => d))('%s', (file, definition) => {
  test('its own response bodies pass the sandbox validator', () => {
    for (const response of Object.values(load(file).responses)) {
      if (response.body) expect(spec.validate(definition!, response.body)).toEqual([])
    }
  })
})

describe.each(['CreateExtension.json', 'CreateExtensionWithPlan.json'])('%s', file => {
  const { parameters: p, responses } = load(file)

  test('PUT answers 201 with the resource Creating, then 200 for the existing one', async () => {
    const created = await replay('PUT', path(p), p.extension, 'Extension')
    expect(created.status).toBe(201)
    const expected = responses['201']!.body!
    const sent = (p.extension as { properties: Record<string, unknown> }).properties
    expect(created.json).toMatchObject({
      id: expected.id,
      name: expected.name,
      type: expected.type,
      ...(expected.plan ? { plan: expected.plan } : {}),
      properties: {
        extensionType: sent.extensionType,
        releaseTrain: sent.releaseTrain,
        provisioningState: 'Creating',
        currentVersion: null,
        statuses: [],
        isSystemExtension: false,
        ...(sent.scope ? { scope: sent.scope } : {}),
        ...(sent.configurationSettings ? { configurationSettings: sent.configurationSettings } : {})
      }
    })
    expect(created.headers.get('x-ms-async-operation-timeout')).toBe('PT48H')
    expect((await finished(created.headers.get('azure-asyncoperation'))).json).toMatchObject({
      status: 'Succeeded'
    })

    const again = await replay('PUT', path(p), p.extension, 'Extension')
    expect(again.status).toBe(200)
    await finished(again.headers.get('azure-asyncoperation'))
  })
})

describe.each(['GetExtension.json', 'GetExtensionWithPlan.json'])('%s', file => {
  const { parameters: p, responses } = load(file)

  test('GET answers 200 with the installed resource', async () => {
    const got = await replay('GET', path(p), undefined, 'Extension')
    const expected = responses['200']!.body! as { id: string; name: string; properties: Json }
    expect(got.status).toBe(200)
    expect(got.json).toMatchObject({
      id: expected.id,
      name: expected.name,
      properties: {
        extensionType: expected.properties.extensionType,
        provisioningState: 'Succeeded',
        currentVersion: expect.any(String),
        statuses: []
      }
    })
  })
})

test('ListExtensions.json: LIST answers 200 with every extension on the cluster', async () => {
  const { parameters: p, responses } = load('ListExtensions.json')
  const example = responses['200']!.body! as { value: { name: string; properties: unknown }[] }
  const monitor = example.value.find(v => v.name === 'App1Monitor')!
  await replay('PUT', path(p, 'BackupVault01'), { properties: monitor.properties })
  await world.arm.operations.settled()
  const listed = await replay('GET', path(p), undefined, 'ExtensionsList')
  expect(listed.status).toBe(200)
  const names = (listed.json as { value: { name: string }[] }).value.map(v => v.name)
  expect(names.sort()).toEqual(['BackupVault01', 'ClusterMonitor', 'azureVote'])
  expect(listed.json).toMatchObject({ nextLink: null })
})

test('PatchExtension.json: PATCH answers 202 and operates, then 200 when nothing changes', async () => {
  const { parameters: p, responses } = load('PatchExtension.json')
  const create = load('CreateExtension.json').parameters.extension as { properties: object }
  await replay('PUT', path(p), { properties: { ...create.properties, releaseTrain: 'Stable' } })
  await world.arm.operations.settled()
  const patched = await replay('PATCH', path(p), p.patchExtension, 'Extension')
  expect(patched.status).toBe(202)
  expect(patched.json).toMatchObject({
    properties: {
      ...(responses['202']!.body!.properties as object),
      version: null,
      provisioningState: 'Updating',
      configurationProtectedSettings: { 'omsagent.secret.key': '' }
    }
  })
  await finished(patched.headers.get('azure-asyncoperation'))
  const unchanged = await replay('PATCH', path(p), p.patchExtension, 'Extension')
  expect(unchanged.status).toBe(200)
  expect(unchanged.json).toMatchObject({
    properties: { provisioningState: 'Succeeded', releaseTrain: 'Preview' }
  })
})

test('GetExtensionAsyncOperationStatus.json: the status of an operation', async () => {
  const { parameters: p, responses } = load('GetExtensionAsyncOperationStatus.json')
  const put = await replay('PUT', path(p), {
    properties: { extensionType: 'azuremonitor-containers' }
  })
  const status = await finished(put.headers.get('azure-asyncoperation'))
  const expected = responses['200']!.body!
  const name = new URL(put.headers.get('azure-asyncoperation')!).pathname.split('/').pop()
  expect(status.json).toEqual({
    id: (expected.id as string).replace(p.operationId as string, name!),
    name,
    status: expected.status,
    properties: expected.properties
  })
})

test('DeleteExtension.json: DELETE answers 202, then 204 once gone, and 200 when forced', async () => {
  const { parameters: p, responses } = load('DeleteExtension.json')
  expect(Object.keys(responses).sort()).toEqual(['200', '202', '204'])
  const accepted = await replay('DELETE', path(p))
  expect(accepted.status).toBe(202)
  expect(accepted.headers.get('x-ms-async-operation-timeout')).toBe('PT1H')
  expect((await finished(accepted.headers.get('azure-asyncoperation'))).json).toMatchObject({
    status: 'Succeeded'
  })
  expect((await replay('DELETE', path(p))).status).toBe(204)
  await replay('PUT', path(p), { properties: { extensionType: 'azuremonitor-containers' } })
  await world.arm.operations.settled()
  expect((await replay('DELETE', `${path(p)}?forceDelete=true`)).status).toBe(200)
})
