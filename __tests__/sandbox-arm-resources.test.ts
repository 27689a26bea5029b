import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { armFetch, startAzure } from './sandbox-arm-helpers.js'
import type { AzureWorld } from './sandbox-arm-helpers.js'

let world: AzureWorld
let rg: string

beforeAll(async () => {
  world = await startAzure()
  rg = `/subscriptions/${world.subscriptionId}/resourceGroups/rg-ml`
})
afterAll(() => world.stop())

test('provider registration is reported, and can be NotRegistered', async () => {
  const path = `/subscriptions/${world.subscriptionId}/providers/Microsoft.KubernetesConfiguration`
  expect((await armFetch(world, 'GET', path, undefined, '2021-04-01')).json).toMatchObject({
    namespace: 'Microsoft.KubernetesConfiguration',
    registrationState: 'Registered'
  })
  world.arm.providers.set('Microsoft.KubernetesConfiguration', 'NotRegistered')
  expect((await armFetch(world, 'GET', path, undefined, '2021-04-01')).json).toMatchObject({
    registrationState: 'NotRegistered'
  })
})

test('the AKS cluster reports location and agent pool counts', async () => {
  const res = await armFetch(
    world,
    'GET',
    `${rg}/providers/Microsoft.ContainerService/managedClusters/aks-cluster`,
    undefined,
    '2022-11-01'
  )
  expect(res.json).toMatchObject({
    location: 'eastus',
    properties: { agentPoolProfiles: [{ count: 3 }] }
  })
})

test('the Arc cluster reports node count from its backend, distribution and connectivity', async () => {
  world.backend.nodes = 5
  world.arc.distribution = 'openshift'
  world.arc.connectivityStatus = 'Offline'
  const res = await armFetch(
    world,
    'GET',
    `${rg}/providers/Microsoft.Kubernetes/connectedClusters/arc-cluster`,
    undefined,
    '2021-10-01'
  )
  expect(res.json).toMatchObject({
    location: 'eastus',
    properties: { totalNodeCount: 5, distribution: 'openshift', connectivityStatus: 'Offline' }
  })
})

test('unknown clusters and resource groups are 404s with ARM codes', async () => {
  const missing = await armFetch(
    world,
    'GET',
    `${rg}/providers/Microsoft.Kubernetes/connectedClusters/nope`,
    undefined,
    '2021-10-01'
  )
  expect(missing).toMatchObject({ status: 404, json: { error: { code: 'ResourceNotFound' } } })
  const group = await armFetch(
    world,
    'GET',
    `/subscriptions/${world.subscriptionId}/resourceGroups/other/providers/Microsoft.Kubernetes/connectedClusters/x`,
    undefined,
    '2021-10-01'
  )
  expect(group).toMatchObject({ status: 404, json: { error: { code: 'ResourceGroupNotFound' } } })
})

const RELAY_API = '2017-04-01'

/** Follows a Relay operation URL until it leaves InProgress; its last body. */
async function operationEnd(url: string): Promise<Record<string, unknown>> {
  for (;;) {
    const res = await armFetch(world, 'GET', new URL(url).pathname, undefined, RELAY_API)
    const body = res.json as Record<string, unknown>
    if (body.status !== 'InProgress') return body
    await new Promise(resolve => setTimeout(resolve, 10))
  }
}

test('Azure Relay: namespace, hybrid connection, rule and keys as the CLI creates them', async () => {
  const ns = `${rg}/providers/Microsoft.Relay/namespaces/arcclusterrelay`
  const hc = `${ns}/hybridConnections/arc-cluster`
  const rule = `${hc}/authorizationRules/azureml_rw`
  const v = RELAY_API
  expect((await armFetch(world, 'GET', hc, undefined, v)).status).toBe(404)
  const created = await armFetch(
    world,
    'PUT',
    ns,
    { location: 'eastus', tags: { created_by: 'Azure Arc-enabled ML' } },
    v
  )
  expect(created).toMatchObject({
    status: 201,
    json: { name: 'arcclusterrelay', location: 'eastus' }
  })
  expect(await operationEnd(created.headers.get('azure-asyncoperation')!)).toMatchObject({
    status: 'Succeeded'
  })
  // The spec gives these PUTs 200 alone, create or update: the SDK refuses any other status.
  const putHc = () =>
    armFetch(world, 'PUT', hc, { properties: { requiresClientAuthorization: true } }, v)
  expect((await putHc()).status).toBe(200)
  expect((await putHc()).status).toBe(200)
  const rights = { properties: { rights: ['Manage', 'Send', 'Listen'] } }
  expect((await armFetch(world, 'PUT', rule, rights, v)).status).toBe(200)
  expect((await armFetch(world, 'GET', hc, undefined, v)).json).toMatchObject({
    properties: { requiresClientAuthorization: true }
  })
  const keys = await armFetch(world, 'POST', `${rule}/listKeys`, undefined, v)
  expect(keys.json).toMatchObject({
    keyName: 'azureml_rw',
    primaryConnectionString: expect.stringMatching(
      /^Endpoint=sb:\/\/arcclusterrelay\.servicebus\.windows\.net\/;SharedAccessKeyName=azureml_rw;SharedAccessKey=.+;EntityPath=arc-cluster$/
    ),
    primaryKey: expect.any(String),
    secondaryKey: expect.any(String)
  })
})

test('Azure Relay: a new namespace activates as a long-running operation; writes under it wait', async () => {
  world.arm.relay.activationMs = 1000
  const ns = `${rg}/providers/Microsoft.Relay/namespaces/activatingrelay`
  const hc = `${ns}/hybridConnections/arc-cluster`
  const rule = `${hc}/authorizationRules/azureml_rw`
  const v = RELAY_API
  const created = await armFetch(world, 'PUT', ns, { location: 'eastus' }, v)
  expect(created).toMatchObject({
    status: 201,
    json: { properties: { provisioningState: 'Created', status: 'Activating' } }
  })
  const operation = created.headers.get('azure-asyncoperation')!
  expect(operation).toMatch(
    new RegExp(
      `^https://127\\.0\\.0\\.1:\\d+${ns}/operationresults/[0-9a-f-]{36}\\?api-version=${v}$`
    )
  )
  expect((await armFetch(world, 'GET', new URL(operation).pathname, undefined, v)).json).toEqual({
    id: `${ns}/operationresults/${operation.split('/').pop()!.split('?')[0]}`,
    name: expect.any(String),
    status: 'InProgress',
    startTime: expect.any(String)
  })
  // A hybrid connection, a rule or the namespace itself: each refused until the namespace is Active.
  const inTransition = {
    status: 409,
    json: {
      error: {
        code: 'Conflict',
        message: expect.stringMatching(
          /^Namespace provisioning in transition\. The namespace 'activatingrelay' is Activating/
        )
      }
    }
  }
  const writes = [
    () => armFetch(world, 'PUT', hc, { properties: { requiresClientAuthorization: true } }, v),
    () => armFetch(world, 'PUT', rule, { properties: { rights: ['Listen'] } }, v),
    () => armFetch(world, 'PUT', ns, { location: 'eastus' }, v)
  ]
  for (const write of writes) expect(await write()).toMatchObject(inTransition)
  expect(await operationEnd(operation)).toMatchObject({
    status: 'Succeeded',
    endTime: expect.any(String)
  })
  expect((await armFetch(world, 'GET', ns, undefined, v)).json).toMatchObject({
    sku: { name: 'Standard', tier: 'Standard' },
    properties: { provisioningState: 'Succeeded', status: 'Active' }
  })
  for (const write of writes) expect((await write()).status).toBe(200)
  // An update of an Active namespace is synchronous; its location is fixed.
  expect((await writes[2]!()).headers.get('azure-asyncoperation')).toBeNull()
  expect(await armFetch(world, 'PUT', ns, { location: 'westus' }, v)).toMatchObject({
    status: 400,
    json: { error: { code: 'InvalidResourceLocation' } }
  })
})
