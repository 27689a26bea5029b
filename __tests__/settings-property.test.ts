/**
 * Over random input maps the engine either refuses with a ValidationError or produces a body that
 * ARM's own schema accepts; it never throws anything else.
 */
import fc from 'fast-check'
import { desiredExtension, planRequest, validateAgainstCluster } from '../src/settings/index.js'
import type { ClusterFacts } from '../src/settings/index.js'
import { ValidationError } from '../src/problems.js'
import { BOOLEAN_KEYS, LEGACY_KEYS, OTHER_KEYS, SECRET_KEYS } from '../src/settings/keys.js'
import { ExtensionsSpec } from '../sandbox/arm/schema.js'
import { BASE_INPUTS, inputsFrom } from './helpers/inputs.js'
import { makeCertificate } from './helpers/pem.js'

const spec = new ExtensionsSpec('2023-05-01')
const tls = makeCertificate('ml.contoso.com')
const stranger = makeCertificate('other.example.com')

const oneOf = <T>(...values: T[]) => fc.constantFrom(...values)
const text = fc.string({ maxLength: 12 })
const maybe = (arb: fc.Arbitrary<string>) => fc.option(arb, { nil: undefined })

const KEYS = [
  ...BOOLEAN_KEYS,
  ...LEGACY_KEYS,
  ...OTHER_KEYS,
  ...SECRET_KEYS,
  'nodeSelector.pool',
  'InferenceRouterHA'
]
const VALUES = [
  'true',
  'false',
  'True',
  'FALSE',
  'Ture',
  'LoadBalancer',
  'nodeport',
  'ClusterIP',
  'azure',
  '',
  'x'
]
const configLine = fc.oneof(
  fc
    .tuple(fc.constantFrom(...KEYS), fc.oneof(fc.constantFrom(...VALUES), text))
    .map(([k, v]) => `${k}=${v}`),
  text
)
const config = fc.array(configLine, { maxLength: 8 }).map(lines => lines.join('\n'))

const inputTable = fc.record(
  {
    mode: maybe(oneOf('apply', 'drift', 'verify', 'delete', 'sync')),
    'cluster-type': maybe(oneOf('connectedClusters', 'managedclusters', 'aks')),
    scenario: maybe(
      fc.oneof(oneOf('training', 'inference', 'training-and-inference', 'Inference'), text)
    ),
    'inference-router-service-type': maybe(
      oneOf('LoadBalancer', 'nodePort', 'clusterip', 'ingress')
    ),
    'internal-load-balancer': maybe(oneOf('true', 'false', 'no')),
    'allow-insecure-connections': maybe(oneOf('true', 'false', 'TRUE', 'yes')),
    'inference-router-ha': maybe(oneOf('true', 'false', 'auto', 'maybe')),
    'ssl-cname': maybe(oneOf('ml.contoso.com', 'other.example.com', '')),
    'ssl-cert': maybe(oneOf(tls.cert, stranger.cert, 'junk')),
    'ssl-key': maybe(oneOf(tls.key, stranger.key, 'junk')),
    'ssl-secret': maybe(oneOf('fe-tls', '')),
    'node-selector': maybe(oneOf('pool=gpu', 'kubernetes.io/os=linux\npool=cpu', 'bad')),
    config: maybe(config),
    'config-protected': maybe(config),
    version: maybe(oneOf('1.1.71', 'latest')),
    'auto-upgrade-minor-version': maybe(oneOf('true', 'false')),
    'release-train': maybe(oneOf('stable', 'Preview', 'beta')),
    timeout: maybe(oneOf('90s', '15m', '1h', '10', '0s'))
  },
  { requiredKeys: [] }
)

/** Inputs a careful user writes: mostly valid, so the property also covers bodies that get built. */
const SAFE_LINES = fc.constantFrom(
  ['installPromOp', 'false'],
  ['installVolcano', 'False'],
  ['volcanoScheduler.enable', 'true'],
  ['reuseExistingPromOp', 'True'],
  ['installNvidiaDevicePlugin', 'true'],
  ['nodeSelector.pool', 'gpu'],
  ['domain', 'ml.contoso.com'],
  ['logAnalyticsWS', 'true'],
  ['relayserver.enabled', 'false'],
  ['openshift', 'true'],
  ['blobCsiDriverEnabled', 'true']
)
const safeConfig = fc
  .uniqueArray(SAFE_LINES, { maxLength: 5, selector: ([k]) => k })
  .map(lines => lines.map(([k, v]) => `${k}=${v}`).join('\n'))
const TLS_CHOICES: Record<string, Record<string, string>> = {
  http: { 'allow-insecure-connections': 'true' },
  pem: { 'ssl-cert': tls.cert, 'ssl-key': tls.key, 'ssl-cname': 'ml.contoso.com' },
  secret: { 'ssl-secret': 'fe-tls', 'ssl-cname': 'ml.contoso.com' }
}
const carefulTable = fc
  .record(
    {
      'cluster-type': oneOf('connectedClusters', 'managedClusters'),
      scenario: oneOf('training', 'inference', 'training-and-inference'),
      'inference-router-service-type': maybe(oneOf('LoadBalancer', 'NodePort', 'ClusterIP')),
      'inference-router-ha': maybe(oneOf('false', 'auto')),
      'node-selector': maybe(oneOf('kubernetes.io/os=linux')),
      config: safeConfig,
      version: maybe(oneOf('1.1.71')),
      tls: oneOf('http', 'pem', 'secret')
    },
    { requiredKeys: ['cluster-type', 'scenario', 'config', 'tls'] }
  )
  .map(({ tls: choice, ...rest }) => ({
    ...rest,
    ...(rest.scenario === 'training' ? {} : TLS_CHOICES[choice])
  }))

const cluster = fc.record({
  nodeCount: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
  distribution: fc.option(oneOf('openshift', 'k3s', 'aks'), { nil: undefined }),
  location: oneOf('eastus', 'WestEurope')
})

test('the engine refuses with ValidationError or builds a body ARM accepts (1,000 cases)', () => {
  let built = 0
  fc.assert(
    fc.property(fc.oneof(inputTable, carefulTable), cluster, (table, facts) => {
      const defined = Object.fromEntries(
        Object.entries(table as Record<string, string | undefined>).filter(
          ([, v]) => v !== undefined
        )
      )
      const { inputs, problems } = inputsFrom({
        ...BASE_INPUTS,
        ...(defined as Record<string, string>)
      })
      let request
      try {
        request = planRequest(inputs, problems).request
      } catch (err) {
        if (err instanceof ValidationError) return
        throw err
      }
      const clusterFacts: ClusterFacts = {
        id: '/subscriptions/s/x',
        name: 'c',
        type: inputs.clusterType,
        ...facts
      }
      validateAgainstCluster(request, clusterFacts)
      const desired = desiredExtension(request, clusterFacts, {
        relay: {
          connectionString: 'Endpoint=sb://r/',
          hybridConnectionResourceId: '/h',
          hybridConnectionName: 'c'
        }
      })
      expect(spec.validate('Extension', desired.body)).toEqual([])
      built++
    }),
    { numRuns: 1000 }
  )
  // The generator must reach both outcomes, or the property says little.
  expect(built).toBeGreaterThan(200)
})
