import { parseBoolean, parseChoice, parseDuration, parseKeyValues } from './parse.js'
import type { KeyValue, Parsed } from './parse.js'
import type { Problem } from './problems.js'

export const MODES = ['apply', 'verify', 'drift', 'delete'] as const
export const CLUSTER_TYPES = ['connectedClusters', 'managedClusters'] as const
export const ENVIRONMENTS = ['AzureCloud', 'AzureUSGovernment', 'AzureChinaCloud'] as const
export const SCENARIOS = ['training', 'inference', 'training-and-inference'] as const
export const SERVICE_TYPES = ['LoadBalancer', 'NodePort', 'ClusterIP'] as const
export const HA_CHOICES = ['true', 'false', 'auto'] as const
export const RELEASE_TRAINS = ['stable', 'preview'] as const
export const CLUSTER_ACCESS = ['auto', 'kubeconfig', 'arm', 'run-command', 'none'] as const

export type Mode = (typeof MODES)[number]
export type ClusterType = (typeof CLUSTER_TYPES)[number]
export type CloudEnvironment = (typeof ENVIRONMENTS)[number]
export type Scenario = (typeof SCENARIOS)[number]
export type ServiceType = (typeof SERVICE_TYPES)[number]
export type ClusterAccess = (typeof CLUSTER_ACCESS)[number]

/** TLS material for the inference router, as PEM text, and where the user gave it. */
export interface TlsInput {
  cert?: string
  key?: string
  /** The input the material came from, for messages: `ssl-cert`/`ssl-key` or `config-protected`. */
  source: 'ssl-cert' | 'config-protected'
}

/** Every input of the action, parsed. `undefined` means the user left it empty. */
export interface ActionInputs {
  mode: Mode
  subscriptionId: string
  resourceGroup: string
  clusterName: string
  clusterType: ClusterType
  extensionName: string
  clientId: string
  tenantId: string
  environment: CloudEnvironment
  audience?: string
  armEndpoint?: string
  authorityHost?: string
  scenario?: Scenario
  inferenceRouterServiceType?: ServiceType
  internalLoadBalancer?: boolean
  allowInsecureConnections?: boolean
  sslCname?: string
  sslSecret?: string
  tls?: TlsInput
  inferenceRouterHa?: boolean
  nodeSelector: KeyValue[]
  config: KeyValue[]
  configProtected: KeyValue[]
  version?: string
  releaseTrain: string
  /** Unset: not sent on create (the service default applies) and not compared. */
  autoUpgradeMinorVersion?: boolean
  allowDisruptiveUpdate: boolean
  forceDelete: boolean
  kubeconfig?: string
  waitForPods: boolean
  clusterAccess: ClusterAccess
  timeoutMs: number
  failOnDrift: boolean
  /** Timing overrides from the environment, for the sandbox and tests; the defaults suit Azure. */
  tuning: Tuning
}

/** `AZUREML_ACTION_*_MS` variables: how often operations are polled, the first retry pause. */
export interface Tuning {
  pollIntervalMs?: number
  retryDelayMs?: number
  /** Scales the cluster checks' graces (how long a pod may stay Pending, pull failing, …). */
  graceMs?: number
  /** How long an API server reached through ARM may take to answer at all (default 10 s). */
  connectMs?: number
}

/** Where input text comes from: the runner's `INPUT_*` variables, or a table in tests. */
export interface InputSource {
  get(name: string): string
  env: Record<string, string | undefined>
  /** Reads a file named by an input (PEM files in `config-protected`). */
  readFile(path: string): string
}

/** `config-protected` keys that name files on the runner rather than hold values. */
export const PEM_FILE_KEYS = { cert: 'sslCertPemFile', key: 'sslKeyPemFile' } as const

export function readInputs(src: InputSource): { inputs: ActionInputs; problems: Problem[] } {
  const r = new Reader(src)
  const configProtected = r.keyValues('config-protected')
  const inputs: ActionInputs = {
    mode: r.choice('mode', MODES, 'apply'),
    subscriptionId: r.guid('subscription-id', 'AZURE_SUBSCRIPTION_ID'),
    resourceGroup: r.required('resource-group'),
    clusterName: r.required('cluster-name'),
    clusterType: r.choice('cluster-type', CLUSTER_TYPES, 'connectedClusters'),
    extensionName: r.extensionName(),
    clientId: r.guid('client-id', 'AZURE_CLIENT_ID'),
    tenantId: r.tenant(),
    environment: r.choice('environment', ENVIRONMENTS, 'AzureCloud'),
    audience: r.optional('audience'),
    armEndpoint: r.httpsUrl('arm-endpoint'),
    authorityHost: r.httpsUrl('authority-host'),
    scenario: r.optionalChoice('scenario', SCENARIOS),
    inferenceRouterServiceType: r.optionalChoice('inference-router-service-type', SERVICE_TYPES),
    internalLoadBalancer: r.optionalBoolean('internal-load-balancer'),
    allowInsecureConnections: r.optionalBoolean('allow-insecure-connections'),
    sslCname: r.optional('ssl-cname'),
    sslSecret: r.optional('ssl-secret'),
    tls: r.tls(configProtected),
    inferenceRouterHa: r.ha(),
    nodeSelector: r.keyValues('node-selector', 'label=value'),
    config: r.keyValues('config'),
    configProtected: configProtected.filter(
      e => e.key !== PEM_FILE_KEYS.cert && e.key !== PEM_FILE_KEYS.key
    ),
    version: r.version(),
    releaseTrain: r.choice('release-train', RELEASE_TRAINS, 'stable'),
    autoUpgradeMinorVersion: r.optionalBoolean('auto-upgrade-minor-version'),
    allowDisruptiveUpdate: r.boolean('allow-disruptive-update', false),
    forceDelete: r.boolean('force-delete', false),
    kubeconfig: r.optional('kubeconfig') ?? r.env('KUBECONFIG'),
    waitForPods: r.boolean('wait-for-pods', true),
    clusterAccess: r.clusterAccess(),
    timeoutMs: r.duration('timeout', '20m'),
    failOnDrift: r.boolean('fail-on-drift', true),
    tuning: {
      pollIntervalMs: r.envMs('AZUREML_ACTION_POLL_MS'),
      retryDelayMs: r.envMs('AZUREML_ACTION_RETRY_MS'),
      graceMs: r.envMs('AZUREML_ACTION_GRACE_MS'),
      connectMs: r.envMs('AZUREML_ACTION_CONNECT_MS')
    }
  }
  r.armNames(inputs)
  return { inputs, problems: r.problems }
}

/**
 * PEM text the same whichever way it came: the runner trims input values and files may end in CRLF,
 * so a certificate given again through another route still compares equal.
 */
export function normalizePem(pem: string | undefined): string | undefined {
  return pem === undefined ? undefined : pem.replace(/\r\n/g, '\n').trim() + '\n'
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
// The extension name becomes a Helm release name: a DNS label of at most 53 characters.
const RELEASE_NAME = /^[a-z0-9]([a-z0-9-]{0,51}[a-z0-9])?$/
const VERSION = /^\d+\.\d+\.\d+$/
// Both names become segments of ARM paths. Azure's rules for resource groups and AKS clusters;
// for Arc clusters none are published, so only what no ARM name holds: a separator, `?`, `#`,
// `%`, whitespace, control characters, a trailing period.
const RESOURCE_GROUP = /^[-\p{L}\p{N}_.()]{1,90}$/u
const AKS_NAME = /^[a-zA-Z0-9]([-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/
const ARM_NAME = /^[^\s\p{Cc}/\\?#%&:<>*]{1,260}$/u

/** Reads inputs one by one, collecting problems instead of stopping at the first. */
class Reader {
  readonly problems: Problem[] = []
  constructor(private readonly src: InputSource) {}

  optional(name: string): string | undefined {
    const v = this.src.get(name).trim()
    return v === '' ? undefined : v
  }

  env(name: string): string | undefined {
    const v = this.src.env[name]?.trim()
    return v ? v : undefined
  }

  /** How the cluster is reached; a kubeconfig must be given to be asked for, ARM ways are AKS only. */
  clusterAccess(): ClusterAccess {
    const access = this.choice('cluster-access', CLUSTER_ACCESS, 'auto')
    const kubeconfig = this.optional('kubeconfig') ?? this.env('KUBECONFIG')
    if (access === 'kubeconfig' && kubeconfig === undefined) {
      this.problems.push({
        input: 'cluster-access',
        message: 'is kubeconfig, but no kubeconfig is given.',
        fix: 'Give kubeconfig (text from a secret, or a path), or set cluster-access: none.'
      })
    }
    const arc = (this.optional('cluster-type') ?? 'connectedClusters') === 'connectedClusters'
    if ((access === 'arm' || access === 'run-command') && arc) {
      this.problems.push({
        input: 'cluster-access',
        message: `'${access}' reaches AKS clusters only; an Arc cluster is reached through its own kubeconfig (cluster connect needs a local proxy, which an action cannot run).`,
        fix: 'Give kubeconfig (cluster-access: auto or kubeconfig), or set cluster-access: none to verify through ARM only.'
      })
    }
    return access
  }

  /** A whole number of milliseconds from the environment: anything else is a problem, never NaN. */
  envMs(name: string): number | undefined {
    const v = this.env(name)
    if (v === undefined) return undefined
    if (/^\d+$/.test(v) && Number(v) <= 86_400_000) return Number(v)
    this.problems.push({
      input: name,
      message: `'${v}' is not a whole number of milliseconds.`,
      fix: `Set ${name} to a number such as 1000, or unset it.`
    })
    return undefined
  }

  required(name: string, envName?: string): string {
    const v = this.optional(name) ?? (envName ? this.env(envName) : undefined)
    if (v === undefined) {
      const also = envName ? ` or set the ${envName} environment variable` : ''
      this.problems.push({ input: name, message: 'is required.', fix: `Set '${name}'${also}.` })
      return ''
    }
    return v
  }

  private take<T>(parsed: Parsed<T>, fallback: T): T {
    if (parsed.ok) return parsed.value
    this.problems.push(parsed.problem)
    return fallback
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const v = this.optional(name)
    return v === undefined ? fallback : this.take(parseChoice(name, v, choices), fallback)
  }

  optionalChoice<T extends string>(name: string, choices: readonly T[]): T | undefined {
    const v = this.optional(name)
    return v === undefined
      ? undefined
      : this.take<T | undefined>(parseChoice(name, v, choices), undefined)
  }

  boolean(name: string, fallback: boolean): boolean {
    return this.optionalBoolean(name) ?? fallback
  }

  optionalBoolean(name: string): boolean | undefined {
    const v = this.optional(name)
    return v === undefined
      ? undefined
      : this.take<boolean | undefined>(parseBoolean(name, v), undefined)
  }

  duration(name: string, fallback: string): number {
    return this.take(parseDuration(name, this.optional(name) ?? fallback), 0)
  }

  keyValues(name: string, shape?: string): KeyValue[] {
    const { entries, problems } = parseKeyValues(name, this.src.get(name), shape)
    this.problems.push(...problems)
    return entries
  }

  guid(name: string, envName: string): string {
    const v = this.required(name, envName)
    if (v !== '' && !GUID.test(v)) {
      this.problems.push({
        input: name,
        message: `'${v}' is not a GUID.`,
        fix: `Use the ${name === 'client-id' ? 'application (client) id' : 'subscription id'}, e.g. 00000000-0000-0000-0000-000000000000.`
      })
    }
    return v
  }

  tenant(): string {
    const v = this.required('tenant-id', 'AZURE_TENANT_ID')
    if (v !== '' && !GUID.test(v) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(v)) {
      this.problems.push({
        input: 'tenant-id',
        message: `'${v}' is neither a tenant GUID nor a domain.`,
        fix: 'Use the directory (tenant) id from Entra ID.'
      })
    }
    return v
  }

  httpsUrl(name: string): string | undefined {
    const v = this.optional(name)
    if (v === undefined) return undefined
    if (!URL.canParse(v) || new URL(v).protocol !== 'https:') {
      this.problems.push({
        input: name,
        message: `'${v}' is not an https URL.`,
        fix: `Give an absolute https:// URL, or leave '${name}' empty to use the environment's default.`
      })
      return undefined
    }
    return v.replace(/\/+$/, '')
  }

  /** The resource group and cluster name, which could not address a resource otherwise. */
  armNames(inputs: ActionInputs): void {
    const group = inputs.resourceGroup
    if (group !== '' && (!RESOURCE_GROUP.test(group) || group.endsWith('.'))) {
      this.problems.push({
        input: 'resource-group',
        message: `'${group}' cannot be a resource group name.`,
        fix: 'Use the name as the Azure portal shows it: 1–90 letters, digits, _ - . ( ), not ending in a period.'
      })
    }
    const name = inputs.clusterName
    const aks = inputs.clusterType === 'managedClusters'
    if (name !== '' && (!(aks ? AKS_NAME : ARM_NAME).test(name) || name.endsWith('.'))) {
      this.problems.push({
        input: 'cluster-name',
        message: `'${name}' cannot be the name of ${aks ? 'an AKS' : 'an Azure Arc'} cluster.`,
        fix: aks
          ? 'Use the name as the Azure portal shows it: 1–63 letters, digits, - and _, starting and ending with a letter or digit.'
          : 'Use the name as the Azure portal shows it, without spaces, / \\ ? # % & : < > * or a trailing period.'
      })
    }
  }

  extensionName(): string {
    const v = this.optional('extension-name') ?? 'arcml-extension'
    if (!RELEASE_NAME.test(v)) {
      this.problems.push({
        input: 'extension-name',
        message: `'${v}' cannot be a Helm release name.`,
        fix: 'Use at most 53 lower-case letters, digits and hyphens, starting and ending with a letter or digit.'
      })
    }
    return v
  }

  version(): string | undefined {
    const v = this.optional('version')
    if (v !== undefined && !VERSION.test(v)) {
      this.problems.push({
        input: 'version',
        message: `'${v}' is not an extension version.`,
        fix: 'Give major.minor.patch, e.g. 1.1.71, or leave it empty for the latest of the release train.'
      })
    }
    return v
  }

  ha(): boolean | undefined {
    const v = this.choice('inference-router-ha', HA_CHOICES, 'auto')
    return v === 'auto' ? undefined : v === 'true'
  }

  /** TLS from `ssl-cert`/`ssl-key`, or from PEM files named in `config-protected`; never both. */
  tls(configProtected: KeyValue[]): TlsInput | undefined {
    const cert = this.optional('ssl-cert')
    const key = this.optional('ssl-key')
    const certFile = configProtected.find(e => e.key === PEM_FILE_KEYS.cert)
    const keyFile = configProtected.find(e => e.key === PEM_FILE_KEYS.key)
    const fromFiles = certFile !== undefined || keyFile !== undefined
    if (fromFiles && (cert !== undefined || key !== undefined)) {
      this.problems.push({
        input: 'ssl-cert',
        message: `TLS material is given twice: in ssl-cert/ssl-key and as ${PEM_FILE_KEYS.cert}/${PEM_FILE_KEYS.key} in config-protected.`,
        fix: 'Keep one source: ssl-cert and ssl-key (PEM text from secrets) or the PEM files.'
      })
    }
    if (fromFiles) {
      const [c, k] = [this.pemFile(certFile), this.pemFile(keyFile)]
      return { cert: normalizePem(c), key: normalizePem(k), source: 'config-protected' }
    }
    if (cert === undefined && key === undefined) return undefined
    return { cert: normalizePem(cert), key: normalizePem(key), source: 'ssl-cert' }
  }

  private pemFile(entry: KeyValue | undefined): string | undefined {
    if (entry === undefined) return undefined
    try {
      return this.src.readFile(entry.value)
    } catch (err) {
      this.problems.push({
        input: 'config-protected',
        message: `${entry.key} (line ${entry.line}) names '${entry.value}', which cannot be read: ${(err as Error).message}`,
        fix: `Check the path on the runner, or pass the PEM text through ssl-cert/ssl-key instead.`
      })
      return undefined
    }
  }
}
