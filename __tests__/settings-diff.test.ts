/** Inputs against the live extension: what an update sends, what it would break, what it cannot do. */
import { desiredExtension, planRequest } from '../src/settings/index.js'
import type { ClusterFacts } from '../src/settings/index.js'
import { planUpdate } from '../src/settings/diff.js'
import { decideApply, driftOf } from '../src/settings/decide.js'
import type { LiveExtension } from '../src/settings/live.js'
import { BASE_INPUTS, inputsFrom } from './helpers/inputs.js'
import { makeCertificate } from './helpers/pem.js'

const AKS: ClusterFacts = {
  id: '/subscriptions/s/rg/aks',
  name: 'aks',
  type: 'managedClusters',
  location: 'eastus',
  nodeCount: 3
}
const tls = makeCertificate('ml.contoso.com')
const rotated = makeCertificate('ml.contoso.com')
const HTTPS = { 'ssl-cert': tls.cert, 'ssl-key': tls.key, 'ssl-cname': 'ml.contoso.com' }
const BOTH = { 'cluster-type': 'managedClusters', scenario: 'training-and-inference', ...HTTPS }

function request(table: Record<string, string>) {
  const { inputs, problems } = inputsFrom({ ...BASE_INPUTS, ...table })
  return planRequest(inputs, problems).request
}

/** The extension as ARM returns it after a create from these inputs: protected values withheld. */
function liveFrom(table: Record<string, string>): LiveExtension {
  const { body } = desiredExtension(request(table), AKS)
  return {
    id: `${AKS.id}/providers/Microsoft.KubernetesConfiguration/extensions/arcml-extension`,
    name: 'arcml-extension',
    extensionType: 'microsoft.azureml.kubernetes',
    currentVersion: '1.1.71',
    version: body.properties.version,
    releaseTrain: 'stable',
    autoUpgradeMinorVersion: false,
    provisioningState: 'Succeeded',
    releaseNamespace: 'azureml',
    settings: body.properties.configurationSettings,
    protectedKeys: Object.keys(body.properties.configurationProtectedSettings),
    statuses: []
  }
}

const plan = (before: Record<string, string>, after: Record<string, string>, usage = {}) =>
  planUpdate(request(after), AKS, liveFrom(before), usage)

test('the same inputs again, TLS included, change nothing', () => {
  const p = plan(BOTH, BOTH)
  expect(p).toEqual({
    changes: [],
    leftovers: [],
    patch: {},
    disruptive: [],
    protectedWrite: false,
    impossible: []
  })
})

test('the same certificate from a file compares equal to it given as text', () => {
  const { inputs, problems } = inputsFrom(
    {
      ...BASE_INPUTS,
      'cluster-type': 'managedClusters',
      scenario: 'training-and-inference',
      'ssl-cname': 'ml.contoso.com',
      'config-protected': 'sslCertPemFile=/c\nsslKeyPemFile=/k'
    },
    { '/c': tls.cert.replace(/\n/g, '\r\n'), '/k': tls.key }
  )
  expect(planUpdate(planRequest(inputs, problems).request, AKS, liveFrom(BOTH)).changes).toEqual([])
})

test('one changed key is one change, and protected settings are left alone', () => {
  const p = plan(BOTH, { ...BOTH, config: 'installPromOp=false' })
  expect(p.changes).toEqual([
    { path: 'settings.installPromOp', desired: 'false', actual: undefined }
  ])
  expect(p.protectedWrite).toBe(false)
  expect(p.disruptive).toEqual([])
})

test('a rotated certificate is a protected write, not a disruption', () => {
  const p = plan(BOTH, { ...BOTH, 'ssl-cert': rotated.cert, 'ssl-key': rotated.key })
  expect(p.changes.map(c => c.path)).toEqual(['settings.azuremlExtensionAction.sslCertSha256'])
  expect(p.protectedWrite).toBe(true)
  expect(p.disruptive).toEqual([])
})

test('a protected key the live extension lacks is a protected write; its value is never shown', () => {
  const p = plan(BOTH, { ...BOTH, 'config-protected': 'myToken=s3cr3t-value' })
  expect(p.changes).toEqual([
    { path: 'protectedSettings.myToken', desired: '(set)', actual: undefined }
  ])
  expect(JSON.stringify(p)).not.toContain('s3cr3t-value')
  expect(p.protectedWrite).toBe(true)
})

const HTTP = {
  'cluster-type': 'managedClusters',
  scenario: 'training-and-inference',
  'allow-insecure-connections': 'true'
}

test.each([
  [
    'training turned off',
    BOTH,
    { ...BOTH, scenario: 'inference' },
    'settings.enableTraining',
    /training operator/
  ],
  [
    'inference turned off',
    BOTH,
    { ...BOTH, scenario: 'training', 'ssl-cert': '', 'ssl-key': '', 'ssl-cname': '' },
    'settings.enableInference',
    /inference router is removed/
  ],
  [
    'GPU plugin off while GPUs may be in use',
    { ...BOTH, config: 'installNvidiaDevicePlugin=true' },
    { ...BOTH, config: 'installNvidiaDevicePlugin=false' },
    'settings.installNvidiaDevicePlugin',
    /nvidia.com\/gpu/
  ],
  [
    'a node selector added',
    BOTH,
    { ...BOTH, 'node-selector': 'pool=ml' },
    'settings.nodeSelector.pool',
    /newly selected nodes/
  ],
  [
    'a node selector changed',
    { ...BOTH, 'node-selector': 'pool=ml' },
    { ...BOTH, 'node-selector': 'pool=gpu' },
    'settings.nodeSelector.pool',
    /newly selected nodes/
  ],
  ['HTTPS to HTTP', BOTH, HTTP, 'settings.allowInsecureConnections', /inference endpoints/],
  [
    'service type LoadBalancer to NodePort',
    HTTP,
    { ...HTTP, 'inference-router-service-type': 'NodePort' },
    'settings.inferenceRouterServiceType',
    /inference endpoints/
  ],
  [
    'internal load balancer added',
    HTTP,
    { ...HTTP, 'internal-load-balancer': 'true' },
    'settings.internalLoadBalancerProvider',
    /inference endpoints/
  ],
  [
    'CNAME changed',
    { ...BOTH, 'ssl-secret': 'fe', 'ssl-cert': '', 'ssl-key': '' },
    { ...BOTH, 'ssl-secret': 'fe', 'ssl-cert': '', 'ssl-key': '', 'ssl-cname': 'api.contoso.com' },
    'settings.sslCname',
    /inference endpoints/
  ],
  [
    'log analytics turned on',
    BOTH,
    {
      ...BOTH,
      config: 'logAnalyticsWS=true',
      'config-protected': 'azure_log_analytics.connection_string=k3y'
    },
    'settings.logAnalyticsWS',
    /log collection/
  ]
])('%s is disruptive', (_name, before, after, path, breaks) => {
  const p = plan(before, after)
  const d = p.disruptive.find(x => x.difference.path === path)
  expect(d).toBeDefined()
  expect(d!.breaks).toMatch(breaks)
})

test('the GPU plugin off is not disruptive when the cluster shows no GPU in use', () => {
  const p = plan(
    { ...BOTH, config: 'installNvidiaDevicePlugin=true' },
    { ...BOTH, config: 'installNvidiaDevicePlugin=false' },
    { gpuInUse: false }
  )
  expect(p.changes.map(c => c.path)).toEqual(['settings.installNvidiaDevicePlugin'])
  expect(p.disruptive).toEqual([])
})

test('a service type switch writes both scoringFe.serviceType flags', () => {
  const p = plan(HTTP, { ...HTTP, 'inference-router-service-type': 'NodePort' })
  expect(p.changes).toEqual(
    expect.arrayContaining([
      { path: 'settings.inferenceRouterServiceType', desired: 'NodePort', actual: 'LoadBalancer' },
      { path: 'settings.scoringFe.serviceType.nodePort', desired: 'True', actual: undefined }
    ])
  )
})

test('a removed node selector cannot be done by update, and says what to do', () => {
  const p = plan({ ...BOTH, 'node-selector': 'pool=ml' }, BOTH)
  expect(p.leftovers).toEqual([{ path: 'settings.nodeSelector.pool', actual: 'ml' }])
  expect(p.impossible).toEqual([
    expect.stringMatching(/nodeSelector.pool=ml .* never remove one.*mode: delete/)
  ])
})

test('a key dropped from config returns to its default, written explicitly', () => {
  const p = plan({ ...BOTH, config: 'installPromOp=false' }, BOTH)
  expect(p.changes).toEqual([{ path: 'settings.installPromOp', desired: 'True', actual: 'false' }])
  expect(p.patch).toEqual({ configurationSettings: { installPromOp: 'True' } })
  expect(p.leftovers).toEqual([])
})

test('dropping allow-insecure-connections is a disruptive change back to HTTPS, not a no-op', () => {
  const secret = { 'ssl-secret': 'fe', 'ssl-cert': '', 'ssl-key': '' }
  const p = plan(HTTP, { ...BOTH, ...secret, 'allow-insecure-connections': '' })
  expect(p.changes).toContainEqual({
    path: 'settings.allowInsecureConnections',
    desired: 'False',
    actual: 'True'
  })
  expect(p.disruptive.map(d => d.difference.path)).toContain('settings.allowInsecureConnections')
})

test('dropping internal-load-balancer turns the ILB flag off, and that is disruptive', () => {
  const p = plan({ ...HTTP, 'internal-load-balancer': 'true' }, HTTP)
  expect(p.changes).toContainEqual({
    path: 'settings.scoringFe.serviceType.internalLoadBalancer',
    desired: 'False',
    actual: 'True'
  })
  expect(p.disruptive.map(d => d.difference.path)).toContain(
    'settings.scoringFe.serviceType.internalLoadBalancer'
  )
  expect(p.leftovers).toEqual([{ path: 'settings.internalLoadBalancerProvider', actual: 'azure' }])
})

test('a key without a default stays live and is reported as a leftover', () => {
  const secret = { 'ssl-secret': 'fe', 'ssl-cert': '', 'ssl-key': '' }
  const p = plan({ ...BOTH, ...secret }, HTTP)
  expect(p.leftovers).toEqual(
    expect.arrayContaining([
      { path: 'settings.sslSecret', actual: 'fe' },
      { path: 'settings.sslCname', actual: 'ml.contoso.com' }
    ])
  )
})

test('a new pin and release train are envelope changes', () => {
  const p = plan(BOTH, { ...BOTH, version: '1.1.80', 'release-train': 'preview' })
  expect(p.changes).toEqual([
    { path: 'version', desired: '1.1.80', actual: undefined },
    { path: 'releaseTrain', desired: 'preview', actual: 'stable' }
  ])
})

test('the PATCH carries only what changed, and both service-type flags on a switch', () => {
  expect(plan(BOTH, { ...BOTH, config: 'installPromOp=false' }).patch).toEqual({
    configurationSettings: { installPromOp: 'false' }
  })
  expect(plan({ ...HTTP, 'inference-router-service-type': 'NodePort' }, HTTP).patch).toEqual({
    configurationSettings: {
      inferenceRouterServiceType: 'LoadBalancer',
      'scoringFe.serviceType.nodePort': 'False',
      'scoringFe.serviceType.internalLoadBalancer': 'False'
    }
  })
  expect(plan(BOTH, { ...BOTH, version: '1.1.80' }).patch).toEqual({ version: '1.1.80' })
})

describe('auto-upgrade-minor-version left unset', () => {
  const TRAINING = { 'cluster-type': 'managedClusters', scenario: 'training' }

  test('is not sent on create, so the service default applies as with the az CLI', () => {
    const { body } = desiredExtension(request(TRAINING), AKS)
    expect(body.properties).not.toHaveProperty('autoUpgradeMinorVersion')
  })

  test('is not compared: an extension the az CLI made (auto-upgrade on) needs no update', () => {
    const live = { ...liveFrom(TRAINING), autoUpgradeMinorVersion: true }
    expect(planUpdate(request(TRAINING), AKS, live).changes).toEqual([])
  })

  test('with a pinned version, sends false: a pin cannot be upgraded', () => {
    const { body } = desiredExtension(request({ ...TRAINING, version: '1.1.71' }), AKS)
    expect(body.properties.autoUpgradeMinorVersion).toBe(false)
  })

  test('set, it is compared', () => {
    const live = { ...liveFrom(TRAINING), autoUpgradeMinorVersion: true }
    const changes = planUpdate(
      request({ ...TRAINING, 'auto-upgrade-minor-version': 'false' }),
      AKS,
      live
    ).changes
    expect(changes).toEqual([{ path: 'autoUpgradeMinorVersion', desired: 'false', actual: 'true' }])
  })
})

describe('drift of derived keys', () => {
  const TRAINING = { 'cluster-type': 'managedClusters', scenario: 'training' }

  test('a derived key changed by hand is drift; the same value is not', () => {
    const live = liveFrom(TRAINING)
    expect(driftOf(request(TRAINING), AKS, live)).toEqual([])
    live.settings['nginxIngress.enabled'] = 'false'
    expect(driftOf(request(TRAINING), AKS, live)).toEqual([
      { path: 'settings.nginxIngress.enabled', desired: 'true', actual: 'false' }
    ])
  })

  test('keys derived from the node count are not drift when the cluster has scaled', () => {
    const live = liveFrom(TRAINING)
    live.settings.inferenceRouterHA = 'false'
    live.settings.clusterPurpose = 'DevTest'
    expect(driftOf(request(TRAINING), AKS, live)).toEqual([])
  })
})

describe('a cluster holds one AzureML extension: a create beside another is refused', () => {
  const TRAINING = { 'cluster-type': 'managedClusters', scenario: 'training' }
  const decide = (live: LiveExtension | undefined, installed: string[] | undefined) =>
    decideApply({
      request: request(TRAINING),
      cluster: AKS,
      live,
      usage: undefined,
      allowDisruptiveUpdate: false,
      installed
    })
  const failed = { ...liveFrom(TRAINING), provisioningState: 'Failed' }
  test.each<[string, LiveExtension | undefined, string[] | undefined, string]>([
    ['nothing installed', undefined, [], 'create'],
    ['only itself, left Failed', failed, ['arcml-extension'], 'create'],
    ['itself, named in other case', failed, ['ARCML-Extension'], 'create'],
    ['another, while absent', undefined, ['azureml'], 'refuse AnotherAzureMLExtension'],
    [
      'another, while itself Failed',
      failed,
      ['arcml-extension', 'azureml'],
      'refuse AnotherAzureMLExtension'
    ],
    [
      'another, while itself Succeeded: an update is its own',
      liveFrom(TRAINING),
      ['azureml'],
      'none'
    ],
    ['not listed (a create was not possible)', undefined, undefined, 'create']
  ])('%s', (_, live, installed, kind) => {
    const d = decide(live, installed)
    expect(d.kind === 'refuse' ? `refuse ${d.reason}` : d.kind).toBe(kind)
  })

  test('the refusal names the installed extension in the message and the fix', () => {
    const d = decide(undefined, ['azureml'])
    expect(d).toMatchObject({
      message:
        'aks already has the AzureML extension azureml: a cluster holds one, whose Helm release owns the azureml namespace.',
      fix: 'Set extension-name: azureml to manage it, or delete it first (mode: delete with extension-name: azureml).'
    })
  })
})
