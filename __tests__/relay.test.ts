/** The action's Relay calls (src/azure/relay.ts) through the Relay SDK against the sandbox ARM. */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { connectArm } from '../src/azure/arm.js'
import type { Arm } from '../src/azure/arm.js'
import { resolveCloud } from '../src/azure/cloud.js'
import { findOrCreateRelay, readRelay } from '../src/azure/relay.js'
import { relayNamespaceName } from '../src/azure/relay-name.js'
import { Deadline, TimeoutError } from '../src/deadline.js'
import { credential, startAzure } from './sandbox-arm-helpers.js'
import type { AzureWorld } from './sandbox-arm-helpers.js'

let world: AzureWorld
let arm: Arm
beforeEach(async () => {
  world = await startAzure()
  const cloud = resolveCloud('AzureCloud', {
    armEndpoint: world.arm.endpoint,
    authorityHost: world.entra.authorityHost
  })
  arm = connectArm(credential(world), world.subscriptionId, cloud, {
    pollIntervalMs: 10,
    retryDelayMs: 10
  })
})
afterEach(() => world.stop())

const target = { resourceGroup: 'rg-ml', clusterName: 'arc-cluster', location: 'eastus' }
const nothing = (): void => undefined
const hcPuts = () =>
  world.arm.requests.filter(r => r.method === 'PUT' && /hybridConnections\//i.test(r.path))

test('a new namespace is waited for, then the hybrid connection and rule are made; every key is masked', async () => {
  world.arm.relay.activationMs = 100
  const masked: string[] = []
  const lines: string[] = []
  const facts = await findOrCreateRelay(
    arm,
    target,
    s => masked.push(s),
    l => lines.push(l)
  )
  const ns = relayNamespaceName('arc-cluster', world.subscriptionId, 'rg-ml')
  const hcId = `/subscriptions/${world.subscriptionId}/resourceGroups/rg-ml/providers/Microsoft.Relay/namespaces/${ns}/hybridConnections/arc-cluster`
  expect(facts).toEqual({
    connectionString: world.arm.relay.primaryConnectionString(
      `${hcId}/authorizationRules/azureml_rw`
    ),
    hybridConnectionResourceId: hcId,
    hybridConnectionName: 'arc-cluster'
  })
  expect(lines).toEqual([
    `Creating Azure Relay ${ns} with hybrid connection arc-cluster, as az k8s-extension does.`
  ])
  // Both connection strings and both keys.
  expect(masked).toHaveLength(4)
  expect(masked).toContain(facts.connectionString)
  expect(hcPuts().map(r => r.status)).toEqual([200, 200])
  expect(await readRelay(arm, target, nothing)).toEqual(facts)
})

test('a namespace still activating when the timeout is spent: TimeoutError, nothing made under it', async () => {
  world.arm.relay.activationMs = 60_000
  const run = findOrCreateRelay(arm, target, nothing, nothing, new Deadline(150))
  await expect(run).rejects.toThrow(TimeoutError)
  await expect(run).rejects.toThrow(/namespace .* was still activating when the timeout was spent/)
  expect(hcPuts()).toEqual([])
})

test('reading the keys of a Relay that is gone says what to do', async () => {
  await expect(readRelay(arm, target, nothing)).rejects.toThrow(
    /hybridConnections\/arc-cluster is gone, yet the extension uses it: recreate it/
  )
})
