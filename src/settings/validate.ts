import type { ActionInputs } from '../inputs.js'
import { SERVICE_TYPES } from '../inputs.js'
import type { Problem } from '../problems.js'
import { asBoolean, NODE_SELECTOR_PREFIX } from './keys.js'
import { certificateNames, checkPemPair } from './pem.js'
import type { ExtensionRequest } from './request.js'
import type { ClusterFacts } from './desired.js'

/**
 * Every rule the az CLI applies on create (spec/azureml-extension.md §4.1), in its order, plus the ones it misses
 * (§4.3). Pure: returns problems, each naming the input and the fix.
 */
export function validateRequest(req: ExtensionRequest, inputs: ActionInputs): Problem[] {
  const problems: Problem[] = []
  if (!req.training && !req.inference) {
    problems.push({
      input: 'scenario',
      message: 'neither training nor inference is enabled.',
      fix: 'Set scenario to training, inference or training-and-inference (or enableTraining=true / enableInference=true in config).'
    })
  }
  if (asBoolean(req.settings['servicebus.enabled']) === true) {
    problems.push({
      input: 'config',
      message: 'servicebus.enabled=true asks for the Service Bus that extension 1.1.5 removed.',
      fix: 'Remove servicebus.enabled.'
    })
  }
  if (
    asBoolean(req.settings.logAnalyticsWS) === true &&
    !('azure_log_analytics.connection_string' in req.protectedSettings)
  ) {
    problems.push({
      input: 'config-protected',
      message:
        'logAnalyticsWS=true needs the Log Analytics workspace, and the action does not create one (the az CLI does).',
      fix: 'Create the workspace and give azure_log_analytics.connection_string=<primary shared key> in config-protected, or remove logAnalyticsWS.'
    })
  }
  if (req.inference) problems.push(...inferenceProblems(req))
  else if (req.training) problems.push(...inferenceOnlyInputs(inputs))
  problems.push(...nodeSelectorProblems(req))
  if (req.version !== undefined && req.autoUpgradeMinorVersion) {
    problems.push({
      input: 'version',
      message: `pins ${req.version}, but auto-upgrade-minor-version is true and ARM refuses a pin that may be upgraded.`,
      fix: 'Set auto-upgrade-minor-version to false, or remove version.'
    })
  }
  return problems
}

/** Rules that need the cluster resource: run after it is read, still before any write. */
/**
 * Whether a mode can act on an Arc cluster whose agents do not answer: nothing can be installed;
 * a delete cannot be finished by the agents, so only a forced delete (the resource alone) can. Pure.
 */
export function connectivityRefusal(
  cluster: ClusterFacts,
  mode: 'apply' | 'delete',
  forceDelete: boolean
): string | undefined {
  const status = cluster.connectivity
  if (status === undefined || status === 'Connected') return undefined
  if (mode === 'apply') {
    return `Arc cluster ${cluster.name} is ${status}: extensions cannot be installed until its agents reconnect. Check the azure-arc pods on the cluster and their egress (kubectl get pods -n azure-arc).`
  }
  if (forceDelete) return undefined
  return `Arc cluster ${cluster.name} is ${status}: its agents cannot remove the extension from the cluster, so a delete would not finish. Set force-delete: true to remove the extension resource from Azure now (what it installed stays on the cluster until the agents reconnect or the cluster is cleaned up).`
}

export function validateAgainstCluster(req: ExtensionRequest, cluster: ClusterFacts): Problem[] {
  const nodes = cluster.nodeCount
  if (
    req.inference &&
    nodes !== undefined &&
    nodes < 3 &&
    asBoolean(req.settings.inferenceRouterHA)
  ) {
    return [
      {
        input: 'inference-router-ha',
        message: `inferenceRouterHA is true, but ${cluster.name} has ${nodes} node${nodes === 1 ? '' : 's'}: azureml-fe-v2 runs 3 replicas on different nodes and they would stay Pending (healthcheck E40002).`,
        fix: 'Set inference-router-ha to auto or false, or grow the cluster to 3 nodes.'
      }
    ]
  }
  return []
}

/** Warnings worth a line in the log; none stops the run. */
export function requestWarnings(req: ExtensionRequest): string[] {
  const warnings: string[] = []
  if (req.inference && asBoolean(req.settings.allowInsecureConnections)) {
    warnings.push('allowInsecureConnections is true: inference endpoints will serve plain HTTP.')
  }
  if (
    req.clusterType === 'connectedClusters' &&
    asBoolean(req.settings['relayserver.enabled']) === false
  ) {
    warnings.push(
      'relayserver.enabled=false on an Arc cluster: Azure cannot reach the cluster through Azure Relay.'
    )
  }
  return warnings
}

const INFERENCE_INPUTS: [keyof ActionInputs, string][] = [
  ['inferenceRouterServiceType', 'inference-router-service-type'],
  ['internalLoadBalancer', 'internal-load-balancer'],
  ['allowInsecureConnections', 'allow-insecure-connections'],
  ['sslCname', 'ssl-cname'],
  ['sslSecret', 'ssl-secret'],
  ['tls', 'ssl-cert'],
  ['inferenceRouterHa', 'inference-router-ha']
]

function inferenceOnlyInputs(inputs: ActionInputs): Problem[] {
  return INFERENCE_INPUTS.filter(([field]) => inputs[field] !== undefined).map(
    ([field, input]) => ({
      input: field === 'tls' ? inputs.tls!.source : input,
      message: 'applies to inference only, and inference is not enabled.',
      fix: `Set scenario to inference or training-and-inference, or remove '${input}'.`
    })
  )
}

function inferenceProblems(req: ExtensionRequest): Problem[] {
  return [...tlsProblems(req), ...routerProblems(req)]
}

function routerProblems(req: ExtensionRequest): Problem[] {
  const problems: Problem[] = []
  const type = req.settings.inferenceRouterServiceType ?? ''
  const canonical = SERVICE_TYPES.find(t => t.toLowerCase() === type.toLowerCase())
  if (!canonical) {
    problems.push({
      input: 'config',
      message: `inferenceRouterServiceType=${type} is not a service type.`,
      fix: `Use ${SERVICE_TYPES.join(', ')} (or the inference-router-service-type input).`
    })
  }
  const provider = req.settings.internalLoadBalancerProvider
  if (provider === undefined) return problems
  if (provider.toLowerCase() !== 'azure') {
    problems.push({
      input: 'config',
      message: `internalLoadBalancerProvider=${provider} is not supported.`,
      fix: "The only provider is 'azure' (or use internal-load-balancer: true)."
    })
  }
  if (req.clusterType === 'connectedClusters') {
    problems.push({
      input: 'internal-load-balancer',
      message:
        'an Azure internal load balancer exists only on AKS, and this is an Arc cluster (healthcheck E40003).',
      fix: 'Use inference-router-service-type NodePort or ClusterIP on Arc, or drop internal-load-balancer.'
    })
  }
  if (canonical !== undefined && canonical !== 'LoadBalancer') {
    problems.push({
      input: 'internal-load-balancer',
      message: `an internal load balancer needs service type LoadBalancer, not ${canonical}.`,
      fix: 'Set inference-router-service-type to LoadBalancer, or drop internal-load-balancer.'
    })
  }
  return problems
}

function tlsProblems(req: ExtensionRequest): Problem[] {
  const tls = req.tls
  const certInput = tls?.source ?? 'ssl-cert'
  const keyInput = tls?.source === 'config-protected' ? 'config-protected' : 'ssl-key'
  const secret = req.settings.sslSecret
  const insecure = asBoolean(req.settings.allowInsecureConnections) === true
  const cname = req.settings.sslCname
  if (tls && (tls.cert === undefined) !== (tls.key === undefined)) {
    const missing = tls.cert === undefined ? certInput : keyInput
    return [
      {
        input: missing,
        message: `is missing: HTTPS needs both the certificate and its key.`,
        fix: `Give ${tls.source === 'config-protected' ? 'both sslCertPemFile and sslKeyPemFile' : 'both ssl-cert and ssl-key'}.`
      }
    ]
  }
  if (tls && secret !== undefined) {
    return [
      {
        input: 'ssl-secret',
        message: 'and PEM material are both given; the extension takes one.',
        fix: 'Keep either ssl-secret (a Secret in azureml) or the certificate and key.'
      }
    ]
  }
  if (insecure && (tls || secret !== undefined)) {
    return [
      {
        input: 'allow-insecure-connections',
        message: 'is true, yet TLS material is given: endpoints would serve HTTP and ignore it.',
        fix: 'Set allow-insecure-connections to false for HTTPS, or remove the TLS inputs for HTTP.'
      }
    ]
  }
  if (!tls && secret === undefined) {
    if (insecure) return []
    return [
      {
        input: 'ssl-cert',
        message: 'inference needs HTTPS material or an explicit choice of HTTP.',
        fix: 'Give ssl-cert and ssl-key (PEM from secrets) or ssl-secret, or set allow-insecure-connections: true for HTTP.'
      }
    ]
  }
  if (cname === undefined || cname === '') {
    return [
      {
        input: 'ssl-cname',
        message:
          'is required with HTTPS: the healthcheck checks the certificate against it (E40007).',
        fix: 'Set ssl-cname to the DNS name the certificate is for.'
      }
    ]
  }
  return tls ? pemProblems(tls.cert!, tls.key!, cname, certInput, keyInput) : []
}

function pemProblems(
  cert: string,
  key: string,
  cname: string,
  certInput: string,
  keyInput: string
): Problem[] {
  const check = checkPemPair(cert, key)
  if (!check.ok) {
    const input = check.part === 'key' ? keyInput : certInput
    return [{ input, message: check.message, fix: check.fix }]
  }
  if (check.cert.checkHost(cname) === undefined) {
    const names = certificateNames(check.cert)
    return [
      {
        input: 'ssl-cname',
        message: `'${cname}' is not a name the certificate is for (${names.join(', ') || 'it names none'}); the healthcheck would fail with E40007.`,
        fix: 'Set ssl-cname to a name in the certificate, or use a certificate issued for it.'
      }
    ]
  }
  return []
}

function nodeSelectorProblems(req: ExtensionRequest): Problem[] {
  return Object.entries(req.settings)
    .filter(
      ([k, v]) => k.startsWith(NODE_SELECTOR_PREFIX) && (k === NODE_SELECTOR_PREFIX || v === '')
    )
    .map(([k]) => ({
      input: 'node-selector',
      message: `'${k}' has an empty label or value.`,
      fix: 'Write label=value, e.g. kubernetes.io/os=linux.'
    }))
}
