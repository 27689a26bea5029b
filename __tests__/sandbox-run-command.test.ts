/**
 * The sandbox's AKS Run Command over plain HTTP, as the REST reference shows it: 202 and a
 * Location, the result 202 while running then 200, RBAC, the clusterToken of Entra-integrated
 * clusters, and the real kubectl behind it.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { AKS_SERVER_APP } from '../sandbox/arm/run-command.js'
import { startSandbox } from '../sandbox/index.js'
import type { Sandbox } from '../sandbox/index.js'
import { trustSandboxCa } from '../sandbox/trust.js'
import { ARM_SCOPE, credential } from './sandbox-arm-helpers.js'

let sandbox: Sandbox
let armToken: string
let aksToken: string
const API = '2024-09-01'

beforeAll(async () => {
  sandbox = await startSandbox({ clusterType: 'managedClusters', kube: { podStepMs: 5 } })
  trustSandboxCa(sandbox.ca)
  const cred = credential(sandbox)
  armToken = (await cred.getToken(ARM_SCOPE))!.token
  aksToken = (await cred.getToken(`${AKS_SERVER_APP}/.default`))!.token
})
afterAll(() => sandbox.stop())
beforeEach(() => {
  const rc = sandbox.arm.runCommands
  rc.retryAfterSeconds = 1
  rc.startupMs = 0
  sandbox.cluster.aad = undefined
  sandbox.arm.permissions.set('/', [{ actions: ['*'] }])
})

const clusterPath = () =>
  `/subscriptions/${sandbox.env.AZURE_SUBSCRIPTION_ID}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-cluster`

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${armToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await res.text()
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined }
}

const post = (body: unknown, api = API) =>
  call('POST', `${sandbox.arm.endpoint}${clusterPath()}/runCommand?api-version=${api}`, body)

/** Follows the Location until the result is in (no Retry-After wait: the tests set none). */
async function result(location: string) {
  for (let i = 0; i < 200; i++) {
    const r = await call('GET', location)
    if (r.status !== 202) return r
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error('no result')
}

test('runCommand answers 202 with a Location to its result, which is 202 while running, then 200', async () => {
  sandbox.arm.runCommands.startupMs = 300
  const before = sandbox.arm.runCommands.requests.length
  const accepted = await post({ command: 'kubectl get nodes' })
  expect(accepted.status).toBe(202)
  expect(accepted.body).toBeUndefined()
  expect(accepted.headers.get('retry-after')).toBe('1')
  const location = accepted.headers.get('location')!
  expect(location).toMatch(
    new RegExp(
      `^${sandbox.arm.endpoint}${clusterPath()}/commandResults/[0-9a-f]{32}\\?api-version=${API}$`
    )
  )
  const running = await call('GET', location)
  expect(running.status).toBe(202)
  expect(running.headers.get('location')).toBe(location)
  sandbox.arm.runCommands.retryAfterSeconds = undefined
  const done = await result(location)
  expect(done.status).toBe(200)
  expect(done.body).toEqual({
    id: location.split('/commandResults/')[1]!.split('?')[0],
    properties: {
      provisioningState: 'Succeeded',
      exitCode: 0,
      startedAt: expect.stringMatching(/^\d{4}-.*Z$/),
      finishedAt: expect.stringMatching(/^\d{4}-.*Z$/),
      logs: expect.stringMatching(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/)
    }
  })
  // The three sandbox nodes, listed by the real kubectl.
  expect(done.body.properties.logs.trim().split('\n')).toHaveLength(4)
  expect(sandbox.arm.runCommands.requests.slice(before)).toEqual([
    expect.objectContaining({
      cluster: 'aks-cluster',
      command: 'kubectl get nodes',
      clusterToken: false
    })
  ])
})

test.each<[string, string, number, RegExp]>([
  ['a command that is not kubectl', 'helm list -A', 127, /^sh: 1: helm: not found\n$/],
  ['kubectl with shell syntax', 'kubectl get pods | grep x', 2, /no pipes, redirection/],
  [
    'a kubectl error',
    'kubectl get widgets',
    1,
    /the server doesn't have a resource type "widgets"/
  ],
  [
    'kubectl without a namespace (the pod does not default to azureml)',
    'kubectl get pods',
    0,
    /^No resources found in default namespace\.\n$/
  ]
])('%s: the result carries its exit code and log', async (_name, command, exitCode, logs) => {
  sandbox.arm.runCommands.retryAfterSeconds = undefined
  const accepted = await post({ command })
  const done = await result(accepted.headers.get('location')!)
  expect(done.body.properties).toMatchObject({ provisioningState: 'Succeeded', exitCode })
  expect(done.body.properties.logs).toMatch(logs)
})

test('a command pod that never runs: Failed with a reason and no exit code', async () => {
  sandbox.arm.runCommands.retryAfterSeconds = undefined
  sandbox.arm.runCommands.failNext('ImagePullBackoff')
  const done = await result((await post({ command: 'kubectl get nodes' })).headers.get('location')!)
  expect(done.body.properties).toEqual({
    provisioningState: 'Failed',
    reason: 'ImagePullBackoff',
    startedAt: expect.any(String),
    finishedAt: expect.any(String)
  })
})

test.each<[string, unknown, string, number, string, RegExp]>([
  ['no command', {}, API, 400, 'InvalidParameter', /'command' is required/],
  ['an empty command', { command: ' ' }, API, 400, 'InvalidParameter', /'command' is required/],
  [
    'a command that is not a string',
    { command: ['kubectl'] },
    API,
    400,
    'InvalidParameter',
    /'command'/
  ],
  ['a body that is not an object', [1], API, 400, 'InvalidRequestContent', /RunCommandRequest/],
  [
    'files in context',
    { command: 'kubectl get nodes', context: 'UEsDBA==' },
    API,
    400,
    'InvalidParameter',
    /context/
  ],
  [
    'an api-version before Run Command',
    { command: 'kubectl get nodes' },
    '2020-01-01',
    400,
    'NoRegisteredProviderFound',
    /2021-05-01/
  ]
])('%s is refused', async (_name, body, api, status, code, message) => {
  const before = sandbox.arm.runCommands.requests.length
  const r = await post(body, api)
  expect(r.status).toBe(status)
  expect(r.body.error.code).toBe(code)
  expect(r.body.error.message).toMatch(message)
  expect(sandbox.arm.runCommands.requests.length).toBe(before)
})

test('without the runCommand action: 403 AuthorizationFailed naming it; commandResults needs read', async () => {
  sandbox.arm.permissions.set('/', [
    { actions: ['Microsoft.ContainerService/managedClusters/read'] }
  ])
  const r = await post({ command: 'kubectl get nodes' })
  expect(r.status).toBe(403)
  expect(r.body.error.code).toBe('AuthorizationFailed')
  expect(r.body.error.message).toContain(
    "action 'Microsoft.ContainerService/managedClusters/runCommand/action'"
  )
  sandbox.arm.permissions.set('/', [
    { actions: ['Microsoft.ContainerService/managedClusters/runCommand/action'] }
  ])
  const accepted = await post({ command: 'kubectl get nodes' })
  expect(accepted.status).toBe(202)
  const read = await call('GET', accepted.headers.get('location')!)
  expect(read.status).toBe(403)
  expect(read.body.error.message).toContain('managedClusters/commandResults/read')
})

test('a result of another cluster, or of no command, is 404', async () => {
  sandbox.arm.runCommands.retryAfterSeconds = undefined
  const location = (await post({ command: 'kubectl version --client' })).headers.get('location')!
  expect(
    (await call('GET', location.replace(/\/commandResults\/\w+/, '/commandResults/0f0f'))).status
  ).toBe(404)
  const other = location.replace('/aks-cluster/', '/no-such-cluster/')
  expect((await call('GET', other)).body.error.code).toBe('ResourceNotFound')
})

test('an Entra-integrated cluster needs a clusterToken for the AKS server app', async () => {
  sandbox.cluster.aad = { azureRbac: false }
  const refused = async (body: Record<string, unknown>, why: RegExp) => {
    const r = await post({ command: 'kubectl get nodes', ...body })
    expect(r.status).toBe(400)
    expect(r.body.error.code).toBe('InvalidClusterToken')
    expect(r.body.error.message).toMatch(new RegExp(`${AKS_SERVER_APP}, and it ${why.source}`))
  }
  await refused({}, /is missing/)
  await refused({ clusterToken: '' }, /is missing/)
  await refused({ clusterToken: 'not-a-jwt' }, /is not a token Entra ID issued/)
  // The ARM token is Entra's own, but for another audience.
  await refused({ clusterToken: armToken }, /was issued for 'https:\/\/management\.azure\.com'/)
  const before = sandbox.arm.runCommands.requests.length
  const accepted = await post({ command: 'kubectl get nodes', clusterToken: aksToken })
  expect(accepted.status).toBe(202)
  const [record] = sandbox.arm.runCommands.requests.slice(before)
  expect(record).toMatchObject({ clusterToken: true })
  expect(JSON.stringify(record)).not.toContain(aksToken)
})

test('on an Entra cluster with Azure RBAC the command runs as the caller: without a data action, kubectl is forbidden', async () => {
  sandbox.cluster.aad = { azureRbac: true }
  sandbox.arm.runCommands.retryAfterSeconds = undefined
  const run = async () => {
    const accepted = await post({ command: 'kubectl get nodes', clusterToken: aksToken })
    return (await result(accepted.headers.get('location')!)).body.properties
  }
  const refused = await run()
  expect(refused.exitCode).toBe(1)
  expect(refused.logs).toMatch(/Error from server \(Forbidden\): nodes is forbidden/)
  sandbox.arm.permissions.set('/', [
    { actions: ['*'], dataActions: ['Microsoft.ContainerService/managedClusters/*/read'] }
  ])
  expect(await run()).toMatchObject({ exitCode: 0, logs: expect.stringMatching(/^NAME\s+STATUS/) })
})
