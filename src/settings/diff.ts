import { asBoolean, isBooleanKey, NODE_SELECTOR_PREFIX } from './keys.js'
import { publicSettings, protectedSettings, TLS_FINGERPRINT_KEY } from './desired.js'
import type { ClusterFacts } from './desired.js'
import type { LiveExtension } from './live.js'
import type { ExtensionRequest } from './request.js'
import type { ClusterUsage } from '../cluster/model.js'
import { AZUREML_NAMESPACE } from '../names.js'
import { changedProtectedKeys, digestSetting, DIGESTS_KEY, recordedSalt } from './digests.js'

/** One difference between the inputs and the live extension. Protected values are never shown. */
export interface Difference {
  /** `settings.<key>`, `protectedSettings.<key>`, `version`, `releaseTrain`, `autoUpgradeMinorVersion`. */
  path: string
  desired?: string
  actual?: string
}

/** A change that breaks something running, and what. */
export interface DisruptiveChange {
  difference: Difference
  breaks: string
}

export interface UpdatePlan {
  /** What a PATCH would change. Empty: the live extension already matches. */
  changes: Difference[]
  /** Live values the inputs no longer set; a PATCH cannot remove a key, so they stay. */
  leftovers: Difference[]
  disruptive: DisruptiveChange[]
  /** Whether the protected settings must be sent, which replaces them whole. */
  protectedWrite: boolean
  /** Changes ARM cannot make by update, each with what to do instead. */
  impossible: string[]
  /** The PATCH body without protected settings, in the SDK's flattened form. */
  patch: ExtensionPatch
}

/**
 * Every protected value a write would send (the user's, the TLS material, the Relay connection
 * string read again), and the salt their digests are recorded with.
 */
export interface ProtectedValues {
  values: Record<string, string>
  salt: string
}

/** What a PATCH sends (api-version 2023-05-01, flattened as the SDK takes it). */
export interface ExtensionPatch {
  /** `null` removes a pin (JSON merge-patch), as moving to auto-upgrade needs. */
  version?: string | null
  releaseTrain?: string
  autoUpgradeMinorVersion?: boolean
  configurationSettings?: Record<string, string>
  configurationProtectedSettings?: Record<string, string>
}

// Settings the CLI derives from the cluster at create time; an update never recomputes them.
const DERIVED = new Set([
  'cluster_name',
  'clusterId',
  'prometheus.prometheusSpec.externalLabels.cluster_name',
  'domain',
  'location',
  'jobSchedulerLocation',
  'cluster_name_friendly',
  'servicebus.enabled',
  'relayserver.enabled',
  'nginxIngress.enabled',
  'clusterPurpose',
  'inferenceRouterHA',
  'openshift'
])

// Keys the inputs own: absent from the inputs but present live, they are leftovers.
const USER_KEYS =
  /^(enableTraining|enableInference|allowInsecureConnections|inferenceRouterServiceType|internalLoadBalancerProvider|sslSecret|sslCname|installNvidiaDevicePlugin|installDcgmExporter|installPromOp|installVolcano|logAnalyticsWS|nodeSelector\..+)$/

// What the chart does when a key is absent (spec/azureml-extension.md §2.2).
const DEFAULTS: Record<string, string> = {
  allowInsecureConnections: 'False',
  installNvidiaDevicePlugin: 'False',
  installDcgmExporter: 'False',
  installPromOp: 'True',
  installVolcano: 'True',
  logAnalyticsWS: 'False'
}

// scoringFe.serviceType.* are written True/False as a pair; absent reads as False.
const PAIRED = ['scoringFe.serviceType.nodePort', 'scoringFe.serviceType.internalLoadBalancer']

function sameValue(key: string, a: string | undefined, b: string | undefined): boolean {
  if (PAIRED.includes(key)) return (asBoolean(a) ?? false) === (asBoolean(b) ?? false)
  if (a === undefined || b === undefined) return a === b
  if (isBooleanKey(key)) return asBoolean(a) === asBoolean(b)
  if (key === 'inferenceRouterServiceType' || key === 'internalLoadBalancerProvider') {
    return a.toLowerCase() === b.toLowerCase()
  }
  return a === b
}

// Derived from the node count at create time: a cluster that scaled since would show them as drift.
const SIZE_DERIVED = new Set(['clusterPurpose', 'inferenceRouterHA'])

/**
 * Derived keys the user did not set, where the live value differs from what the action would derive
 * now (someone changed them by hand). An update never rewrites them, so only drift reports them.
 */
export function derivedDrift(
  req: ExtensionRequest,
  cluster: ClusterFacts,
  live: LiveExtension
): Difference[] {
  const derived = publicSettings(req, cluster)
  return [...DERIVED]
    .filter(k => !(k in req.settings) && !SIZE_DERIVED.has(k) && k in derived)
    .filter(k => live.settings[k] !== undefined && !sameValue(k, derived[k], live.settings[k]))
    .map(k => ({ path: `settings.${k}`, desired: derived[k], actual: live.settings[k] }))
}

/** The public settings the inputs decide, as they should be on the live extension. */
function comparedSettings(req: ExtensionRequest, cluster: ClusterFacts): Record<string, string> {
  const all = publicSettings(req, cluster)
  const own = Object.entries(all).filter(
    ([k]) => (!DERIVED.has(k) || k in req.settings) && k !== DIGESTS_KEY
  )
  const compared = Object.fromEntries(own)
  if (req.inference) for (const k of PAIRED) compared[k] ??= 'False'
  return compared
}

/** Inputs vs the live extension → what to PATCH, what is disruptive, what cannot be done. Pure. */
export function planUpdate(
  req: ExtensionRequest,
  cluster: ClusterFacts,
  live: LiveExtension,
  usage: ClusterUsage = {},
  protect?: ProtectedValues
): UpdatePlan {
  const desired = comparedSettings(req, cluster)
  // A key the inputs dropped means its default, which a PATCH must write: it cannot delete the key.
  for (const [key, value] of Object.entries(DEFAULTS)) {
    if (!(key in desired) && key in live.settings) desired[key] = value
  }
  const changes: Difference[] = []
  for (const [key, value] of Object.entries(desired)) {
    if (!sameValue(key, value, live.settings[key])) {
      changes.push({ path: `settings.${key}`, desired: value, actual: live.settings[key] })
    }
  }
  changes.push(...envelopeChanges(req, live))
  const leftovers = Object.entries(live.settings)
    .filter(([k]) => USER_KEYS.test(k) && !(k in desired))
    .map(([k, v]) => ({ path: `settings.${k}`, actual: v }))
  const secrets = protectedChanges(req, live, protect)
  const tlsChanged = changes.some(c => c.path === `settings.${TLS_FINGERPRINT_KEY}`)
  const protectedWrite = tlsChanged || secrets.length > 0
  const patch = patchOf(changes, desired, req)
  if (protectedWrite && protect) {
    // Recorded with the salt the live extension already uses, so equal values stay equal text.
    const salt = recordedSalt(live.settings[DIGESTS_KEY]) ?? protect.salt
    patch.configurationSettings = {
      ...patch.configurationSettings,
      [DIGESTS_KEY]: digestSetting(protect.values, salt)
    }
  }
  return {
    patch,
    changes: [...changes, ...secrets],
    leftovers,
    disruptive: changes.flatMap(c => disruption(c, usage)),
    protectedWrite,
    impossible: [
      ...impossibleChanges(live, leftovers),
      ...(protectedWrite ? unsuppliable(live, protect?.values ?? protectedSettings(req)) : [])
    ]
  }
}

/**
 * Protected keys to send: new ones, and (when the values are known) changed ones, told by their
 * digests. Values never appear; `desired` says only `(set)` or `(changed)`.
 */
function protectedChanges(
  req: ExtensionRequest,
  live: LiveExtension,
  protect: ProtectedValues | undefined
): Difference[] {
  const values = protect?.values ?? protectedSettings(req)
  const added = Object.keys(values).filter(k => !live.protectedKeys.includes(k))
  const changed = protect
    ? changedProtectedKeys(values, live.settings[DIGESTS_KEY]).filter(k => !added.includes(k))
    : []
  return [
    ...added.map(k => ({ path: `protectedSettings.${k}`, desired: '(set)' })),
    ...changed.map(k => ({ path: `protectedSettings.${k}`, desired: '(changed)', actual: '(set)' }))
  ]
}

/** A protected write replaces them all: every live key must be sent again, or it is lost. */
function unsuppliable(live: LiveExtension, values: Record<string, string>): string[] {
  return live.protectedKeys
    .filter(k => !(k in values))
    .map(
      k =>
        `Protected setting ${k} is on the live extension, and this update must send the protected settings whole, but the inputs do not give ${k}: it would be lost. Give ${k}=<value> in config-protected.`
    )
}

/** Changed public keys (both service-type flags whenever one changes: the merge would keep a stale one). */
function patchOf(
  changes: Difference[],
  desired: Record<string, string>,
  req: ExtensionRequest
): ExtensionPatch {
  const settings: Record<string, string> = {}
  for (const c of changes) {
    if (!c.path.startsWith('settings.')) continue
    const key = c.path.slice('settings.'.length)
    settings[key] = c.desired!
    if (PAIRED.includes(key)) for (const k of PAIRED) settings[k] = desired[k]!
  }
  const patch: ExtensionPatch = {}
  if (changes.some(c => c.path === 'version')) patch.version = req.version ?? null
  if (changes.some(c => c.path === 'releaseTrain')) patch.releaseTrain = req.releaseTrain
  if (changes.some(c => c.path === 'autoUpgradeMinorVersion'))
    patch.autoUpgradeMinorVersion = req.autoUpgradeMinorVersion
  if (Object.keys(settings).length > 0) patch.configurationSettings = settings
  return patch
}

function envelopeChanges(req: ExtensionRequest, live: LiveExtension): Difference[] {
  const out: Difference[] = []
  if (req.version !== undefined && req.version !== live.version) {
    out.push({ path: 'version', desired: req.version, actual: live.version })
  }
  // Auto-upgrade asked for on a pinned extension: the pin must go in the same PATCH.
  if (req.version === undefined && req.autoUpgradeMinorVersion === true && live.version) {
    out.push({ path: 'version', desired: undefined, actual: live.version })
  }
  if (req.releaseTrain.toLowerCase() !== (live.releaseTrain ?? 'stable').toLowerCase()) {
    out.push({ path: 'releaseTrain', desired: req.releaseTrain, actual: live.releaseTrain })
  }
  if (
    req.autoUpgradeMinorVersion !== undefined &&
    req.autoUpgradeMinorVersion !== (live.autoUpgradeMinorVersion ?? true)
  ) {
    out.push({
      path: 'autoUpgradeMinorVersion',
      desired: String(req.autoUpgradeMinorVersion),
      actual: String(live.autoUpgradeMinorVersion ?? true)
    })
  }
  return out
}

function impossibleChanges(live: LiveExtension, leftovers: Difference[]): string[] {
  const out: string[] = []
  for (const l of leftovers.filter(l => l.path.startsWith(`settings.${NODE_SELECTOR_PREFIX}`))) {
    out.push(
      `${l.path.slice('settings.'.length)}=${l.actual} is on the live extension but not in the inputs: an update can add or change a node selector, never remove one. Keep it in the inputs, or delete the extension (mode: delete) and create it again.`
    )
  }
  if (live.releaseNamespace !== undefined && live.releaseNamespace !== AZUREML_NAMESPACE) {
    out.push(
      `The live extension installs into '${live.releaseNamespace}', not ${AZUREML_NAMESPACE}; the namespace cannot be changed by update.`
    )
  }
  return out
}

const TRAINING = 'running training jobs'
const ENDPOINTS = 'inference endpoints (scoring URLs and TLS of online deployments)'

/** spec/azureml-extension.md §5: which changes break running jobs or endpoints. */
function disruption(c: Difference, usage: ClusterUsage): DisruptiveChange[] {
  const key = c.path.startsWith('settings.') ? c.path.slice('settings.'.length) : ''
  const turnedOff = asBoolean(c.actual) === true && asBoolean(c.desired) === false
  const breaks = (what: string) => [{ difference: c, breaks: what }]
  if (key === 'enableTraining' && turnedOff)
    return breaks(`${TRAINING}: the training operator and Volcano are removed`)
  if (key === 'enableInference' && turnedOff)
    return breaks('online endpoints and deployments: the inference router is removed')
  if (key === 'installNvidiaDevicePlugin' && turnedOff && usage.gpuInUse !== false) {
    return breaks(`${TRAINING} and deployments on GPUs: nodes stop advertising nvidia.com/gpu`)
  }
  if (key.startsWith(NODE_SELECTOR_PREFIX))
    return breaks(`${TRAINING} and deployments: components move to the newly selected nodes`)
  if (
    [
      'allowInsecureConnections',
      'inferenceRouterServiceType',
      'internalLoadBalancerProvider',
      'sslCname',
      ...PAIRED
    ].includes(key)
  ) {
    return breaks(ENDPOINTS)
  }
  if (key === 'logAnalyticsWS')
    return breaks('log collection, and the protected settings are sent again whole')
  return []
}
