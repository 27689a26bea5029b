/**
 * apply on an OpenShift Arc cluster: SCC `privileged` must admit the extension's service accounts
 * before anything is written, else the install hangs until Helm's timeout. End to end through the
 * sandbox, whose controller creates no pod of an account the SCC does not admit.
 */
import { KubeConfig } from '@kubernetes/client-node'
import { SCC_STORAGE } from '../../sandbox/controller/scc.js'
import { startKube } from '../../sandbox/kube/index.js'
import { sandboxTls } from '../../sandbox/tls.js'
import { readSccGrants } from '../../src/cluster/scc-read.js'
import { visibleLog } from '../helpers/action.js'
import { runInSandbox, sandboxInputs, startFullSandbox } from '../helpers/sandbox-run.js'
import type { Sandbox } from '../helpers/sandbox-run.js'

const forbidden: string[] = []
let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startFullSandbox({ kube: { openshift: true, forbidden } })
})
afterAll(async () => {
  await sandbox.stop()
})

const TRAINING = { scenario: 'training', 'extension-name': 'ml' }
const command = (sa: string) =>
  `oc adm policy add-scc-to-user privileged system:serviceaccount:${sa}`
const NEEDED = [
  'azure-arc:azure-arc-kube-aad-proxy-sa',
  'azureml:default',
  'azureml:load-amlarc-selinux-policy-sa',
  'azureml:ml-kube-state-metrics',
  'azureml:prom-admission',
  'azureml:prom-operator',
  'azureml:prom-prometheus'
]

const writes = (from: number) =>
  sandbox.arm.requests.slice(from).filter(r => ['PUT', 'PATCH', 'DELETE'].includes(r.method))

function setSccUsers(users: string[]): void {
  sandbox.kube.store.update(SCC_STORAGE, '', 'privileged', scc => {
    scc.users = users
  })
}
const SHIPPED_USERS = ['system:admin', 'system:serviceaccount:openshift-infra:build-controller']

test('the Arc resource says openshift, and the SCC privileged is the one OpenShift ships', () => {
  expect(sandbox.cluster.distribution).toBe('openshift')
  const scc = sandbox.kube.store.get(SCC_STORAGE, '', 'privileged')
  expect(scc?.users).toEqual(SHIPPED_USERS)
  expect(scc?.groups).toEqual(['system:cluster-admins', 'system:nodes', 'system:masters'])
})

test('without the SCC entries apply is refused before any write, with the commands to run', async () => {
  const before = sandbox.arm.requests.length
  const run = await runInSandbox(sandbox, { ...sandboxInputs(sandbox), ...TRAINING })
  expect(run.failed).toBe(true)
  expect(writes(before)).toEqual([])
  const log = visibleLog(run)
  for (const sa of NEEDED) expect(log).toContain(command(sa))
  expect(log).toMatch(/the install hangs until Helm's 15-minute timeout/)
  expect(log).toContain('Nothing was written.')
})

test('once the SCC admits them, the same apply installs and the pods verify', async () => {
  setSccUsers([...SHIPPED_USERS, ...NEEDED.map(sa => `system:serviceaccount:${sa}`)])
  const run = await runInSandbox(sandbox, { ...sandboxInputs(sandbox), ...TRAINING })
  expect(run.errors).toEqual([])
  expect(run.outputs['pods-ready']).toBe('true')
  expect(visibleLog(run)).toContain('SCC privileged admits all 7 service accounts')
})

test('the ClusterRoleBinding `oc adm policy add-scc-to-user` makes (oc 4.5+) counts as admitted', async () => {
  setSccUsers([
    ...SHIPPED_USERS,
    ...NEEDED.filter(sa => sa !== 'azureml:prom-operator').map(sa => `system:serviceaccount:${sa}`)
  ])
  const refused = await runInSandbox(sandbox, { ...sandboxInputs(sandbox), ...TRAINING })
  expect(refused.failed).toBe(true)
  expect(visibleLog(refused)).toContain(command('azureml:prom-operator'))
  expect(visibleLog(refused)).not.toContain(command('azureml:default'))

  sandbox.kube.store.put('rbac.authorization.k8s.io/clusterrolebindings', {
    metadata: { name: 'system:openshift:scc:privileged' },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'system:openshift:scc:privileged'
    },
    subjects: [{ kind: 'ServiceAccount', namespace: 'azureml', name: 'prom-operator' }]
  })
  const run = await runInSandbox(sandbox, { ...sandboxInputs(sandbox), ...TRAINING })
  expect(run.errors).toEqual([])
})

test('a kubeconfig user that may not read the SCC: refused, naming the permission', async () => {
  forbidden.push('get securitycontextconstraints.security.openshift.io')
  try {
    const before = sandbox.arm.requests.length
    const run = await runInSandbox(sandbox, { ...sandboxInputs(sandbox), ...TRAINING })
    expect(run.failed).toBe(true)
    expect(writes(before)).toEqual([])
    const log = visibleLog(run)
    expect(log).toContain('get securitycontextconstraints privileged: 403 Forbidden')
    expect(log).toContain('get on securitycontextconstraints.security.openshift.io')
    for (const sa of NEEDED) expect(log).toContain(command(sa))
  } finally {
    forbidden.length = 0
  }
})

test('without a kubeconfig the SCC cannot be checked: one warning with the commands, and apply goes on', async () => {
  const saved = process.env.KUBECONFIG
  delete process.env.KUBECONFIG
  try {
    const run = await runInSandbox(sandbox, {
      ...sandboxInputs(sandbox),
      ...TRAINING,
      kubeconfig: ''
    })
    expect(run.errors).toEqual([])
    const warnings = run.stdout.split('\n').filter(l => l.startsWith('::warning::'))
    const about = warnings.filter(l => l.includes('SCC privileged cannot be checked'))
    expect(about).toHaveLength(1)
    for (const sa of NEEDED) expect(about[0]).toContain(command(sa))
  } finally {
    if (saved !== undefined) process.env.KUBECONFIG = saved
  }
})

test('the sandbox: an install the SCC does not admit gets no pods, FailedCreate, and Helm times out', async () => {
  const kube = await startKube({
    tls: sandboxTls(),
    openshift: true,
    podStepMs: 5,
    helmTimeoutMs: 400
  })
  try {
    const outcome = await kube.controller.applyExtension(
      {
        name: 'ml',
        clusterType: 'connectedClusters',
        version: '1.1.71',
        settings: { enableTraining: 'true' },
        protectedKeys: []
      },
      'create'
    )
    expect(outcome.ok).toBe(false)
    const events = kube.store.list('events', { namespace: 'azureml' }).items
    const failed = events.filter(e => e.reason === 'FailedCreate').map(e => e.message as string)
    expect(failed).toContainEqual(
      expect.stringMatching(
        /^Error creating: pods "gateway-[a-z0-9]+-" is forbidden: unable to validate against any security context constraint: \[/
      )
    )
  } finally {
    await kube.close()
  }
})

test('only an OpenShift cluster serves SCCs: elsewhere reading one gives nothing', async () => {
  const kube = await startKube({ tls: sandboxTls() })
  try {
    const kc = new KubeConfig()
    kc.loadFromString(kube.kubeconfigYaml)
    expect(await readSccGrants(kc, 'privileged', ['azureml'])).toBeUndefined()
    const openshift = new KubeConfig()
    openshift.loadFromString(sandbox.kube.kubeconfigYaml)
    expect(await readSccGrants(openshift, 'privileged', ['azureml'])).toMatchObject({
      groups: ['system:cluster-admins', 'system:nodes', 'system:masters']
    })
  } finally {
    await kube.close()
  }
})
