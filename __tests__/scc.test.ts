/**
 * OpenShift SCC `privileged`: which service accounts a request needs (reference §10 against the
 * components it installs), which of them an SCC admits, and what the preflight does with it.
 */
import { readFileSync } from 'node:fs'
import {
  admits,
  decideScc,
  isOpenShift,
  notAdmitted,
  requiredServiceAccounts,
  sccCommand
} from '../src/cluster/scc.js'
import type { SccGrants, SccTarget, ServiceAccountRef } from '../src/cluster/scc.js'

const ARC = 'connectedClusters' as const
const target = (settings: Record<string, string>, extra: Partial<SccTarget> = {}): SccTarget => ({
  extensionName: 'ml',
  clusterType: ARC,
  settings,
  ...extra
})
const names = (t: SccTarget) => requiredServiceAccounts(t).map(sa => `${sa.namespace}:${sa.name}`)

const ALWAYS = [
  'azure-arc:azure-arc-kube-aad-proxy-sa',
  'azureml:default',
  'azureml:load-amlarc-selinux-policy-sa',
  'azureml:ml-kube-state-metrics',
  'azureml:prom-admission',
  'azureml:prom-operator',
  'azureml:prom-prometheus'
]

test.each([
  ['training', { enableTraining: 'true' }, {}, ALWAYS],
  [
    'inference, Arc defaults (no nginx)',
    { enableInference: 'true' },
    {},
    [...ALWAYS, 'azureml:azureml-fe-v2']
  ],
  [
    'inference with nginx on',
    { enableInference: 'true', 'nginxIngress.enabled': 'true' },
    {},
    [
      ...ALWAYS,
      'azureml:azureml-fe-v2',
      'azureml:azureml-ingress-nginx',
      'azureml:azureml-ingress-nginx-admission'
    ]
  ],
  [
    'own Prometheus operator (installPromOp=false)',
    { enableTraining: 'true', installPromOp: 'false' },
    {},
    ALWAYS.filter(n => !/prom-(admission|operator)/.test(n))
  ],
  [
    'seed era (1.0.x): azureml-fe, status reporter, Blob CSI',
    { enableTraining: 'true', enableInference: 'true' },
    { version: '1.0.88' },
    [
      ...ALWAYS,
      'azureml:cluster-status-reporter',
      'azureml:csi-blob-controller-sa',
      'azureml:azureml-fe',
      'azureml:csi-blob-node-sa'
    ]
  ],
  [
    'a compute namespace',
    { enableTraining: 'true' },
    { computeNamespace: 'ml-jobs' },
    [...ALWAYS, 'ml-jobs:default']
  ]
] as const)('%s', (_name, settings, extra, expected) => {
  expect(names(target({ ...settings }, extra)).sort()).toEqual([...expected].sort())
})

test('a long extension name gives its own kube-state-metrics account', () => {
  expect(names(target({ enableTraining: 'true' }, { extensionName: 'arc-k8s-ml' }))).toContain(
    'azureml:arc-k8s-ml-kube-state-metrics'
  )
})

const SA: ServiceAccountRef = { namespace: 'azureml', name: 'prom-operator' }
const NONE: SccGrants = { users: [], groups: [], bindings: [] }
// OpenShift's own privileged SCC, as shipped.
const SHIPPED: SccGrants = {
  users: ['system:admin', 'system:serviceaccount:openshift-infra:build-controller'],
  groups: ['system:cluster-admins', 'system:nodes', 'system:masters'],
  bindings: []
}

test.each<[string, SccGrants, boolean]>([
  ['as shipped', SHIPPED, false],
  ['the user entry', { ...NONE, users: ['system:serviceaccount:azureml:prom-operator'] }, true],
  ['another namespace', { ...NONE, users: ['system:serviceaccount:other:prom-operator'] }, false],
  ['the name as a bare user', { ...NONE, users: ['prom-operator'] }, false],
  ['all service accounts', { ...NONE, groups: ['system:serviceaccounts'] }, true],
  ['those of azureml', { ...NONE, groups: ['system:serviceaccounts:azureml'] }, true],
  ['those of another namespace', { ...NONE, groups: ['system:serviceaccounts:default'] }, false],
  ['every authenticated requester', { ...NONE, groups: ['system:authenticated'] }, true],
  [
    'oc 4.5+: the ClusterRoleBinding add-scc-to-user makes',
    {
      ...NONE,
      bindings: [
        { subjects: [{ kind: 'ServiceAccount', namespace: 'azureml', name: 'prom-operator' }] }
      ]
    },
    true
  ],
  [
    'a RoleBinding in azureml',
    {
      ...NONE,
      bindings: [
        { namespace: 'azureml', subjects: [{ kind: 'ServiceAccount', name: 'prom-operator' }] }
      ]
    },
    true
  ],
  [
    'a RoleBinding in another namespace does not reach azureml pods',
    {
      ...NONE,
      bindings: [
        {
          namespace: 'other',
          subjects: [{ kind: 'ServiceAccount', namespace: 'azureml', name: 'prom-operator' }]
        }
      ]
    },
    false
  ],
  [
    'a binding to the user name',
    {
      ...NONE,
      bindings: [
        { subjects: [{ kind: 'User', name: 'system:serviceaccount:azureml:prom-operator' }] }
      ]
    },
    true
  ],
  [
    'a binding to the namespace group',
    {
      ...NONE,
      bindings: [{ subjects: [{ kind: 'Group', name: 'system:serviceaccounts:azureml' }] }]
    },
    true
  ]
])('SCC privileged and azureml:prom-operator, %s', (_name, grants, expected) => {
  expect(admits(grants, SA)).toBe(expected)
})

test('the command names the SCC and the full service-account user', () => {
  expect(sccCommand({ namespace: 'azureml', name: 'default' })).toBe(
    'oc adm policy add-scc-to-user privileged system:serviceaccount:azureml:default'
  )
})

test.each([
  ['openshift', true],
  ['OpenShift', true],
  [' openshift ', true],
  ['k3s', false],
  [undefined, false]
])('distribution %j is OpenShift: %s', (d, expected) => {
  expect(isOpenShift(d)).toBe(expected)
})

describe('the preflight decision', () => {
  const required = requiredServiceAccounts(target({ enableTraining: 'true' }))
  const some = { ...NONE, users: ['system:serviceaccount:azureml:default'] }

  test('missing accounts refuse with one command each, and only for those missing', () => {
    const d = decideScc(required, { kind: 'read', grants: some })
    expect(d.act).toBe('refuse')
    const message = d.act === 'refuse' ? d.message : ''
    for (const sa of notAdmitted(required, some)) expect(message).toContain(sccCommand(sa))
    const lines = message.split('\n').map(l => l.trim())
    expect(lines).not.toContain(sccCommand({ namespace: 'azureml', name: 'default' }))
    expect(message).toMatch(/hangs until Helm's 15-minute timeout/)
    expect(message).toMatch(/Nothing was written\.$/)
  })

  test('all admitted: go on', () => {
    const all = { ...NONE, groups: ['system:serviceaccounts'] }
    expect(decideScc(required, { kind: 'read', grants: all }).act).toBe('proceed')
  })

  test('403 refuses, naming the permission and listing every command to check', () => {
    const d = decideScc(required, { kind: 'forbidden', what: 'get securitycontextconstraints' })
    expect(d).toMatchObject({ act: 'refuse' })
    const message = d.act === 'refuse' ? d.message : ''
    expect(message).toContain('get on securitycontextconstraints.security.openshift.io')
    expect(message).toContain('oc get scc privileged -o yaml')
    for (const sa of required) expect(message).toContain(sccCommand(sa))
  })

  test('no kubeconfig: warn with every command and go on', () => {
    const d = decideScc(required, { kind: 'unreachable' })
    expect(d.act).toBe('warn')
    for (const sa of required) expect(d.act === 'warn' && d.message).toContain(sccCommand(sa))
  })

  test('a read failure refuses when the cluster is to be verified, else warns', () => {
    expect(decideScc(required, { kind: 'failed', message: 'ECONNREFUSED', fatal: true }).act).toBe(
      'refuse'
    )
    expect(decideScc(required, { kind: 'failed', message: 'ECONNREFUSED', fatal: false }).act).toBe(
      'warn'
    )
  })

  test('no SCC API: warn, not refuse', () => {
    expect(decideScc(required, { kind: 'not-served' }).act).toBe('warn')
  })
})

test('scc.ts is pure: it imports only the catalog, the model and names', () => {
  const text = readFileSync(new URL('../src/cluster/scc.ts', import.meta.url), 'utf8')
  const imports = [...text.matchAll(/from '([^']+)'/g)].map(m => m[1])
  expect(imports.sort()).toEqual(['../names.js', './catalog.js', './model.js'])
})

test("the README's OpenShift commands are those a default training-and-inference install needs", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const loop = /for sa in ([\s\S]*?); do\n\s*oc adm policy add-scc-to-user privileged/.exec(readme)
  const listed = loop![1]!.replace(/\\\n/g, ' ').trim().split(/\s+/)
  const both = target(
    { enableTraining: 'true', enableInference: 'true' },
    { extensionName: 'arcml-extension' }
  )
  expect(listed).toEqual(names(both))
})
