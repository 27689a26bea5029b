/**
 * How the cluster is reached: the pure decision (tables), the Arc notice end to end, and the
 * sandbox's AKS side, which must refuse what a real AKS API server and ARM refuse.
 */
import { aksAccess, explainFailure, planAccess, readDataAction } from '../src/cluster/access.js'
import type { AccessInputs, AksAccessFacts } from '../src/cluster/access.js'
import { clusterId } from '../sandbox/arm/clusters.js'
import { nowSeconds, signJwt } from '../sandbox/jwt.js'
import { runInSandbox, sandboxInputs, startFullSandbox } from './helpers/sandbox-run.js'
import type { Sandbox } from './helpers/sandbox-run.js'
import { visibleLog } from './helpers/action.js'

const AKS_APP = '6dae42f8-4368-4678-94ff-3960e28e3630'
const BASE: AccessInputs = {
  access: 'auto',
  kubeconfigGiven: false,
  clusterType: 'managedClusters',
  waitForPods: true
}

test.each<[string, Partial<AccessInputs>, string]>([
  ['auto with a kubeconfig', { kubeconfigGiven: true }, 'kubeconfig'],
  [
    'auto with a kubeconfig on Arc',
    { kubeconfigGiven: true, clusterType: 'connectedClusters' },
    'kubeconfig'
  ],
  [
    'a kubeconfig even when wait-for-pods is false',
    { kubeconfigGiven: true, waitForPods: false },
    'kubeconfig'
  ],
  ['auto on AKS without a kubeconfig', {}, 'aks:auto'],
  ['arm on AKS, a kubeconfig ignored', { access: 'arm', kubeconfigGiven: true }, 'aks:arm'],
  ['run-command on AKS', { access: 'run-command' }, 'aks:run-command'],
  ['none', { access: 'none', kubeconfigGiven: true }, 'none'],
  ['AKS with wait-for-pods false', { waitForPods: false }, 'none'],
  ['Arc without a kubeconfig', { clusterType: 'connectedClusters' }, 'none+notice']
])('planAccess: %s', (_, change, expected) => {
  const plan = planAccess({ ...BASE, ...change })
  const got =
    plan.way === 'aks'
      ? `aks:${plan.access}`
      : plan.way === 'none' && plan.notice
        ? 'none+notice'
        : plan.way
  expect(got).toBe(expected)
})

const PUBLIC: AksAccessFacts = {
  entra: false,
  azureRbac: false,
  localAccountsDisabled: false,
  private: false,
  authorizedIpRanges: []
}
const CLUSTER = { name: 'aks-ml', resourceGroup: 'rg-ml' }

test.each<[string, 'auto' | 'arm' | 'run-command', Partial<AksAccessFacts>, string]>([
  ['local accounts', 'auto', {}, 'arm:local'],
  [
    'Entra with Azure RBAC, local accounts off',
    'auto',
    { entra: true, azureRbac: true, localAccountsDisabled: true },
    'arm:entra'
  ],
  ['Entra with Kubernetes RBAC', 'arm', { entra: true }, 'arm:entra'],
  ['authorized IP ranges: tried', 'auto', { authorizedIpRanges: ['203.0.113.0/24'] }, 'arm:local'],
  ['private under auto', 'auto', { private: true }, 'run-command'],
  ['private under arm: tried', 'arm', { private: true, entra: true }, 'arm:entra'],
  ['run-command asked for', 'run-command', {}, 'run-command'],
  ['no Entra and no local accounts', 'auto', { localAccountsDisabled: true }, 'refused'],
  ['no Entra and no local accounts, arm', 'arm', { localAccountsDisabled: true }, 'refused']
])('aksAccess: %s', (_, access, change, expected) => {
  const a = aksAccess(access, { ...PUBLIC, ...change }, CLUSTER)
  expect(a.way === 'arm' ? `arm:${a.credential}` : a.way).toBe(expected)
})

test.each([
  ['pods', 'Microsoft.ContainerService/managedClusters/pods/read'],
  ['deployments.apps', 'Microsoft.ContainerService/managedClusters/apps/deployments/read'],
  ['nodes', 'Microsoft.ContainerService/managedClusters/nodes/read']
])('the data action to read %s is %s', (resource, action) => {
  expect(readDataAction(resource)).toBe(action)
})

test.each<[string, Partial<AksAccessFacts>, Parameters<typeof explainFailure>[1], RegExp]>([
  [
    '403 under Azure RBAC, pods',
    { entra: true, azureRbac: true },
    { kind: 'forbidden', operation: { verb: 'list', resource: 'pods', namespace: 'azureml' } },
    /RBAC Reader/
  ],
  [
    '403 under Azure RBAC, nodes',
    { entra: true, azureRbac: true },
    { kind: 'forbidden', operation: { verb: 'list', resource: 'nodes' } },
    /AzureML extension verifier/
  ],
  [
    '403 under Kubernetes RBAC',
    { entra: true },
    { kind: 'forbidden', operation: { verb: 'list', resource: 'pods' } },
    /object id/
  ],
  [
    'no answer, private',
    { private: true },
    { kind: 'unreachable', detail: 'no answer' },
    /virtual network/
  ],
  [
    'no answer, IP ranges',
    { authorizedIpRanges: ['203.0.113.0/24'] },
    { kind: 'unreachable' },
    /203\.0\.113\.0\/24,<runner IP>\/32/
  ],
  [
    'no answer, public',
    {},
    { kind: 'unreachable', detail: 'ECONNREFUSED' },
    /did not answer \(ECONNREFUSED\)/
  ]
])('explainFailure: %s', (_, facts, failure, fix) => {
  const said = explainFailure({ ...PUBLIC, ...facts }, failure, {
    cluster: CLUSTER,
    server: 'https://aks-ml.hcp.eastus.azmk8s.io:443',
    who: {
      clientId: 'c1',
      clusterId:
        '/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks-ml'
    }
  })
  expect(`${said?.message} ${said?.fix}`).toMatch(fix)
})

test('a 403 with a kubeconfig-like local account keeps the Kubernetes side’s own words', () => {
  expect(
    explainFailure(
      PUBLIC,
      { kind: 'forbidden', operation: { verb: 'list', resource: 'pods' } },
      { cluster: CLUSTER, server: 's', who: { clientId: 'c', clusterId: 'i' } }
    )
  ).toBeUndefined()
})

describe('through the sandbox', () => {
  let s: Sandbox
  afterEach(() => s.stop())

  test('Arc without a kubeconfig: verified through ARM only, with one notice saying what to give', async () => {
    s = await startFullSandbox()
    const r = await runInSandbox(s, { ...sandboxInputs(s), kubeconfig: '', scenario: 'training' })
    expect(r.failed).toBe(false)
    const notices = r.stdout.split('\n').filter(l => l.startsWith('::notice'))
    expect(notices.filter(l => l.includes('cluster connect'))).toHaveLength(1)
    expect(notices.join('\n')).toMatch(/Give kubeconfig/)
    expect(r.outputs['pods-ready']).toBe('false')
    expect(r.summary).toMatch(/an Arc cluster is reached through its own kubeconfig/)
  })

  test('cluster-access: arm on Arc is an input problem', async () => {
    s = await startFullSandbox()
    const r = await runInSandbox(s, {
      ...sandboxInputs(s),
      'cluster-access': 'arm',
      scenario: 'training'
    })
    expect(r.failed).toBe(true)
    expect(visibleLog(r)).toMatch(/Input 'cluster-access'::'arm' reaches AKS clusters only/)
    expect(s.arm.requests).toEqual([])
  })

  describe('an Entra-integrated AKS API server', () => {
    const token = (aud: string, exp = nowSeconds() + 600) =>
      signJwt({ aud, oid: s.entra.clientId, exp, iat: nowSeconds() }, s.entra.key)
    const get = (bearer: string, path = '/api/v1/namespaces/default/pods') =>
      fetch(`${s.kube.url}${path}`, { headers: { authorization: `Bearer ${bearer}` } })

    beforeEach(async () => {
      s = await startFullSandbox({ clusterType: 'managedClusters' })
      s.cluster.aad = { azureRbac: true }
    })

    test('takes only unexpired tokens for the AKS server app, signed by Entra', async () => {
      s.arm.permissions.set(clusterId(s.cluster), [
        { actions: [], dataActions: ['Microsoft.ContainerService/managedClusters/*/read'] }
      ])
      expect((await get(token(AKS_APP))).status).toBe(200)
      expect((await get(token('https://management.azure.com/'))).status).toBe(401)
      expect((await get(token(AKS_APP, nowSeconds() - 10))).status).toBe(401)
      // Still the local account until local accounts are disabled.
      expect((await get(s.kube.token)).status).toBe(200)
      s.cluster.disableLocalAccounts = true
      expect((await get(s.kube.token)).status).toBe(401)
    })

    test('answers 403 as AKS does without a data action on the cluster; write needs write', async () => {
      const denied = await get(token(AKS_APP))
      expect(denied.status).toBe(403)
      expect(((await denied.json()) as { message: string }).message).toMatch(
        /cannot list resource "pods" .*: User does not have access to the resource in Azure\. Update role assignment to allow access\.$/
      )
      s.arm.permissions.set(clusterId(s.cluster), [
        { actions: [], dataActions: ['Microsoft.ContainerService/managedClusters/pods/read'] }
      ])
      expect((await get(token(AKS_APP))).status).toBe(200)
      expect((await get(token(AKS_APP), '/api/v1/nodes')).status).toBe(403)
    })

    test('listClusterUserCredential needs its action; the Entra credential carries no secret', async () => {
      const url = `${s.arm.endpoint}${clusterId(s.cluster)}/listClusterUserCredential?api-version=2026-06-01`
      const arm = signJwt(
        { aud: 'https://management.azure.com/', exp: nowSeconds() + 600 },
        s.entra.key
      )
      const post = () => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${arm}` } })
      const ok = (await (await post()).json()) as { kubeconfigs: { value: string }[] }
      const kubeconfig = Buffer.from(ok.kubeconfigs[0]!.value, 'base64').toString()
      expect(kubeconfig).toContain('kubelogin')
      expect(kubeconfig).not.toContain(s.kube.token)
      s.arm.permissions.set('/', [{ actions: ['Microsoft.ContainerService/managedClusters/read'] }])
      expect((await post()).status).toBe(403)
    })
  })
})
