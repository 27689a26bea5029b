/**
 * AKS without a kubeconfig, end to end through the sandbox with the real SDKs: the cluster is
 * reached through ARM (listClusterUserCredential) with the identity that signed in, and every
 * refusal stops the run before any write, with its fix. Nothing it obtains is printed or written.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { clusterId } from '../../sandbox/arm/clusters.js'
import { runAction, visibleLog } from '../helpers/action.js'
import type { ActionRun } from '../helpers/action.js'
import { sandboxInputs, startFullSandbox } from '../helpers/sandbox-run.js'
import type { Sandbox } from '../helpers/sandbox-run.js'

const AKS_SCOPE = '6dae42f8-4368-4678-94ff-3960e28e3630/.default'
const READ_ALL = 'Microsoft.ContainerService/managedClusters/*/read'

let s: Sandbox
beforeEach(async () => {
  s = await startFullSandbox({ clusterType: 'managedClusters' })
})
afterEach(() => s.stop())

/** The action with no kubeconfig (input or KUBECONFIG), its HOME and TMPDIR empty directories. */
async function run(inputs: Record<string, string> = {}): Promise<ActionRun & { wrote: string[] }> {
  const home = mkdtempSync(join(tmpdir(), 'aks-home-'))
  try {
    const r = await runAction(
      { ...sandboxInputs(s), kubeconfig: '', scenario: 'training', ...inputs },
      {
        ACTIONS_ID_TOKEN_REQUEST_URL: s.env.ACTIONS_ID_TOKEN_REQUEST_URL,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
        AZUREML_ACTION_POLL_MS: '10',
        AZUREML_ACTION_RETRY_MS: '10',
        AZUREML_ACTION_GRACE_MS: '1000',
        AZUREML_ACTION_CONNECT_MS: '500',
        NO_PROXY: '127.0.0.1,localhost',
        KUBECONFIG: '',
        HOME: home,
        TMPDIR: home
      }
    )
    return { ...r, wrote: readdirSync(home, { recursive: true }) as string[] }
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
}

const grant = (dataActions: string[]) =>
  s.arm.permissions.set(clusterId(s.cluster), [{ actions: [], dataActions }])
const extensionWrites = () => s.arm.requests.filter(r => r.method === 'PUT' || r.method === 'PATCH')
const credentialCalls = () =>
  s.arm.requests.filter(r => r.path.endsWith('/listClusterUserCredential'))

function expectRefusedBeforeWrite(r: ActionRun, ...said: (string | RegExp)[]): void {
  expect(r.failed).toBe(true)
  const log = visibleLog(r)
  for (const s of said) expect(log).toMatch(s)
  expect(extensionWrites()).toEqual([])
}

test('an Entra cluster with Azure RBAC is verified with a token for the AKS server app, and nothing is kept', async () => {
  s.cluster.aad = { azureRbac: true }
  s.cluster.disableLocalAccounts = true
  grant([READ_ALL])
  const r = await run()
  expect(r.failed).toBe(false)
  expect(r.outputs['pods-ready']).toBe('true')
  expect(visibleLog(r)).toMatch(
    /checked through ARM \(listClusterUserCredential\) with a Microsoft Entra token/
  )
  expect(s.entra.tokenRequests.map(t => t.form.scope)).toContain(AKS_SCOPE)
  expect(credentialCalls()).toHaveLength(1)
  expect(r.wrote).toEqual([])
  // The local account's token is in the sandbox's kubeconfig; the run never saw it.
  expect(r.stdout).not.toContain(s.kube.token)
})

test("a cluster with local accounts is verified with ARM's user credential, masked", async () => {
  const r = await run()
  expect(r.failed).toBe(false)
  expect(r.outputs['pods-ready']).toBe('true')
  expect(visibleLog(r)).toMatch(/with the cluster's local user credential/)
  expect(s.entra.tokenRequests.map(t => t.form.scope)).not.toContain(AKS_SCOPE)
  // Masked before anything could print it; the visible log never holds it.
  expect(r.stdout).toContain(`::add-mask::${s.kube.token}`)
  expect(r.wrote).toEqual([])
})

test('Azure RBAC without a role on the cluster: refused before any write, naming the role to assign', async () => {
  s.cluster.aad = { azureRbac: true }
  const r = await run()
  expectRefusedBeforeWrite(
    r,
    /Azure RBAC refused to list \S+ .*for the identity/,
    /"Azure Kubernetes Service RBAC Reader"/,
    `az role assignment create --assignee ${s.env.AZURE_CLIENT_ID}`
  )
})

test('Azure RBAC with the built-in reader role only: nodes are refused, and the verifier role is named', async () => {
  s.cluster.aad = { azureRbac: true }
  const reader = ['namespaces', 'pods', 'events', 'configmaps'].map(
    r => `Microsoft.ContainerService/managedClusters/${r}/read`
  )
  grant([...reader, 'Microsoft.ContainerService/managedClusters/apps/*/read'])
  const r = await run({ mode: 'verify' })
  expect(r.failed).toBe(true)
  expect(visibleLog(r)).toMatch(/managedClusters\/nodes\/read/)
  expect(visibleLog(r)).toMatch(/"AzureML extension verifier"/)
})

test('local accounts disabled on a cluster without Entra integration: refused with both fixes', async () => {
  s.cluster.disableLocalAccounts = true
  const r = await run()
  expectRefusedBeforeWrite(
    r,
    /local accounts disabled and no Microsoft Entra integration/,
    /--enable-aad/,
    /--enable-local-accounts/
  )
  expect(credentialCalls()).toEqual([])
})

test('without listClusterUserCredential/action: refused, naming the Cluster User role', async () => {
  s.arm.permissions.set('/', [
    {
      actions: ['*'],
      notActions: ['Microsoft.ContainerService/managedClusters/listClusterUserCredential/action']
    }
  ])
  const r = await run()
  expectRefusedBeforeWrite(
    r,
    /listClusterUserCredential\/action/,
    /"Azure Kubernetes Service Cluster User Role"/
  )
})

test('authorized IP ranges that do not admit the runner: refused fast, listing the ranges and the fixes', async () => {
  s.cluster.authorizedIPRanges = ['203.0.113.0/24', '198.51.100.7/32']
  const started = Date.now()
  const r = await run()
  expectRefusedBeforeWrite(
    r,
    /203\.0\.113\.0\/24, 198\.51\.100\.7\/32/,
    /--api-server-authorized-ip-ranges/,
    /cluster-access: run-command/
  )
  expect(Date.now() - started).toBeLessThan(15_000)
})

test('a private cluster under cluster-access: arm fails fast, saying why', async () => {
  s.cluster.privateCluster = true
  const r = await run({ 'cluster-access': 'arm' })
  expectRefusedBeforeWrite(
    r,
    /is private: its API server .* has only a private address/,
    /virtual network/
  )
})

test('a private Entra cluster under auto is verified through Run Command, the token never shown', async () => {
  s.cluster.privateCluster = true
  s.cluster.aad = { azureRbac: true }
  s.cluster.disableLocalAccounts = true
  grant([READ_ALL])
  const r = await run()
  expect(r.failed).toBe(false)
  expect(r.outputs['pods-ready']).toBe('true')
  expect(r.summary).toMatch(/checked through AKS Run Command/)
  // No credential is asked for: every look is a command AKS runs inside the cluster.
  expect(credentialCalls()).toEqual([])
  expect(s.arm.runCommands.requests.length).toBeGreaterThan(0)
  expect(s.arm.runCommands.requests.every(c => c.clusterToken)).toBe(true)
  const posts = s.arm.requests.filter(q => q.path.endsWith('/runCommand'))
  expect(posts).not.toEqual([])
  for (const post of posts) {
    const token = (post.body as { clusterToken: string }).clusterToken
    expect(visibleLog(r) + r.summary + JSON.stringify(r.outputs)).not.toContain(token)
    // Masked before anything could print it.
    expect(r.stdout).toContain(`::add-mask::${token}`)
  }
  expect(r.wrote).toEqual([])
})
