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

test('Azure Relay: namespace, hybrid connection, rule and keys as the CLI creates them', async () => {
  const ns = `${rg}/providers/Microsoft.Relay/namespaces/arcclusterrelay`
  const hc = `${ns}/hybridConnections/arc-cluster`
  const rule = `${hc}/authorizationRules/azureml_rw`
  const v = '2017-04-01'
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
  await armFetch(world, 'PUT', hc, { properties: { requiresClientAuthorization: true } }, v)
  await armFetch(world, 'PUT', rule, { properties: { rights: ['Manage', 'Send', 'Listen'] } }, v)
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
