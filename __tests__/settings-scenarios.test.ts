/**
 * The seed document's deployment commands, as a user migrating from `az k8s-extension create` writes
 * them into the action, and the exact ARM body each one produces on Arc and on AKS.
 */
import { X509Certificate } from 'node:crypto'
import { desiredExtension, planRequest } from '../src/settings/index.js'
import type { ClusterFacts, ExtensionBody, RelayFacts } from '../src/settings/index.js'
import { ValidationError } from '../src/problems.js'
import { BASE_INPUTS, inputsFrom, SUBSCRIPTION } from './helpers/inputs.js'
import { makeCertificate } from './helpers/pem.js'

const tls = makeCertificate('ml.contoso.com')
const FILES = { '/certs/cert.pem': tls.cert, '/certs/key.pem': tls.key }
const PEM_FILES = 'sslCertPemFile=/certs/cert.pem\nsslKeyPemFile=/certs/key.pem'
const B64_CERT = Buffer.from(tls.cert).toString('base64')
const B64_KEY = Buffer.from(tls.key).toString('base64')
/** What `openssl x509 -noout -fingerprint -sha256` prints for the certificate: public, no secret. */
const FINGERPRINT = {
  'azuremlExtensionAction.sslCertSha256': new X509Certificate(tls.cert).fingerprint256
}

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

/** What the az CLI derives from the Arc cluster (reference §3.2, §3.5), written out once. */
const ARC_DERIVED = {
  cluster_name: ARC.id,
  clusterId: ARC.id,
  'prometheus.prometheusSpec.externalLabels.cluster_name': ARC.id,
  domain: 'eastus.cloudapp.azure.com',
  location: 'eastus',
  jobSchedulerLocation: 'eastus',
  cluster_name_friendly: 'arc-cluster',
  'servicebus.enabled': 'false',
  'relayserver.enabled': 'true',
  'nginxIngress.enabled': 'false',
  'relayserver.hybridConnectionResourceID': RELAY.hybridConnectionResourceId,
  'relayserver.hybridConnectionName': 'arc-cluster'
}
const ARC_PROTECTED = {
  relayServerConnectionString: RELAY.connectionString,
  'relayserver.relayConnectionString': RELAY.connectionString
}
const AKS_DERIVED = {
  cluster_name: AKS.id,
  clusterId: AKS.id,
  'prometheus.prometheusSpec.externalLabels.cluster_name': AKS.id,
  domain: 'eastus.cloudapp.azure.com',
  location: 'eastus',
  jobSchedulerLocation: 'eastus',
  cluster_name_friendly: 'aks-cluster',
  'servicebus.enabled': 'false',
  'relayserver.enabled': 'false',
  'nginxIngress.enabled': 'true'
}

function body(
  cluster: ClusterFacts,
  settings: Record<string, string>,
  protectedSettings: Record<string, string> = {}
): ExtensionBody {
  const arc = cluster.type === 'connectedClusters'
  return {
    ...(arc ? { identity: { type: 'SystemAssigned' as const } } : {}),
    properties: {
      extensionType: 'microsoft.azureml.kubernetes',
      autoUpgradeMinorVersion: false,
      releaseTrain: 'stable',
      scope: { cluster: { releaseNamespace: 'azureml' } },
      configurationSettings: { ...settings, ...(arc ? ARC_DERIVED : AKS_DERIVED) },
      configurationProtectedSettings: { ...protectedSettings, ...(arc ? ARC_PROTECTED : {}) }
    }
  }
}

interface SeedCase {
  name: string
  /** What the user writes under `with:` besides the cluster coordinates. */
  inputs: Record<string, string>
  settings: Record<string, string>
  protectedSettings?: Record<string, string>
  /** Whether the body carries the certificate's fingerprint (HTTPS from PEM text). */
  tlsFingerprint?: true
  /** Set when the seed command is refused on that cluster type: the input the error names. */
  refusedOnArc?: string
}

const CASES: SeedCase[] = [
  {
    name: 'training',
    inputs: { config: 'enableTraining=True' },
    settings: { enableTraining: 'True', enableInference: 'False' }
  },
  {
    name: 'training with the scenario input',
    inputs: { scenario: 'training' },
    settings: { enableTraining: 'True', enableInference: 'False' }
  },
  {
    name: 'inference 1: public HTTPS on a public load balancer',
    inputs: {
      config: 'enableInference=True\nsslCname=ml.contoso.com',
      'config-protected': PEM_FILES
    },
    settings: {
      enableInference: 'True',
      sslCname: 'ml.contoso.com',
      inferenceRouterServiceType: 'LoadBalancer',
      enableTraining: 'False'
    },
    protectedSettings: { 'scoringFe.sslCert': B64_CERT, 'scoringFe.sslKey': B64_KEY },
    tlsFingerprint: true
  },
  {
    name: 'inference 2: private HTTPS on an internal load balancer',
    inputs: {
      config: 'enableInference=True\nprivateEndpointILB=True\nsslCname=ml.contoso.com',
      'config-protected': PEM_FILES
    },
    settings: {
      enableInference: 'True',
      inferenceRouterServiceType: 'LoadBalancer',
      internalLoadBalancerProvider: 'azure',
      sslCname: 'ml.contoso.com',
      enableTraining: 'False',
      'scoringFe.serviceType.internalLoadBalancer': 'True'
    },
    protectedSettings: { 'scoringFe.sslCert': B64_CERT, 'scoringFe.sslKey': B64_KEY },
    tlsFingerprint: true,
    refusedOnArc: 'internal-load-balancer'
  },
  {
    name: 'inference 3: private HTTPS on a NodePort',
    inputs: {
      config: 'enableInference=True\nprivateEndpointNodeport=True\nsslCname=ml.contoso.com',
      'ssl-cert': tls.cert,
      'ssl-key': tls.key
    },
    settings: {
      enableInference: 'True',
      inferenceRouterServiceType: 'NodePort',
      sslCname: 'ml.contoso.com',
      enableTraining: 'False',
      'scoringFe.serviceType.nodePort': 'True'
    },
    protectedSettings: { 'scoringFe.sslCert': B64_CERT, 'scoringFe.sslKey': B64_KEY },
    tlsFingerprint: true
  },
  {
    name: 'inference 4: private HTTP on an internal load balancer',
    inputs: {
      config: 'enableInference=True\nprivateEndpointILB=True\nallowInsecureConnections=True'
    },
    settings: {
      enableInference: 'True',
      inferenceRouterServiceType: 'LoadBalancer',
      internalLoadBalancerProvider: 'azure',
      allowInsecureConnections: 'True',
      enableTraining: 'False',
      'scoringFe.serviceType.internalLoadBalancer': 'True'
    },
    refusedOnArc: 'internal-load-balancer'
  },
  {
    name: 'inference 5: private HTTP on a NodePort (the seed misspells True; the user fixed it)',
    inputs: {
      scenario: 'inference',
      'inference-router-service-type': 'nodeport',
      'allow-insecure-connections': 'true',
      'inference-router-ha': 'false'
    },
    settings: {
      enableTraining: 'False',
      enableInference: 'True',
      inferenceRouterServiceType: 'NodePort',
      allowInsecureConnections: 'True',
      inferenceRouterHA: 'False',
      'scoringFe.serviceType.nodePort': 'True'
    }
  },
  {
    name: 'inference 6: public HTTP on a public load balancer',
    inputs: { config: 'enableInference=True\nallowInsecureConnections=True' },
    settings: {
      enableInference: 'True',
      allowInsecureConnections: 'True',
      inferenceRouterServiceType: 'LoadBalancer',
      enableTraining: 'False'
    }
  },
  {
    name: 'training and inference over HTTPS (the seed left out sslCname; the user added it)',
    inputs: {
      config: 'enableTraining=True\nenableInference=True\ninferenceLoadBalancerHA=False',
      'ssl-cname': 'ml.contoso.com',
      'config-protected': PEM_FILES
    },
    settings: {
      enableTraining: 'True',
      enableInference: 'True',
      inferenceRouterHA: 'False',
      sslCname: 'ml.contoso.com',
      inferenceRouterServiceType: 'LoadBalancer'
    },
    protectedSettings: { 'scoringFe.sslCert': B64_CERT, 'scoringFe.sslKey': B64_KEY },
    tlsFingerprint: true
  }
]

describe.each([ARC, AKS])('seed commands on $type', cluster => {
  test.each(CASES)('$name', c => {
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
    const settings = { ...c.settings, ...(c.tlsFingerprint ? FINGERPRINT : {}) }
    expect(desired.body).toEqual(body(cluster, settings, c.protectedSettings))
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
      'config-protected': PEM_FILES
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
