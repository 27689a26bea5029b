/**
 * The seed document's deployment commands as a user writes them into the action, and the exact body
 * each must produce: shared by the settings-engine table and the end-to-end create tests.
 */
import { digestSetting, DIGESTS_KEY } from '../../src/settings/digests.js'
import { X509Certificate } from 'node:crypto'
import type { ClusterFacts, ExtensionBody, RelayFacts } from '../../src/settings/index.js'
import { makeCertificate } from './pem.js'

export const tls = makeCertificate('ml.contoso.com')
export const FILES = { '/certs/cert.pem': tls.cert, '/certs/key.pem': tls.key }
const PEM_FILES = 'sslCertPemFile=/certs/cert.pem\nsslKeyPemFile=/certs/key.pem'
const B64_CERT = Buffer.from(tls.cert).toString('base64')
const B64_KEY = Buffer.from(tls.key).toString('base64')
/** What `openssl x509 -noout -fingerprint -sha256` prints for the certificate: public, no secret. */
const FINGERPRINT = {
  'azuremlExtensionAction.sslCertSha256': new X509Certificate(tls.cert).fingerprint256
}

/** What the az CLI derives from the cluster (reference §3.2, §3.5), spelled out. */
function derived(cluster: ClusterFacts, relay?: RelayFacts): Record<string, string> {
  const location = cluster.location.toLowerCase()
  const common = {
    cluster_name: cluster.id,
    clusterId: cluster.id,
    'prometheus.prometheusSpec.externalLabels.cluster_name': cluster.id,
    domain: `${location}.cloudapp.azure.com`,
    location,
    jobSchedulerLocation: location,
    cluster_name_friendly: cluster.name,
    'servicebus.enabled': 'false'
  }
  if (cluster.type === 'managedClusters') {
    return { ...common, 'relayserver.enabled': 'false', 'nginxIngress.enabled': 'true' }
  }
  return {
    ...common,
    'relayserver.enabled': 'true',
    'nginxIngress.enabled': 'false',
    'relayserver.hybridConnectionResourceID': relay!.hybridConnectionResourceId,
    'relayserver.hybridConnectionName': relay!.hybridConnectionName
  }
}

/** The exact body a seed case must produce on this cluster (with this Relay on Arc). */
/**
 * The body `az k8s-extension create` sends for a case, plus the action's own public settings: the
 * TLS fingerprint, and (with `salt`) the digests of the protected values it sends.
 */
export function expectedBody(
  cluster: ClusterFacts,
  c: SeedCase,
  relay?: RelayFacts,
  salt?: string
): ExtensionBody {
  const arc = cluster.type === 'connectedClusters'
  const relayKeys: Record<string, string> = arc
    ? {
        relayServerConnectionString: relay!.connectionString,
        'relayserver.relayConnectionString': relay!.connectionString
      }
    : {}
  const secrets = { ...c.protectedSettings, ...relayKeys }
  const digests: Record<string, string> =
    salt !== undefined && Object.keys(secrets).length > 0
      ? { [DIGESTS_KEY]: digestSetting(secrets, salt) }
      : {}
  return {
    ...(arc ? { identity: { type: 'SystemAssigned' as const } } : {}),
    properties: {
      extensionType: 'microsoft.azureml.kubernetes',
      releaseTrain: 'stable',
      scope: { cluster: { releaseNamespace: 'azureml' } },
      configurationSettings: {
        ...c.settings,
        ...(c.tlsFingerprint ? FINGERPRINT : {}),
        ...derived(cluster, relay),
        ...digests
      },
      configurationProtectedSettings: secrets
    }
  }
}

export interface SeedCase {
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

export const SEED_CASES: SeedCase[] = [
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
