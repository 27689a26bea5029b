/**
 * The seed document's deployment commands, as a user migrating from `az k8s-extension create` writes
 * them into the action, and the exact ARM body each one produces on Arc and on AKS.
 */
import { desiredExtension, planRequest } from '../src/settings/index.js'
import type { ClusterFacts, RelayFacts } from '../src/settings/index.js'
import { ValidationError } from '../src/problems.js'
import { BASE_INPUTS, inputsFrom, SUBSCRIPTION } from './helpers/inputs.js'
import { expectedBody, FILES, SEED_CASES } from './helpers/seed-cases.js'

const RG = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml/providers`
const ARC: ClusterFacts = {
  id: `${RG}/Microsoft.Kubernetes/connectedClusters/arc-cluster`,
  name: 'arc-cluster',
  type: 'connectedClusters',
  location: 'EastUS',
  nodeCount: 3,
  distribution: 'k3s'
}
const AKS: ClusterFacts = {
  id: `${RG}/Microsoft.ContainerService/managedClusters/aks-cluster`,
  name: 'aks-cluster',
  type: 'managedClusters',
  location: 'eastus',
  nodeCount: 3
}
const RELAY: RelayFacts = {
  connectionString:
    'Endpoint=sb://arccluster-relay.servicebus.windows.net/;SharedAccessKeyName=azureml_rw;SharedAccessKey=c2VjcmV0;EntityPath=arc-cluster',
  hybridConnectionResourceId: `${RG}/Microsoft.Relay/namespaces/arcclusterrelay/hybridConnections/arc-cluster`,
  hybridConnectionName: 'arc-cluster'
}

describe.each([ARC, AKS])('seed commands on $type', cluster => {
  test.each(SEED_CASES)('$name', c => {
    const table = {
      ...BASE_INPUTS,
      'cluster-name': cluster.name,
      'cluster-type': cluster.type,
      ...c.inputs
    }
    const { inputs, problems } = inputsFrom(table, FILES)
    if (cluster.type === 'connectedClusters' && c.refusedOnArc) {
      expect(() => planRequest(inputs, problems)).toThrow(ValidationError)
      try {
        planRequest(inputs, problems)
      } catch (err) {
        expect((err as ValidationError).problems.map(p => p.input)).toEqual([c.refusedOnArc])
      }
      return
    }
    const { request } = planRequest(inputs, problems)
    const desired = desiredExtension(request, cluster, { relay: RELAY })
    expect(desired.name).toBe('arcml-extension')
    expect(desired.clusterId).toBe(cluster.id)
    expect(desired.body).toEqual(expectedBody(cluster, c, RELAY))
  })
})

test('a cluster with fewer than 3 nodes gets the CLI small-cluster defaults', () => {
  const { inputs, problems } = inputsFrom({
    ...BASE_INPUTS,
    'cluster-type': 'managedClusters',
    scenario: 'training'
  })
  const { request } = planRequest(inputs, problems)
  const { body: b } = desiredExtension(request, { ...AKS, nodeCount: 2 })
  expect(b.properties.configurationSettings).toMatchObject({
    clusterPurpose: 'DevTest',
    inferenceRouterHA: 'false'
  })
})

test('a user domain is kept and no local file path reaches ARM', () => {
  const { inputs, problems } = inputsFrom(
    {
      ...BASE_INPUTS,
      'cluster-type': 'managedClusters',
      config: 'enableInference=True\nsslCname=ml.contoso.com\ndomain=ml.contoso.com',
      'config-protected': 'sslCertPemFile=/certs/cert.pem\nsslKeyPemFile=/certs/key.pem'
    },
    FILES
  )
  const { request } = planRequest(inputs, problems)
  const { body: b } = desiredExtension(request, AKS)
  expect(b.properties.configurationSettings.domain).toBe('ml.contoso.com')
  expect(JSON.stringify(b)).not.toContain('/certs/')
  expect(Object.keys(b.properties.configurationProtectedSettings)).toEqual([
    'scoringFe.sslCert',
    'scoringFe.sslKey'
  ])
})

test('an OpenShift Arc cluster gets openshift=true, and a pinned version is sent', () => {
  const { inputs, problems } = inputsFrom({
    ...BASE_INPUTS,
    scenario: 'training',
    version: '1.1.71'
  })
  const { request } = planRequest(inputs, problems)
  const { body: b } = desiredExtension(
    request,
    { ...ARC, distribution: 'OpenShift' },
    { relay: RELAY }
  )
  expect(b.properties.configurationSettings.openshift).toBe('true')
  expect(b.properties.version).toBe('1.1.71')
  expect(b.properties.autoUpgradeMinorVersion).toBe(false)
})
