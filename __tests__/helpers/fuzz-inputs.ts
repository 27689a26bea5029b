/**
 * Random `with:` tables for the bundle fuzzing: every input of action.yml gets valid values,
 * near-valid ones (wrong case, stray whitespace, one character off) and garbage (unicode, very
 * long text, newlines, workflow-command injection). Values that name the sandbox's world are
 * tokens (`@SUB@`, `@KUBE_PATH@`, …) so a case stays printable and replays on any sandbox.
 */
import fc from 'fast-check'

/** What a case hands the bundle: `with:` values (absent keys get action.yml's default) and env. */
export interface FuzzCase {
  inputs: Record<string, string>
  env: Record<string, string>
}

/** The marker every injection attempt carries; a workflow command holding it came from input text. */
export const INJECTED = 'FUZZ-INJECTED'

/** Tokens for the sandbox's values; `resolveCase` swaps them in. */
export const TOKENS = {
  sub: '@SUB@',
  tenant: '@TENANT@',
  client: '@CLIENT@',
  rg: '@RG@',
  arc: '@ARC@',
  aks: '@AKS@',
  arm: '@ARM@',
  authority: '@AUTHORITY@',
  /** The sandbox's kubeconfig, as a path and as text: such cases need the Kubernetes side. */
  kubePath: '@KUBE_PATH@',
  kubeText: '@KUBE_TEXT@',
  /** A kubeconfig whose server refuses connections. */
  kubeDead: '@KUBE_DEAD@',
  certFile: '@CERT_FILE@',
  keyFile: '@KEY_FILE@',
  cert: '@CERT@',
  key: '@KEY@',
  otherCert: '@OTHER_CERT@'
} as const

export const CNAME = 'ml.contoso.com'

/** Whether a case reaches the sandbox's Kubernetes API (and so must run where it is backed). */
export function usesKube(c: FuzzCase): boolean {
  return [...Object.values(c.inputs), ...Object.values(c.env)].some(
    v => v.includes(TOKENS.kubePath) || v.includes(TOKENS.kubeText)
  )
}

export function resolveCase(c: FuzzCase, values: Record<string, string>): FuzzCase {
  const swap = (v: string) =>
    Object.entries(TOKENS).reduce((s, [name, token]) => s.replaceAll(token, values[name]!), v)
  const map = (r: Record<string, string>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, swap(v)]))
  return { inputs: map(c.inputs), env: map(c.env) }
}

const one = <T>(...values: T[]) => fc.constantFrom(...values)

const INJECTIONS = [
  `\n::warning::${INJECTED}`,
  `%0A::error::${INJECTED}`,
  `\r\n::set-output name=changed::${INJECTED}`,
  `\n::add-mask::${INJECTED}`,
  `\n::stop-commands::${INJECTED}`,
  `\r::notice title=x::${INJECTED}`,
  `\n  ::error file=a.ts::${INJECTED}`,
  `\n##[warning]${INJECTED}`,
  `##[error]${INJECTED}`,
  `::error::${INJECTED}`
]
const injection = one(...INJECTIONS)

/** Text with no meaning: random code points, graphemes, whitespace, huge, or an injection. */
const garbage = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 16 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: one(' ', '\n', ' \t\n ', '\u00a0', '\u200b', '\ufeff', 'null', '{}') },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 20000 }).map(n => 'x'.repeat(n)) },
  { weight: 2, arbitrary: injection }
)

/** A valid value with something appended or around it: whitespace, case, newline, injection. */
function nearly(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    valid.map(v => ` ${v}\t`),
    valid.map(v => v.toUpperCase()),
    valid.map(v => `${v}\n`),
    valid.map(v => `${v}x`),
    valid.map(v => v.slice(0, -1)),
    fc.tuple(valid, injection).map(([v, i]) => `${v}${i}`)
  )
}

/** Mostly valid values; sometimes near-valid or garbage. */
function input(valid: fc.Arbitrary<string>, ...near: string[]): fc.Arbitrary<string> {
  const nearValues = near.length > 0 ? fc.oneof(nearly(valid), one(...near)) : nearly(valid)
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 2, arbitrary: nearValues },
    { weight: 1, arbitrary: garbage }
  )
}

const bool = input(one('true', 'false'), 'True', 'FALSE', 'yes', 'no', '1', '0', 'on', 'tru e', '')

const guid = fc.uuid({ version: 4 })
const subscription = input(one(TOKENS.sub), `{${TOKENS.sub}}`, '')
const otherSubscription = guid

const resourceGroup = input(
  one(TOKENS.rg),
  'RG-ML',
  'rg ml',
  'rg/ml',
  `${TOKENS.rg}/..`,
  '..',
  '.',
  'rg-ml.',
  'rg?x=1',
  'rg#x',
  'rg%2Fml',
  'grupo-ñ',
  'r'.repeat(91)
)
const clusterName = input(
  one(TOKENS.arc, TOKENS.aks),
  'ARC-CLUSTER',
  'arc cluster',
  `${TOKENS.arc}/extensions`,
  '..',
  'a/b',
  'clúster',
  'c'.repeat(64),
  '-arc',
  'arc_cluster'
)
const clusterType = input(
  one('connectedClusters', 'managedClusters'),
  'managedclusters',
  'CONNECTEDCLUSTERS',
  'aks',
  'arc',
  'connectedCluster',
  'provisionedClusters'
)
const extensionName = input(
  one('arcml-extension', 'azureml', 'ml-1', 'a', 'x'.repeat(53)),
  'ArcML',
  'x'.repeat(54),
  '-ml',
  'ml-',
  'ml_ext',
  'ml.ext',
  'émile'
)

const tenant = input(one(TOKENS.tenant), 'contoso.onmicrosoft.com', 'contoso', '')
const client = input(one(TOKENS.client), '')
const environment = input(
  one('AzureCloud', 'azurecloud', 'AzureUSGovernment', 'AzureChinaCloud'),
  'AzureGermanCloud',
  'public'
)
const audience = input(
  one('api://AzureADTokenExchange', 'api://AzureADTokenExchangeUSGov'),
  'https://example.com',
  ''
)
const endpoint = (token: string, swapped: string) =>
  input(
    one(token),
    swapped,
    `${token}/`,
    `${token}//`,
    'http://127.0.0.1:1',
    'https://127.0.0.1:1',
    'https://',
    '127.0.0.1',
    'ftp://example.com'
  )

const scenario = input(
  one('training', 'inference', 'training-and-inference'),
  'Training',
  'train',
  'training,inference',
  'training inference',
  ''
)
const serviceType = input(
  one('LoadBalancer', 'NodePort', 'ClusterIP', 'loadbalancer', 'nodeport'),
  'Ingress',
  'lb',
  ''
)
const ha = input(one('true', 'false', 'auto', 'AUTO'), 'maybe', 'yes', '')
const cname = input(
  one(CNAME),
  'other.example.com',
  '*.contoso.com',
  'ml.contoso.com.',
  'ml_contoso'
)
const pem = (token: string) =>
  input(
    one(token),
    'junk',
    '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----',
    `${token}\r\n`,
    TOKENS.otherCert
  )
const sslSecret = input(one('fe-tls', 'azureml-tls'), 'Fe_TLS', 'a/b', '')
const nodeSelector = input(
  one('kubernetes.io/os=linux', 'pool=cpu', 'kubernetes.io/os=linux\nagentpool=nodepool1'),
  'bad',
  '=linux',
  'pool=',
  'pool = cpu',
  'a=b\na=c',
  'pool=cpu\r\n\r\n# comment'
)
const version = input(one('1.1.71', '1.1.5', '1.0.75'), 'v1.1.71', '1.1', 'latest', '1.1.71-rc1')
const releaseTrain = input(one('stable', 'preview'), 'Stable', 'beta', '')
const timeout = input(
  one('20m', '90s', '1h', '1h30m', '5m', '2m30s', '1ms', '50ms'),
  '10',
  '0s',
  '25h',
  '1.5m',
  '-5m',
  '5 m',
  '1d'
)
const clusterAccess = input(
  one('auto', 'none', 'kubeconfig'),
  'None',
  'arm',
  'run-command',
  'kubectl',
  ''
)
const kubeconfig = fc.oneof(
  { weight: 1, arbitrary: one(TOKENS.kubePath, TOKENS.kubeText) },
  { weight: 2, arbitrary: one(TOKENS.kubeDead) },
  {
    weight: 4,
    arbitrary: one(
      '/nonexistent/kubeconfig',
      'not: [yaml',
      'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []',
      'apiVersion: v1\nkind: Config\ncurrent-context: nowhere',
      '~/.kube/config',
      '.',
      '{}'
    )
  },
  { weight: 1, arbitrary: garbage }
)

const SETTING_KEYS = [
  'enableTraining',
  'enableInference',
  'inferenceRouterServiceType',
  'internalLoadBalancerProvider',
  'allowInsecureConnections',
  'inferenceRouterHA',
  'sslCname',
  'sslSecret',
  'installPromOp',
  'installVolcano',
  'installNvidiaDevicePlugin',
  'installDcgmExporter',
  'relayserver.enabled',
  'servicebus.enabled',
  'logAnalyticsWS',
  'nodeSelector.pool',
  'nodeSelector.',
  'clusterPurpose',
  'privateEndpointILB',
  'privateEndpointNodeport',
  'inferenceLoadBalancerHA',
  'EnableTraining',
  'InferenceRouterHA',
  'a.b.c',
  'ключ',
  'key with space'
]
const SETTING_VALUES = [
  'true',
  'false',
  'True',
  'False',
  'Ture',
  '',
  'LoadBalancer',
  'nodePort',
  'azure',
  'DevTest',
  'FastProd',
  'gpu',
  '=',
  'a=b'
]
const settingLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(one(...SETTING_KEYS), one(...SETTING_VALUES)) },
  { weight: 1, arbitrary: fc.tuple(one(...SETTING_KEYS), garbage) },
  { weight: 1, arbitrary: fc.tuple(garbage, one(...SETTING_VALUES)) }
)
/** `key=value` lines in the accepted forms: LF or CRLF, blank lines, comments, spaces around `=`. */
function keyValueText(line: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const extra = one('', '# comment', '   ', '#enableTraining=true')
  return fc
    .tuple(
      fc.array(fc.oneof({ weight: 4, arbitrary: line }, extra), { maxLength: 6 }),
      one('\n', '\r\n')
    )
    .map(([lines, eol]) => lines.join(eol))
}
const config = keyValueText(
  settingLine.chain(([k, v]) => one(`${k}=${v}`, `${k} = ${v}`, `${k}=${v} other=1`, `${k}`))
)
// Protected values are masked, so each must be text no other input repeats (the leak check
// would see a masked value echoed in another input's error); injections go in other inputs.
const protectedValue = fc.oneof(
  fc.stringMatching(/^[a-z0-9]{8,12}$/).map(s => `secret-${s}`),
  one('true', 'x')
)
const configProtected = keyValueText(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(
          one('azure_log_analytics.connection_string', 'mySecret', 'scoring_fe.key'),
          protectedValue
        )
        .map(([k, v]) => `${k}=${v}`)
    },
    {
      weight: 2,
      arbitrary: one(`sslCertPemFile=${TOKENS.certFile}`, `sslKeyPemFile=${TOKENS.keyFile}`)
    },
    {
      weight: 1,
      arbitrary: one('sslCertPemFile=/nonexistent.pem', 'sslKeyPemFile=', 'sslCertPemFile=/')
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 16 }) }
  )
)

/** Every input of action.yml with its arbitrary. */
export const INPUT_ARBITRARIES: Record<string, fc.Arbitrary<string>> = {
  mode: input(one('apply', 'verify', 'drift', 'delete'), 'Apply', ' DELETE ', 'sync', 'install'),
  'subscription-id': fc.oneof(
    { weight: 8, arbitrary: subscription },
    { weight: 1, arbitrary: otherSubscription }
  ),
  'resource-group': resourceGroup,
  'cluster-name': clusterName,
  'cluster-type': clusterType,
  'extension-name': extensionName,
  'client-id': fc.oneof({ weight: 8, arbitrary: client }, { weight: 1, arbitrary: guid }),
  'tenant-id': tenant,
  environment,
  audience,
  'arm-endpoint': endpoint(TOKENS.arm, TOKENS.authority),
  'authority-host': endpoint(TOKENS.authority, TOKENS.arm),
  scenario,
  'inference-router-service-type': serviceType,
  'internal-load-balancer': bool,
  'allow-insecure-connections': bool,
  'ssl-cname': cname,
  'ssl-cert': pem(TOKENS.cert),
  'ssl-key': pem(TOKENS.key),
  'ssl-secret': sslSecret,
  'inference-router-ha': ha,
  'node-selector': nodeSelector,
  config,
  'config-protected': configProtected,
  version,
  'release-train': releaseTrain,
  'auto-upgrade-minor-version': bool,
  'allow-disruptive-update': bool,
  'force-delete': bool,
  kubeconfig,
  'wait-for-pods': bool,
  'cluster-access': clusterAccess,
  timeout,
  'fail-on-drift': bool
}

/** Settings a careful user pastes: each valid in every scenario. */
const safeConfig = fc
  .uniqueArray(
    one(
      'installPromOp=false',
      'installVolcano=False',
      'installNvidiaDevicePlugin=true',
      'installDcgmExporter=false',
      'relayserver.enabled=true',
      'nodeSelector.kubernetes.io/os=linux'
    ),
    { maxLength: 3 }
  )
  .map(lines => lines.join('\n'))

/** A run a careful user sets up: coherent, reaching ARM, quick (no pod wait unless on the kube). */
const carefulBase = fc
  .record({
    mode: one('apply', 'apply', 'verify', 'drift', 'delete'),
    type: one('connectedClusters', 'managedClusters'),
    scenario: one('training', 'inference', 'training-and-inference'),
    tls: one('http', 'pem', 'secret', 'files'),
    access: one('none', 'none', 'none', 'no-wait', 'no-wait', 'no-wait', 'kube', 'dead'),
    extension: one('arcml-extension', 'azureml', 'ml-1'),
    config: fc.option(safeConfig, { nil: undefined }),
    version: fc.option(one('1.1.71', '1.1.5'), { nil: undefined })
  })
  .map(b => {
    // The sandbox's Kubernetes backs its Arc cluster only.
    const type = b.access === 'kube' ? 'connectedClusters' : b.type
    const inputs: Record<string, string> = {
      mode: b.mode,
      'subscription-id': TOKENS.sub,
      'tenant-id': TOKENS.tenant,
      'client-id': TOKENS.client,
      'resource-group': TOKENS.rg,
      'cluster-name': type === 'managedClusters' ? TOKENS.aks : TOKENS.arc,
      'cluster-type': type,
      'arm-endpoint': TOKENS.arm,
      'authority-host': TOKENS.authority,
      'extension-name': b.extension,
      scenario: b.scenario,
      timeout: '20s',
      ...ACCESS[b.access],
      ...(b.scenario === 'training' ? {} : TLS[b.tls]),
      ...(b.config === undefined ? {} : { config: b.config }),
      ...(b.version === undefined
        ? {}
        : { version: b.version, 'auto-upgrade-minor-version': 'false' })
    }
    return inputs
  })

const ACCESS: Record<string, Record<string, string>> = {
  none: { 'cluster-access': 'none' },
  'no-wait': { 'wait-for-pods': 'false', kubeconfig: TOKENS.kubeDead },
  kube: { kubeconfig: TOKENS.kubePath },
  dead: { kubeconfig: TOKENS.kubeDead }
}
const TLS: Record<string, Record<string, string>> = {
  http: { 'allow-insecure-connections': 'true' },
  pem: { 'ssl-cert': TOKENS.cert, 'ssl-key': TOKENS.key, 'ssl-cname': CNAME },
  secret: { 'ssl-secret': 'fe-tls', 'ssl-cname': CNAME },
  files: {
    'config-protected': `sslCertPemFile=${TOKENS.certFile}\nsslKeyPemFile=${TOKENS.keyFile}`,
    'ssl-cname': CNAME
  }
}

const INPUT_NAMES = Object.keys(INPUT_ARBITRARIES)

/** A careful run with zero to three inputs changed to random values of their own arbitrary. */
const mutated = fc
  .tuple(
    carefulBase,
    fc
      .oneof(
        { weight: 3, arbitrary: fc.constant([]) },
        {
          weight: 2,
          arbitrary: fc.uniqueArray(one(...INPUT_NAMES), { minLength: 1, maxLength: 3 })
        }
      )
      .chain(names => fc.tuple(...names.map(n => INPUT_ARBITRARIES[n]!.map(v => [n, v] as const))))
  )
  .map(([base, changes]) => ({ ...base, ...Object.fromEntries(changes) }))

/** Every input drawn on its own: mostly invalid together, so it exercises the validation. */
const wild = fc.record(INPUT_ARBITRARIES, { requiredKeys: [] }) as fc.Arbitrary<
  Record<string, string>
>

/** The env a runner may give: the `AZURE_*` fallbacks, KUBECONFIG, debug logging. */
const envArb = fc.record(
  {
    AZURE_SUBSCRIPTION_ID: one(TOKENS.sub, 'not-a-guid'),
    AZURE_TENANT_ID: one(TOKENS.tenant),
    AZURE_CLIENT_ID: one(TOKENS.client, ' '),
    KUBECONFIG: one(TOKENS.kubeDead, '/nonexistent'),
    RUNNER_DEBUG: one('1', '0')
  },
  { requiredKeys: [] }
)

export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.record({
  inputs: fc.oneof({ weight: 3, arbitrary: mutated }, { weight: 1, arbitrary: wild }),
  env: envArb
})
