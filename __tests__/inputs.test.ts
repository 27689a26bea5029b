/** Reading inputs: strict parsing, the env fallbacks, comments, and the legacy-key notices. */
import { parseDuration, parseKeyValues } from '../src/parse.js'
import { planRequest } from '../src/settings/index.js'
import {
  BASE_INPUTS,
  CLIENT,
  inputsFrom,
  problemsOf,
  SUBSCRIPTION,
  TENANT
} from './helpers/inputs.js'

test.each([
  ['90s', 90_000],
  ['15m', 900_000],
  ['1h', 3_600_000],
  ['1h30m', 5_400_000],
  [' 20M ', 1_200_000],
  ['500ms', 500]
])('duration %s', (text, ms) => {
  expect(parseDuration('timeout', text)).toEqual({ ok: true, value: ms })
})

test('key=value lines: first = splits, blank lines and # comments are skipped, lines are numbered', () => {
  const { entries, problems } = parseKeyValues(
    'config',
    '# seed settings\n\nenableTraining=True\nsslCname = a=b.example.com \n  # done'
  )
  expect(problems).toEqual([])
  expect(entries).toEqual([
    { key: 'enableTraining', value: 'True', line: 3 },
    { key: 'sslCname', value: 'a=b.example.com', line: 4 }
  ])
})

test('subscription, client and tenant fall back to the AZURE_* variables; kubeconfig to KUBECONFIG', () => {
  const table = {
    ...BASE_INPUTS,
    'subscription-id': '',
    'client-id': '',
    'tenant-id': '',
    scenario: 'training'
  }
  const env = {
    AZURE_SUBSCRIPTION_ID: SUBSCRIPTION,
    AZURE_CLIENT_ID: CLIENT,
    AZURE_TENANT_ID: TENANT,
    KUBECONFIG: '/home/runner/.kube/config'
  }
  const { inputs, problems } = inputsFrom(table, {}, env)
  expect(problems).toEqual([])
  expect(inputs).toMatchObject({
    subscriptionId: SUBSCRIPTION,
    clientId: CLIENT,
    tenantId: TENANT,
    kubeconfig: '/home/runner/.kube/config'
  })
})

test('enumerations are case-insensitive and come back in their canonical spelling', () => {
  const { inputs } = inputsFrom({
    ...BASE_INPUTS,
    mode: 'DRIFT',
    'cluster-type': 'managedclusters',
    environment: 'azureusgovernment',
    'inference-router-service-type': 'clusterip',
    'release-train': 'Preview'
  })
  expect(inputs).toMatchObject({
    mode: 'drift',
    clusterType: 'managedClusters',
    environment: 'AzureUSGovernment',
    inferenceRouterServiceType: 'ClusterIP',
    releaseTrain: 'preview'
  })
})

test('defaults applied in code when inputs are empty', () => {
  const { inputs } = inputsFrom(BASE_INPUTS)
  expect(inputs).toMatchObject({
    mode: 'apply',
    clusterType: 'connectedClusters',
    extensionName: 'arcml-extension',
    environment: 'AzureCloud',
    releaseTrain: 'stable',
    autoUpgradeMinorVersion: undefined,
    clusterAccess: 'auto',
    allowDisruptiveUpdate: false,
    forceDelete: false,
    waitForPods: true,
    timeoutMs: 20 * 60_000,
    failOnDrift: true
  })
  expect(inputs.inferenceRouterHa).toBeUndefined()
  expect(inputs.inferenceRouterServiceType).toBeUndefined()
})

test.each([
  [
    'volcanoScheduler.enable=False',
    { installVolcano: 'False' },
    /volcanoScheduler.enable=False is a seed-era key: sent as installVolcano=False/
  ],
  ['reuseExistingPromOp=True', { installPromOp: 'False' }, /sent as installPromOp=False/],
  [
    'privateEndpointNodeport=True',
    { inferenceRouterServiceType: 'NodePort' },
    /sent as inferenceRouterServiceType=NodePort/
  ],
  [
    'privateEndpointILB=False',
    {},
    /privateEndpointILB=False is a seed-era key: sent as nothing \(default\)/
  ],
  ['blobCsiDriverEnabled=True', {}, /blobCsiDriverEnabled is dropped/],
  [
    'openshift=true',
    { openshift: 'true' },
    /openshift is no longer documented; it is sent as given/
  ]
])('legacy %s → current keys, with a notice', (line, expected, notice) => {
  const { inputs, problems } = inputsFrom({
    ...BASE_INPUTS,
    scenario: 'training-and-inference',
    'allow-insecure-connections': 'true',
    config: line
  })
  const planned = planRequest(inputs, problems)
  expect(planned.request.settings).toMatchObject(expected)
  const legacyKey = line.split('=')[0]!
  if (!(legacyKey in expected)) expect(planned.request.settings).not.toHaveProperty(legacyKey)
  expect(planned.notices.join('\n')).toMatch(notice)
})

test('the most useful error comes first: TLS before the router (the az CLI order)', () => {
  const problems = problemsOf({
    scenario: 'inference',
    config: 'inferenceRouterServiceType=Ingress'
  })
  expect(problems.map(p => p.input)).toEqual(['ssl-cert', 'config'])
})

test('reading problems come before settings problems', () => {
  const problems = problemsOf({ mode: 'sync', config: 'enableTraining=Ture' })
  expect(problems.map(p => p.input)).toEqual(['mode', 'config', 'scenario'])
})

test.each([
  ['AZUREML_ACTION_POLL_MS', 'abc'],
  ['AZUREML_ACTION_RETRY_MS', '1.5'],
  ['AZUREML_ACTION_GRACE_MS', '-1']
])('%s=%s is a problem naming the variable, never NaN', (name, value) => {
  const { inputs, problems } = inputsFrom(BASE_INPUTS, {}, { [name]: value })
  expect(problems).toEqual([
    {
      input: name,
      message: `'${value}' is not a whole number of milliseconds.`,
      fix: `Set ${name} to a number such as 1000, or unset it.`
    }
  ])
  expect(Object.values(inputs.tuning).some(v => Number.isNaN(v))).toBe(false)
})

test('timing variables that are whole numbers tune the run', () => {
  const { inputs, problems } = inputsFrom(
    BASE_INPUTS,
    {},
    { AZUREML_ACTION_POLL_MS: '25', AZUREML_ACTION_GRACE_MS: '1000' }
  )
  expect(problems).toEqual([])
  expect(inputs.tuning).toEqual({ pollIntervalMs: 25, retryDelayMs: undefined, graceMs: 1000 })
})
