/** The extension's setting keys, as the chart and the `az` CLI know them. Pure data. */

/** Current keys whose value is a boolean (`true`/`false` in any case). */
export const BOOLEAN_KEYS = [
  'enableTraining',
  'enableInference',
  'allowInsecureConnections',
  'inferenceRouterHA',
  'installNvidiaDevicePlugin',
  'installDcgmExporter',
  'installPromOp',
  'installVolcano',
  'relayserver.enabled',
  'servicebus.enabled',
  'nginxIngress.enabled',
  'logAnalyticsWS',
  'openshift',
  'isAKSMigration',
  'scoringFe.enableUpgrade',
  'amloperator.skipResourceValidation'
] as const

/** Seed-era keys (2022 documents) that the action translates; all booleans. */
export const LEGACY_KEYS = [
  'privateEndpointILB',
  'privateEndpointNodeport',
  'inferenceLoadBalancerHA',
  'reuseExistingPromOp',
  'volcanoScheduler.enable',
  'blobCsiDriverEnabled'
] as const

/** Other keys users may set. Matching is exact; these exist to catch mis-cased spellings. */
export const OTHER_KEYS = [
  'inferenceRouterServiceType',
  'internalLoadBalancerProvider',
  'sslSecret',
  'sslCname',
  'clusterPurpose',
  'domain',
  'location',
  'jobSchedulerLocation',
  'cluster_name',
  'cluster_name_friendly',
  'clusterId',
  'nginxIngress.controller',
  'volcanoScheduler.schedulerConfigMap'
] as const

export const NODE_SELECTOR_PREFIX = 'nodeSelector.'

/** Keys whose values are secrets: they belong in `config-protected`, never in public settings. */
export const SECRET_KEYS = [
  'sslCertPemFile',
  'sslKeyPemFile',
  'scoringFe.sslCert',
  'scoringFe.sslKey',
  'relayServerConnectionString',
  'relayserver.relayConnectionString',
  'serviceBusConnectionString',
  'servicebus.connectionString',
  'azure_log_analytics.connection_string'
] as const

const KNOWN = [...BOOLEAN_KEYS, ...LEGACY_KEYS, ...OTHER_KEYS, ...SECRET_KEYS]
const BY_LOWER = new Map(KNOWN.map(k => [k.toLowerCase(), k]))

export function isBooleanKey(key: string): boolean {
  return (BOOLEAN_KEYS as readonly string[]).includes(key)
}

export function isSecretKey(key: string): boolean {
  return (SECRET_KEYS as readonly string[]).includes(key)
}

/** The known key a mis-cased key was meant to be, e.g. `InferenceRouterHA` → `inferenceRouterHA`. */
export function misCased(key: string): string | undefined {
  const known = BY_LOWER.get(key.toLowerCase())
  return known !== undefined && known !== key ? known : undefined
}

/** `true`/`false` in any case, or undefined for anything else. */
export function asBoolean(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase()
  return v === 'true' ? true : v === 'false' ? false : undefined
}

/** How the `az` CLI writes a boolean it computed itself. */
export function cliBoolean(value: boolean): 'True' | 'False' {
  return value ? 'True' : 'False'
}
