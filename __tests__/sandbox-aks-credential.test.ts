/**
 * The sandbox's listClusterUserCredential: POST only, `format` only `azure` or `exec`, and the
 * user it hands out per the cluster's kind; the real SDK call the action makes (no `format`) is
 * answered with the kubelogin user on an Entra cluster.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { createContainerService } from '@azure/arm-containerservice/api'
import { listClusterUserCredentials } from '@azure/arm-containerservice/api/managedClusters'
import { clusterId } from '../sandbox/arm/clusters.js'
import { startSandbox } from '../sandbox/index.js'
import type { Sandbox } from '../sandbox/index.js'
import { trustSandboxCa } from '../sandbox/trust.js'
import { ARM_SCOPE, credential } from './sandbox-arm-helpers.js'

let sandbox: Sandbox
let armToken: string

beforeAll(async () => {
  sandbox = await startSandbox({ clusterType: 'managedClusters' })
  trustSandboxCa(sandbox.ca)
  armToken = (await credential(sandbox).getToken(ARM_SCOPE))!.token
})
afterAll(() => sandbox.stop())
beforeEach(() => {
  sandbox.cluster.aad = { azureRbac: false }
})

async function call(method: string, query: string) {
  const url = `${sandbox.arm.endpoint}${clusterId(sandbox.cluster)}/listClusterUserCredential?api-version=2026-06-01${query}`
  const res = await fetch(url, { method, headers: { authorization: `Bearer ${armToken}` } })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

const user = (body: { kubeconfigs: { value: string }[] }) =>
  JSON.parse(Buffer.from(body.kubeconfigs[0]!.value, 'base64').toString()).users[0].user

test('a format other than azure or exec is refused with 400, on any cluster', async () => {
  for (const aad of [{ azureRbac: false }, undefined]) {
    sandbox.cluster.aad = aad
    const r = await call('POST', '&format=kubelogin')
    expect(r.status).toBe(400)
    expect(r.body.error.code).toBe('InvalidParameter')
  }
})

test('format picks the Entra user: exec (kubelogin) or the retired azure auth-provider', async () => {
  const exec = await call('POST', '&format=exec')
  expect(exec.status).toBe(200)
  expect(user(exec.body).exec.command).toBe('kubelogin')
  const azure = await call('POST', '&format=azure')
  expect(azure.status).toBe(200)
  expect(user(azure.body)['auth-provider'].name).toBe('azure')
})

test('only POST lists the credential', async () => {
  expect((await call('GET', '')).status).toBe(404)
})

test('the SDK call the action makes (no format) gets the kubelogin user', async () => {
  const aks = createContainerService(credential(sandbox), sandbox.env.AZURE_SUBSCRIPTION_ID, {
    endpoint: sandbox.arm.endpoint
  })
  const got = await listClusterUserCredentials(aks, 'rg-ml', sandbox.cluster.name)
  expect(got.kubeconfigs?.[0]?.value).toBeDefined()
  const sent = sandbox.arm.requests
    .filter(r => r.path.endsWith('/listClusterUserCredential'))
    .at(-1)
  expect(sent).toMatchObject({ method: 'POST', status: 200 })
  const kubeconfig = JSON.parse(Buffer.from(got.kubeconfigs![0]!.value!).toString())
  expect(kubeconfig.users[0].user.exec.command).toBe('kubelogin')
})
