/** Invalid inputs: each is refused before anything touches Azure, naming the input and the fix. */
import { planRequest, validateAgainstCluster } from '../src/settings/index.js'
import type { ClusterFacts } from '../src/settings/index.js'
import { ValidationError } from '../src/problems.js'
import { BASE_INPUTS, inputsFrom, problemsOf } from './helpers/inputs.js'
import { makeCertificate } from './helpers/pem.js'

const good = makeCertificate('ml.contoso.com', '*.ml.contoso.com')
const other = makeCertificate('other.example.com')
const ENCRYPTED_KEY =
  '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0w\n-----END ENCRYPTED PRIVATE KEY-----\n'
const HTTPS = { 'ssl-cert': good.cert, 'ssl-key': good.key, 'ssl-cname': 'ml.contoso.com' }
const INFERENCE = { scenario: 'inference', 'allow-insecure-connections': 'true' }

interface Case {
  name: string
  inputs: Record<string, string>
  files?: Record<string, string>
  /** The input the first problem names. */
  input: string
  message: RegExp
  fix: RegExp
  /** The inputs the case's further problems name, in order: every problem is accounted for. */
  also?: string[]
}

const CASES: Case[] = [
  // Reading the inputs
  {
    name: 'unknown mode',
    inputs: { mode: 'upsert', scenario: 'training' },
    input: 'mode',
    message: /'upsert'/,
    fix: /apply, verify, drift, delete/
  },
  {
    name: 'unknown cluster type',
    inputs: { 'cluster-type': 'aks', scenario: 'training' },
    input: 'cluster-type',
    message: /'aks'/,
    fix: /connectedClusters, managedClusters/
  },
  {
    name: 'unknown environment',
    inputs: { environment: 'AzurePublic', scenario: 'training' },
    input: 'environment',
    message: /'AzurePublic'/,
    fix: /AzureCloud/
  },
  {
    name: 'unknown scenario',
    inputs: { scenario: 'train' },
    input: 'scenario',
    message: /'train'/,
    fix: /training, inference, training-and-inference/,
    also: ['scenario']
  },
  {
    name: 'unknown service type',
    inputs: { ...INFERENCE, 'inference-router-service-type': 'ingress' },
    input: 'inference-router-service-type',
    message: /'ingress'/,
    fix: /LoadBalancer, NodePort, ClusterIP/
  },
  {
    name: 'HA neither true, false nor auto',
    inputs: { ...INFERENCE, 'inference-router-ha': 'yes' },
    input: 'inference-router-ha',
    message: /'yes'/,
    fix: /true, false, auto/
  },
  {
    name: 'boolean spelled yes',
    inputs: { scenario: 'training', 'wait-for-pods': 'yes' },
    input: 'wait-for-pods',
    message: /'yes' is not a boolean/,
    fix: /true or false/
  },
  {
    name: 'boolean spelled 1',
    inputs: { scenario: 'training', 'force-delete': '1' },
    input: 'force-delete',
    message: /not a boolean/,
    fix: /true or false/
  },
  {
    name: 'duration without a unit',
    inputs: { scenario: 'training', timeout: '900' },
    input: 'timeout',
    message: /'900' is not a duration/,
    fix: /90s, 15m or 1h/
  },
  {
    name: 'duration of zero',
    inputs: { scenario: 'training', timeout: '0m' },
    input: 'timeout',
    message: /zero/,
    fix: /positive/
  },
  {
    name: 'duration over a day',
    inputs: { scenario: 'training', timeout: '48h' },
    input: 'timeout',
    message: /over 24h/,
    fix: /at most 24h/
  },
  {
    name: 'config line without =',
    inputs: { config: 'enableTraining=true\ninstallPromOp false' },
    input: 'config',
    message: /line 2 is not key=value/,
    fix: /one key=value per line/
  },
  {
    name: 'config key given twice',
    inputs: { config: 'enableTraining=true\n\nenableTraining=false' },
    input: 'config',
    message: /'enableTraining' is given twice \(lines 1 and 3\)/,
    fix: /Keep one line/
  },
  {
    name: 'config-protected line without a key',
    inputs: { scenario: 'training', 'config-protected': '=secret' },
    input: 'config-protected',
    message: /line 1/,
    fix: /key=value/
  },
  {
    name: 'node selector without =',
    inputs: { scenario: 'training', 'node-selector': 'kubernetes.io/os' },
    input: 'node-selector',
    message: /line 1 is not label=value/,
    fix: /label=value/
  },
  {
    name: 'missing resource group',
    inputs: { scenario: 'training', 'resource-group': '' },
    input: 'resource-group',
    message: /required/,
    fix: /Set 'resource-group'/
  },
  {
    name: 'missing cluster name',
    inputs: { scenario: 'training', 'cluster-name': ' ' },
    input: 'cluster-name',
    message: /required/,
    fix: /Set 'cluster-name'/
  },
  {
    name: 'missing subscription',
    inputs: { scenario: 'training', 'subscription-id': '' },
    input: 'subscription-id',
    message: /required/,
    fix: /AZURE_SUBSCRIPTION_ID/
  },
  {
    name: 'subscription not a GUID',
    inputs: { scenario: 'training', 'subscription-id': 'my-sub' },
    input: 'subscription-id',
    message: /not a GUID/,
    fix: /subscription id/
  },
  {
    name: 'missing client id',
    inputs: { scenario: 'training', 'client-id': '' },
    input: 'client-id',
    message: /required/,
    fix: /AZURE_CLIENT_ID/
  },
  {
    name: 'client id not a GUID',
    inputs: { scenario: 'training', 'client-id': 'my-app' },
    input: 'client-id',
    message: /not a GUID/,
    fix: /client\) id/
  },
  {
    name: 'missing tenant',
    inputs: { scenario: 'training', 'tenant-id': '' },
    input: 'tenant-id',
    message: /required/,
    fix: /AZURE_TENANT_ID/
  },
  {
    name: 'tenant neither GUID nor domain',
    inputs: { scenario: 'training', 'tenant-id': 'contoso' },
    input: 'tenant-id',
    message: /neither a tenant GUID nor a domain/,
    fix: /tenant\) id/
  },
  {
    name: 'ARM endpoint over http',
    inputs: { scenario: 'training', 'arm-endpoint': 'http://127.0.0.1:8443' },
    input: 'arm-endpoint',
    message: /not an https URL/,
    fix: /https:\/\//
  },
  {
    name: 'authority host not a URL',
    inputs: { scenario: 'training', 'authority-host': 'login' },
    input: 'authority-host',
    message: /not an https URL/,
    fix: /https:\/\//
  },
  {
    name: 'extension name with capitals',
    inputs: { scenario: 'training', 'extension-name': 'AzureML' },
    input: 'extension-name',
    message: /Helm release name/,
    fix: /lower-case/
  },
  {
    name: 'version not x.y.z',
    inputs: { scenario: 'training', version: 'latest' },
    input: 'version',
    message: /not an extension version/,
    fix: /1\.1\.71/
  },
  {
    name: 'unknown release train',
    inputs: { scenario: 'training', 'release-train': 'beta' },
    input: 'release-train',
    message: /'beta'/,
    fix: /stable, preview/
  },
  {
    name: 'PEM file that cannot be read',
    inputs: {
      ...INFERENCE,
      'allow-insecure-connections': '',
      'ssl-cname': 'ml.contoso.com',
      'config-protected': 'sslCertPemFile=/nope/cert.pem\nsslKeyPemFile=/nope/key.pem'
    },
    input: 'config-protected',
    message: /sslCertPemFile \(line 1\) names '\/nope\/cert.pem', which cannot be read/,
    fix: /Check the path/,
    also: ['config-protected', 'config-protected']
  },
  // Legacy keys
  {
    name: 'legacy key disagreeing with its current key',
    inputs: {
      config:
        'enableInference=True\nallowInsecureConnections=True\ninferenceLoadBalancerHA=True\ninferenceRouterHA=false'
    },
    input: 'config',
    message:
      /inferenceLoadBalancerHA=True means inferenceRouterHA=True, but inferenceRouterHA=false is also given/,
    fix: /Remove inferenceLoadBalancerHA/
  },
  {
    name: 'reuseExistingPromOp against installPromOp (inverted)',
    inputs: { config: 'enableTraining=True\nreuseExistingPromOp=True\ninstallPromOp=True' },
    input: 'config',
    message: /installPromOp=False, but installPromOp=True/,
    fix: /Remove reuseExistingPromOp/
  },
  {
    name: 'both private endpoints',
    inputs: {
      config:
        'enableInference=True\nallowInsecureConnections=True\nprivateEndpointNodeport=True\nprivateEndpointILB=True'
    },
    input: 'config',
    message: /both true/,
    fix: /Keep one/,
    also: ['internal-load-balancer', 'internal-load-balancer']
  },
  {
    name: 'legacy key that is not a boolean',
    inputs: { config: 'enableTraining=True\nvolcanoScheduler.enable=no' },
    input: 'config',
    message: /volcanoScheduler.enable=no \(line 2\) is not a boolean/,
    fix: /volcanoScheduler.enable=true/
  },
  // Keys and values
  {
    name: 'mis-cased key',
    inputs: { config: 'enableTraining=True\nInferenceRouterHA=False' },
    input: 'config',
    message: /'InferenceRouterHA' is not a setting/,
    fix: /Write 'inferenceRouterHA'/
  },
  {
    name: 'the seed typo Ture',
    inputs: {
      config: 'enableInference=True\nprivateEndpointNodeport=True\nallowInsecureConnections=Ture'
    },
    input: 'config',
    message: /allowInsecureConnections=Ture is not a boolean/,
    fix: /allowInsecureConnections=true/,
    also: ['ssl-cert']
  },
  {
    name: 'a key in both maps',
    inputs: { config: 'enableTraining=True\nsslCname=a.b', 'config-protected': 'sslCname=a.b' },
    input: 'config-protected',
    message: /'sslCname' is in both/,
    fix: /Keep 'sslCname' in one/
  },
  {
    name: 'PEM text in public settings',
    inputs: { config: `enableTraining=True\nmyCert=-----BEGIN CERTIFICATE-----` },
    input: 'config',
    message: /holds a secret/,
    fix: /Move 'myCert' to config-protected/
  },
  {
    name: 'a connection string in public settings',
    inputs: { config: 'enableTraining=True\nrelayServerConnectionString=Endpoint=sb://x' },
    input: 'config',
    message: /'relayServerConnectionString' holds a secret/,
    fix: /config-protected/
  },
  {
    name: 'Service Bus asked for',
    inputs: { config: 'enableTraining=True\nservicebus.enabled=true' },
    input: 'config',
    message: /Service Bus/,
    fix: /Remove servicebus.enabled/
  },
  // Scenario
  {
    name: 'no scenario at all',
    inputs: {},
    input: 'scenario',
    message: /neither training nor inference/,
    fix: /training-and-inference/
  },
  {
    name: 'both flags false in config',
    inputs: { config: 'enableTraining=False\nenableInference=false' },
    input: 'scenario',
    message: /neither/,
    fix: /enableTraining=true/
  },
  {
    name: 'scenario contradicting config',
    inputs: { scenario: 'training', config: 'enableInference=True\nallowInsecureConnections=True' },
    input: 'scenario',
    message: /enableInference=False, but config has enableInference=True/,
    fix: /Remove enableInference from config/
  },
  {
    name: 'service type input contradicting config',
    inputs: {
      ...INFERENCE,
      'inference-router-service-type': 'NodePort',
      config: 'inferenceRouterServiceType=ClusterIP'
    },
    input: 'inference-router-service-type',
    message: /NodePort, but config has inferenceRouterServiceType=ClusterIP/,
    fix: /make 'inference-router-service-type' agree/
  },
  {
    name: 'internal-load-balancer false against config',
    inputs: {
      ...INFERENCE,
      'cluster-type': 'managedClusters',
      'internal-load-balancer': 'false',
      config: 'internalLoadBalancerProvider=azure'
    },
    input: 'internal-load-balancer',
    message: /is false, but config has internalLoadBalancerProvider=azure/,
    fix: /set 'internal-load-balancer' to true/
  },
  {
    name: 'HA input contradicting config',
    inputs: { ...INFERENCE, 'inference-router-ha': 'true', config: 'inferenceRouterHA=false' },
    input: 'inference-router-ha',
    message: /inferenceRouterHA=True, but config has inferenceRouterHA=false/,
    fix: /agree/
  },
  {
    name: 'node selector contradicting config',
    inputs: { scenario: 'training', 'node-selector': 'pool=gpu', config: 'nodeSelector.pool=cpu' },
    input: 'node-selector',
    message: /nodeSelector.pool=gpu, but config has nodeSelector.pool=cpu/,
    fix: /agree/
  },
  {
    name: 'TLS input with training only',
    inputs: { scenario: 'training', ...HTTPS },
    input: 'ssl-cname',
    message: /applies to inference only/,
    fix: /training-and-inference, or remove 'ssl-cname'/,
    also: ['ssl-cert']
  },
  // Inference: TLS (CLI rules 6 and 7, and what it misses)
  {
    name: 'inference without TLS or HTTP choice',
    inputs: { scenario: 'inference' },
    input: 'ssl-cert',
    message: /HTTPS material or an explicit choice of HTTP/,
    fix: /allow-insecure-connections: true/
  },
  {
    name: 'certificate without sslCname',
    inputs: { scenario: 'inference', 'ssl-cert': good.cert, 'ssl-key': good.key },
    input: 'ssl-cname',
    message: /required with HTTPS/,
    fix: /DNS name the certificate is for/
  },
  {
    name: 'sslSecret without sslCname',
    inputs: { scenario: 'inference', 'ssl-secret': 'fe-tls' },
    input: 'ssl-cname',
    message: /required with HTTPS/,
    fix: /ssl-cname/
  },
  {
    name: 'certificate without key',
    inputs: { scenario: 'inference', 'ssl-cert': good.cert, 'ssl-cname': 'ml.contoso.com' },
    input: 'ssl-key',
    message: /missing: HTTPS needs both/,
    fix: /both ssl-cert and ssl-key/
  },
  {
    name: 'PEM key file without cert file',
    inputs: {
      scenario: 'inference',
      'ssl-cname': 'ml.contoso.com',
      'config-protected': 'sslKeyPemFile=/k.pem'
    },
    files: { '/k.pem': good.key },
    input: 'config-protected',
    message: /missing/,
    fix: /sslCertPemFile and sslKeyPemFile/
  },
  {
    name: 'TLS from inputs and from files',
    inputs: {
      scenario: 'inference',
      ...HTTPS,
      'config-protected': 'sslCertPemFile=/c.pem\nsslKeyPemFile=/k.pem'
    },
    files: { '/c.pem': good.cert, '/k.pem': good.key },
    input: 'ssl-cert',
    message: /given twice/,
    fix: /Keep one source/
  },
  {
    name: 'PEM pair and sslSecret',
    inputs: { scenario: 'inference', ...HTTPS, 'ssl-secret': 'fe-tls' },
    input: 'ssl-secret',
    message: /both given/,
    fix: /Keep either ssl-secret/
  },
  {
    name: 'HTTP allowed and TLS given',
    inputs: { ...INFERENCE, ...HTTPS },
    input: 'allow-insecure-connections',
    message: /TLS material is given/,
    fix: /false for HTTPS/
  },
  {
    name: 'certificate that is not PEM',
    inputs: { scenario: 'inference', ...HTTPS, 'ssl-cert': 'not a certificate' },
    input: 'ssl-cert',
    message: /not a PEM certificate/,
    fix: /BEGIN CERTIFICATE/
  },
  {
    name: 'key that is not PEM',
    inputs: {
      scenario: 'inference',
      ...HTTPS,
      'ssl-key': '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----'
    },
    input: 'ssl-key',
    message: /not a PEM private key/,
    fix: /BEGIN PRIVATE KEY/
  },
  {
    name: 'passphrase-protected key',
    inputs: { scenario: 'inference', ...HTTPS, 'ssl-key': ENCRYPTED_KEY },
    input: 'ssl-key',
    message: /encrypted with a passphrase/,
    fix: /openssl pkey/
  },
  {
    name: 'key of another certificate',
    inputs: { scenario: 'inference', ...HTTPS, 'ssl-key': other.key },
    input: 'ssl-cert',
    message: /does not belong to the certificate/,
    fix: /key the certificate was issued for/
  },
  {
    name: 'CNAME the certificate is not for',
    inputs: { scenario: 'inference', ...HTTPS, 'ssl-cname': 'ml.fabrikam.com' },
    input: 'ssl-cname',
    message:
      /'ml.fabrikam.com' is not a name the certificate is for \(ml.contoso.com, \*.ml.contoso.com\)/,
    fix: /name in the certificate/
  },
  // Inference: router (CLI rules 8 and 9, and ILB on Arc)
  {
    name: 'service type not a type',
    inputs: { ...INFERENCE, config: 'inferenceRouterServiceType=Ingress' },
    input: 'config',
    message: /inferenceRouterServiceType=Ingress is not a service type/,
    fix: /LoadBalancer, NodePort, ClusterIP/
  },
  {
    name: 'ILB with NodePort',
    inputs: {
      ...INFERENCE,
      'cluster-type': 'managedClusters',
      'internal-load-balancer': 'true',
      'inference-router-service-type': 'NodePort'
    },
    input: 'internal-load-balancer',
    message: /needs service type LoadBalancer, not NodePort/,
    fix: /LoadBalancer, or drop internal-load-balancer/
  },
  {
    name: 'ILB on Arc',
    inputs: { ...INFERENCE, 'internal-load-balancer': 'true' },
    input: 'internal-load-balancer',
    message: /only on AKS/,
    fix: /NodePort or ClusterIP on Arc/
  },
  {
    name: 'ILB provider that is not azure',
    inputs: {
      ...INFERENCE,
      'cluster-type': 'managedClusters',
      config: 'internalLoadBalancerProvider=metallb'
    },
    input: 'config',
    message: /internalLoadBalancerProvider=metallb is not supported/,
    fix: /'azure'/
  },
  // Version pinning (CLI rule 12, checked before any write here)
  {
    name: 'pinned version with auto-upgrade',
    inputs: { scenario: 'training', version: '1.1.71', 'auto-upgrade-minor-version': 'true' },
    input: 'version',
    message: /pins 1.1.71, but auto-upgrade-minor-version is true/,
    fix: /auto-upgrade-minor-version to false/
  },
  {
    name: 'Log Analytics asked for without its workspace',
    inputs: { config: 'enableTraining=True\nlogAnalyticsWS=true' },
    input: 'config-protected',
    message: /logAnalyticsWS=true needs the Log Analytics workspace/,
    fix: /azure_log_analytics.connection_string/
  },
  {
    name: 'empty node selector value',
    inputs: { scenario: 'training', config: 'nodeSelector.pool=' },
    input: 'node-selector',
    message: /'nodeSelector.pool' has an empty label or value/,
    fix: /label=value/
  }
]

test.each(CASES)('$name → $input', c => {
  const problems = problemsOf(c.inputs, c.files)
  // Every problem of the case, not only the first: the one it is about, and those it also names.
  expect(problems.map(p => p.input)).toEqual([c.input, ...(c.also ?? [])])
  expect(problems[0]!.message).toMatch(c.message)
  expect(problems[0]!.fix).toMatch(c.fix)
})

test('all problems of a run come together, in one error', () => {
  const problems = problemsOf({
    mode: 'sync',
    'subscription-id': '',
    timeout: '10',
    config: 'InferenceRouterHA=true\nenableInference=Ture',
    'ssl-cert': good.cert
  })
  expect(problems.map(p => p.input)).toEqual(
    expect.arrayContaining(['mode', 'subscription-id', 'timeout', 'config', 'scenario'])
  )
  expect(problems.length).toBeGreaterThanOrEqual(6)
  const error = new ValidationError(problems)
  for (const p of problems) expect(error.message).toContain(`${p.input}: ${p.message}`)
})

test('the seed inputs that are valid stay valid (no false alarms)', () => {
  expect(problemsOf({ scenario: 'inference', ...HTTPS })).toEqual([])
  expect(
    problemsOf({ scenario: 'inference', ...HTTPS, 'ssl-cname': 'api.ml.contoso.com' })
  ).toEqual([])
  expect(problemsOf({ ...INFERENCE, 'inference-router-service-type': 'ClusterIP' })).toEqual([])
  expect(problemsOf({ config: 'enableTraining=true\nvolcanoScheduler.enable=False' })).toEqual([])
})

describe('rules that need the cluster resource', () => {
  const cluster: ClusterFacts = {
    id: '/x',
    name: 'small',
    type: 'managedClusters',
    location: 'eastus',
    nodeCount: 2
  }
  const planned = (table: Record<string, string>) => {
    const { inputs, problems } = inputsFrom({ ...BASE_INPUTS, ...INFERENCE, ...table })
    return planRequest(inputs, problems).request
  }

  test('HA set explicitly on a 2-node cluster is refused', () => {
    const [p] = validateAgainstCluster(planned({ 'inference-router-ha': 'true' }), cluster)
    expect(p).toMatchObject({ input: 'inference-router-ha' })
    expect(p!.message).toMatch(/small has 2 nodes/)
    expect(p!.fix).toMatch(/auto or false/)
  })

  test('HA left on auto is fine on 2 nodes, and explicit HA is fine on 3', () => {
    expect(validateAgainstCluster(planned({}), cluster)).toEqual([])
    expect(
      validateAgainstCluster(planned({ 'inference-router-ha': 'true' }), {
        ...cluster,
        nodeCount: 3
      })
    ).toEqual([])
  })
})
