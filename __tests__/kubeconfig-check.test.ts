/**
 * The Inputs phase's kubeconfig check, without the Kubernetes client: tables of realistic and
 * broken kubeconfigs, the credentials it masks, agreement with client-node's own loader, the
 * token files it reads, and that nothing the Inputs phase imports loads client-node.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import fc from 'fast-check'
import { dump } from 'js-yaml'
import { checkKubeconfig } from '../src/kubeconfig-check.js'
import { readKubeconfigInput } from '../src/kubeconfig-input.js'
import { kubeconfigYaml } from '../sandbox/kube/kubeconfig.js'

const SANDBOX = kubeconfigYaml({
  server: 'https://127.0.0.1:6443',
  caPem: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  token: 'sandbox-token-0123456789'
})

/** A kubeconfig as `az aks get-credentials` writes it for an Entra cluster: kubelogin as exec. */
const AKS_EXEC = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [
    {
      name: 'aks-ml',
      cluster: {
        server: 'https://aks-ml-dns.hcp.westeurope.azmk8s.io:443',
        'certificate-authority-data': 'Q0E='
      }
    }
  ],
  users: [
    {
      name: 'clusterUser_rg_aks-ml',
      user: {
        exec: {
          apiVersion: 'client.authentication.k8s.io/v1beta1',
          command: 'kubelogin',
          args: [
            'get-token',
            '--login',
            'spn',
            '--client-secret=kubelogin-secret-value',
            '--server-id',
            '6dae42f8-4368-4678-94ff-3960e28e3630',
            '--token-cache-dir',
            '/home/runner/.kube/cache'
          ],
          env: [{ name: 'AAD_SERVICE_PRINCIPAL_CLIENT_SECRET', value: 'env-secret-value' }]
        }
      }
    }
  ],
  contexts: [{ name: 'aks-ml', context: { cluster: 'aks-ml', user: 'clusterUser_rg_aks-ml' } }],
  'current-context': 'aks-ml'
})

/** An Arc cluster's admin kubeconfig: client certificate, two contexts, one user with a password. */
const ARC_CERT = `apiVersion: v1
kind: Config
preferences: {}
clusters:
- name: arc
  cluster:
    server: https://10.0.0.4:6443/
    certificate-authority-data: Q0EtREFUQQ==
- name: other
  cluster:
    server: https://other:6443
users:
- name: admin
  user:
    client-certificate-data: Q0VSVC1EQVRB
    client-key-data: S0VZLURBVEE=
- name: basic
  user:
    username: ops
    password: basic-password-value
contexts:
- name: other
  context: { cluster: other, user: basic }
- name: arc-admin
  context:
    cluster: arc
    user: admin
    namespace: azureml
current-context: arc-admin
`

/** The bench's: flow style, a token. */
const FLOW = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1', insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: bench-token-value } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`

const OIDC = `apiVersion: v1
clusters: [{ name: c, cluster: { server: 'https://k8s.contoso.com' } }]
users:
- name: oidc
  user:
    auth-provider:
      name: oidc
      config:
        client-id: kubernetes
        client-secret: oidc-client-secret
        id-token: oidc-id-token-value
        refresh-token: oidc-refresh-token
        idp-issuer-url: https://login.contoso.com
contexts: [{ name: x, context: { cluster: c, user: oidc } }]
current-context: x
`

/** Without a user: anonymous, which client-node allows (the API server decides). */
const ANONYMOUS = `clusters: [{ name: c, cluster: { server: 'https://k8s' } }]
contexts: [{ name: x, context: { cluster: c } }]
current-context: x
`

test.each([
  ['the sandbox’s', SANDBOX],
  ['AKS with kubelogin as exec plugin, as JSON', AKS_EXEC],
  ['an Arc admin’s with a client certificate and two contexts', ARC_CERT],
  ['flow style', FLOW],
  ['an oidc auth-provider', OIDC],
  ['no user: anonymous', ANONYMOUS]
])('usable: %s', (_, text) => {
  expect(checkKubeconfig(text, 'the kubeconfig text').problems).toEqual([])
})

const edit = (text: string, from: string | RegExp, to: string) => {
  const edited = text.replace(from, to)
  if (edited === text) throw new Error(`no ${String(from)} in the fixture`)
  return edited
}

test.each([
  ['empty', '  \n', 'it is empty'],
  ['a scalar', 'kubeconfig\n', 'not a mapping of clusters, contexts and users'],
  ['a list', '[1, 2]\n', 'not a mapping of clusters, contexts and users'],
  ['two documents', `${FLOW}---\n${FLOW}`, 'YAML error'],
  [
    'no clusters',
    edit(SANDBOX, /clusters:[\s\S]*?users:/, 'users:'),
    'context "sandbox" names cluster "sandbox", which clusters does not hold'
  ],
  [
    'clusters not a list',
    edit(FLOW, /clusters: .*/, 'clusters: { c: 1 }'),
    'clusters is not a list'
  ],
  [
    'a cluster without a name',
    edit(SANDBOX, '- name: sandbox\n  cluster:', '- cluster:'),
    'clusters[0].name is missing'
  ],
  [
    'a cluster without server',
    edit(SANDBOX, / {4}server: .*\n/, ''),
    'clusters[0].cluster.server is missing'
  ],
  [
    'a cluster entry without cluster',
    edit(FLOW, /cluster: \{ server[^}]*\}/, 'x: 1'),
    'clusters[0].cluster is missing'
  ],
  [
    'a server that is not a string',
    edit(FLOW, "server: 'https://127.0.0.1:1'", 'server: [1]'),
    'clusters[0].cluster.server is not a string'
  ],
  [
    'a server without a scheme',
    edit(FLOW, "'https://127.0.0.1:1'", '127.0.0.1:6443'),
    'the server of cluster "c" is not an https:// (or http://) URL'
  ],
  [
    'a user without a name',
    edit(SANDBOX, '- name: sandbox-user\n  user:', '- user:'),
    'users[0].name is missing'
  ],
  [
    'a user entry that is a string',
    edit(FLOW, /users: .*/, 'users: [u]'),
    'users[0] is not a mapping'
  ],
  [
    'no users for the context’s user',
    edit(SANDBOX, /users:[\s\S]*?contexts:/, 'contexts:'),
    'context "sandbox" names user "sandbox-user", which users does not hold'
  ],
  [
    'a context without cluster',
    edit(SANDBOX, '    cluster: sandbox\n    user', '    user'),
    'contexts[0].context.cluster is missing'
  ],
  [
    'a context entry without context',
    edit(FLOW, /context: \{[^}]*\}/, 'x: 1'),
    'contexts[0].context is missing'
  ],
  ['no current-context', edit(SANDBOX, /current-context: .*/, ''), 'current-context is missing'],
  [
    'a current-context that names no context',
    edit(SANDBOX, 'current-context: sandbox', 'current-context: prod'),
    'current-context "prod" names no entry of contexts'
  ],
  [
    'an exec plugin without command',
    edit(AKS_EXEC, '"command":"kubelogin",', ''),
    'user "clusterUser_rg_aks-ml" has an exec plugin without a command'
  ]
])('refused: %s', (_, text, why) => {
  expect(checkKubeconfig(text, 'the kubeconfig text').problems).toEqual([
    `the kubeconfig text is not a valid kubeconfig (${why})`
  ])
})

test('every structural problem is named at once (and nothing that follows from them)', () => {
  const text = edit(
    edit(SANDBOX, / {4}server: .*\n/, ''),
    '- name: sandbox-user\n  user:',
    '- user:'
  )
  expect(checkKubeconfig(text, '/runner/kubeconfig').problems).toEqual([
    '/runner/kubeconfig is not a valid kubeconfig (clusters[0].cluster.server is missing; users[0].name is missing)'
  ])
})

test('a YAML error is placed by line and column, never quoted: the text holds credentials', () => {
  const broken =
    'apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: SUPERSECRETTOKEN123\n  : [unbalanced\n'
  const { problems } = checkKubeconfig(broken, 'the kubeconfig text')
  expect(problems).toEqual([
    'the kubeconfig text is not a valid kubeconfig (YAML error at line 7, column 1)'
  ])
  for (const bad of ['x: *alias-SECRET', 'x: !tag-SECRET y', 'a: SECRET\na: SECRET']) {
    const said = checkKubeconfig(bad, 'the kubeconfig text').problems.join()
    expect(said).toMatch(/YAML error at line \d+, column \d+\)$/)
    expect(said).not.toContain('SECRET')
  }
})

test.each([
  ['the sandbox’s token', SANDBOX, ['sandbox-token-0123456789']],
  [
    'exec env values and secret flags, not the other flags',
    AKS_EXEC,
    ['kubelogin-secret-value', 'env-secret-value']
  ],
  [
    'client certificate and key, a password',
    ARC_CERT,
    ['Q0VSVC1EQVRB', 'S0VZLURBVEE=', 'basic-password-value']
  ],
  [
    'auth-provider secrets, not its client id or issuer',
    OIDC,
    ['oidc-client-secret', 'oidc-id-token-value', 'oidc-refresh-token']
  ],
  [
    'a flag’s value in the next argument',
    edit(AKS_EXEC, '"--client-secret=kubelogin-secret-value"', '"--password","next-arg-secret"'),
    ['next-arg-secret', 'env-secret-value']
  ],
  ['even when the rest is wrong', edit(FLOW, /current-context: .*/, ''), ['bench-token-value']],
  [
    'an all-digit password, which YAML reads as a number',
    edit(ARC_CERT, 'basic-password-value', '20240611'),
    ['Q0VSVC1EQVRB', 'S0VZLURBVEE=', '20240611']
  ]
])('secrets: %s', (_, text, secrets) => {
  expect(checkKubeconfig(text, 'the kubeconfig text').secrets.sort()).toEqual(secrets.sort())
})

/** What client-node makes of the text: its loader's error, or the cluster and user it would use. */
function clientNode(text: string): { throws: boolean; usable: boolean } {
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
  } catch {
    return { throws: true, usable: false }
  }
  const context = kc.getContextObject(kc.getCurrentContext())
  const cluster = kc.getCurrentCluster()
  const userOk = !context?.user || kc.getCurrentUser() !== null
  return { throws: false, usable: !!cluster && userOk }
}

test('agrees with client-node: what it refuses is refused, what passes it can use', () => {
  const name = fc.constantFrom('c', 'x', 'u', '')
  const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined })
  const entry = (inner: string, body: fc.Arbitrary<unknown>) =>
    fc.record({ name: maybe(name), [inner]: maybe(body) }, { requiredKeys: [] })
  const doc = fc.record(
    {
      clusters: maybe(
        fc.array(
          fc.oneof(
            entry(
              'cluster',
              fc.record(
                { server: maybe(fc.constantFrom('https://k8s', 'k8s:443', '')) },
                { requiredKeys: [] }
              )
            ),
            fc.constant(null)
          ),
          { maxLength: 2 }
        )
      ),
      users: maybe(
        fc.array(
          entry('user', fc.record({ token: maybe(fc.constant('t0k3n')) }, { requiredKeys: [] })),
          { maxLength: 2 }
        )
      ),
      contexts: maybe(
        fc.array(
          entry(
            'context',
            fc.record({ cluster: maybe(name), user: maybe(name) }, { requiredKeys: [] })
          ),
          { maxLength: 2 }
        )
      ),
      'current-context': maybe(name)
    },
    { requiredKeys: [] }
  )
  // One cluster, user and context that name each other, each part possibly missing or off: the
  // free-form documents above almost never pass the check, these often do.
  const linked = fc
    .record({
      server: maybe(fc.constantFrom('https://k8s', 'k8s:443', '')),
      token: maybe(fc.constant('t0k3n')),
      user: maybe(name),
      current: maybe(name)
    })
    .map(({ server, token, user, current }) => ({
      clusters: [{ name: 'c', cluster: { server } }],
      users: [{ name: 'u', user: { token } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user } }],
      'current-context': current
    }))
  // How often each implication was put to the test: a generator that never reached one would
  // leave it unchecked.
  const tried = { throws: 0, passed: 0 }
  fc.assert(
    fc.property(fc.oneof(doc, linked), d => {
      const text = dump(JSON.parse(JSON.stringify(d)))
      const said = checkKubeconfig(text, 'k').problems
      const client = clientNode(text)
      if (client.throws) tried.throws++
      if (said.length === 0) tried.passed++
      if (client.throws) expect(said).not.toEqual([])
      if (said.length === 0) expect(client.usable).toBe(true)
    }),
    { numRuns: 400 }
  )
  expect(tried.throws).toBeGreaterThan(0)
  expect(tried.passed).toBeGreaterThan(0)
})

describe('reading the input', () => {
  let dir: string
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'))))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('a path is read; a token file’s text is masked as a credential', () => {
    const tokenFile = join(dir, 'token')
    writeFileSync(tokenFile, 'file-token-value\n')
    const path = join(dir, 'config')
    writeFileSync(path, edit(FLOW, 'token: bench-token-value', `token-file: ${tokenFile}`))
    const read = readKubeconfigInput(` ${path}\n`.trim())
    expect(read.problems).toEqual([])
    expect(read.secrets).toEqual(['file-token-value'])
    expect(read.source).toEqual({ text: readFileSync(path, 'utf8'), what: path })
  })

  test('a file or token file that cannot be read is named with its error, nothing opened', () => {
    expect(readKubeconfigInput(join(dir, 'missing'))).toEqual({
      problems: [`${join(dir, 'missing')} cannot be read (ENOENT)`],
      secrets: []
    })
    const text = edit(FLOW, 'token: bench-token-value', `token-file: ${join(dir, 'gone')}`)
    const read = readKubeconfigInput(text)
    expect(read.problems).toEqual([
      `users[0].user.token-file ${join(dir, 'gone')} cannot be read (ENOENT)`
    ])
    expect(read.source).toBeUndefined()
  })
})

test('nothing the Inputs phase imports loads the Kubernetes client (it would delay sign-in)', () => {
  const SRC = new URL('../src/', import.meta.url)
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: URL) => {
    if (seen.has(file.pathname)) return
    seen.add(file.pathname)
    // Static imports only: `import('…')` and `import type` load nothing now.
    const text = readFileSync(file, 'utf8').replace(/^import type [^'"]*?from '[^']+'$/gm, '')
    const specs = text.matchAll(/^(?:(?:import|export) [^'"`()=;]*?from |import )'([^']+)'$/gm)
    for (const [, spec] of specs) {
      if (spec!.startsWith('.')) visit(new URL(spec!.replace(/\.js$/, '.ts'), file))
      else packages.add(spec!)
    }
  }
  visit(new URL('plan.ts', SRC))
  expect(seen.has(new URL('kubeconfig-check.ts', SRC).pathname)).toBe(true)
  expect(
    [...packages].filter(p => p.startsWith('@kubernetes/') || p.startsWith('@azure/'))
  ).toEqual([])
})
