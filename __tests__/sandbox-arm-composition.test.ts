import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, test } from '@jest/globals'
import { ClientAssertionCredential } from '@azure/identity'
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration'
import { startSandbox } from '../sandbox/index.js'
import type { Sandbox } from '../sandbox/index.js'
import { trustSandboxCa } from '../sandbox/trust.js'
import { ARC, ARM_SCOPE, FAST, amlExtension, githubToken } from './sandbox-arm-helpers.js'

let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox({ kube: { nodes: 3, podStepMs: 5 } })
  // These tests read resources right after their operations; the lag is tested on its own.
  sandbox.arm.extensions.staleReads = 0
  trustSandboxCa(sandbox.ca)
})
afterAll(() => sandbox.stop())

test('the environment points at running services and files', () => {
  const { env } = sandbox
  expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toContain('?')
  expect(env.ARM_ENDPOINT).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
  expect(env.AUTHORITY_HOST).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
  expect(readFileSync(env.NODE_EXTRA_CA_CERTS, 'utf8')).toBe(sandbox.ca)
  expect(readFileSync(env.KUBECONFIG, 'utf8')).toContain(sandbox.kube.url)
  expect(env).toMatchObject({
    AZURE_RESOURCE_GROUP: 'rg-ml',
    AZURE_CLUSTER_NAME: 'arc-cluster',
    AZURE_CLUSTER_TYPE: 'connectedClusters',
    NO_PROXY: '127.0.0.1,localhost'
  })
})

test('the Arc cluster reports the Kubernetes side’s node count', () => {
  expect(sandbox.arm.clusters.body(sandbox.cluster)).toMatchObject({
    properties: { totalNodeCount: sandbox.kube.backend.nodeCount() }
  })
})

test('an extension created through the SDK is installed by the Kubernetes side', async () => {
  const { env } = sandbox
  const credential = new ClientAssertionCredential(
    env.AZURE_TENANT_ID,
    env.AZURE_CLIENT_ID,
    () => githubToken(sandbox.oidc),
    { authorityHost: env.AUTHORITY_HOST, disableInstanceDiscovery: true }
  )
  const client = new SourceControlConfigurationClient(credential, env.AZURE_SUBSCRIPTION_ID, {
    endpoint: env.ARM_ENDPOINT,
    credentialScopes: [ARM_SCOPE]
  })
  const created = await client.extensions.beginCreateAndWait(
    ...ARC,
    'azureml',
    amlExtension({ inferenceRouterHA: 'false' }),
    FAST
  )
  expect(created).toMatchObject({ provisioningState: 'Succeeded', currentVersion: '1.1.71' })
})

test('stop() removes the temporary files', async () => {
  const other = await startSandbox()
  await other.stop()
  expect(existsSync(other.kubeconfigPath)).toBe(false)
})
