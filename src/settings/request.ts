import type { ActionInputs, ClusterType, TlsInput } from '../inputs.js'
import type { Problem } from '../problems.js'
import {
  asBoolean,
  cliBoolean,
  isBooleanKey,
  isSecretKey,
  misCased,
  NODE_SELECTOR_PREFIX
} from './keys.js'
import { translateLegacy } from './legacy.js'

/** What the user asked for, in current keys, before any cluster fact is known. */
export interface ExtensionRequest {
  name: string
  clusterType: ClusterType
  training: boolean
  inference: boolean
  /** Public settings: `config` in current keys with the scenario inputs folded in. */
  settings: Record<string, string>
  /** Protected settings from `config-protected`, without the PEM file names. */
  protectedSettings: Record<string, string>
  tls?: TlsInput
  version?: string
  releaseTrain: string
  /** Undefined: left to the service (its default is true), as the az CLI does. */
  autoUpgradeMinorVersion?: boolean
}

export interface RequestResult {
  request: ExtensionRequest
  notices: string[]
  problems: Problem[]
}

const ENABLE_KEYS = ['enableTraining', 'enableInference']

/** Inputs → ExtensionRequest. Pure; every problem found is returned, none thrown. */
export function buildRequest(inputs: ActionInputs): RequestResult {
  const problems: Problem[] = []
  const translated = translateLegacy(inputs.config)
  problems.push(...translated.problems)
  const settings = Object.fromEntries(translated.settings)
  const protectedSettings: Record<string, string> = {}
  const notices = [...translated.notices]

  for (const e of inputs.configProtected) {
    if (ENABLE_KEYS.includes(e.key) && !(e.key in settings)) {
      settings[e.key] = e.value // the az CLI moves these to public settings too
      notices.push(`${e.key} is not secret: it is sent as a public setting.`)
    } else protectedSettings[e.key] = e.value
  }
  problems.push(...checkKeys(settings, protectedSettings))
  const fold = new Folder(settings, problems)
  foldScenarioInputs(inputs, fold)

  const training = asBoolean(settings.enableTraining) === true
  const inference = asBoolean(settings.enableInference) === true
  if (inference && settings.inferenceRouterServiceType === undefined) {
    settings.inferenceRouterServiceType = 'LoadBalancer' // the seed's implicit public load balancer
  }
  const request: ExtensionRequest = {
    name: inputs.extensionName,
    clusterType: inputs.clusterType,
    training,
    inference,
    settings,
    protectedSettings,
    tls: inputs.tls,
    version: inputs.version,
    releaseTrain: inputs.releaseTrain,
    // A pin cannot be auto-upgraded: with the flag unset, a pin sends false (spec/azureml-extension.md §4.3).
    autoUpgradeMinorVersion:
      inputs.autoUpgradeMinorVersion ?? (inputs.version !== undefined ? false : undefined)
  }
  return { request, notices, problems }
}

/** Key-level mistakes: duplicates across maps, mis-cased keys, non-booleans, secrets in public. */
function checkKeys(
  settings: Record<string, string>,
  protectedSettings: Record<string, string>
): Problem[] {
  const problems: Problem[] = []
  for (const key of Object.keys(protectedSettings)) {
    if (key in settings) {
      problems.push({
        input: 'config-protected',
        message: `'${key}' is in both config and config-protected.`,
        fix: `Keep '${key}' in one of them (config-protected only if it is a secret).`
      })
    }
  }
  for (const [input, map] of [
    ['config', settings],
    ['config-protected', protectedSettings]
  ] as const) {
    for (const [key, value] of Object.entries(map)) {
      const meant = misCased(key)
      if (meant) {
        problems.push({
          input,
          message: `'${key}' is not a setting the extension reads (keys are case-sensitive).`,
          fix: `Write '${meant}'.`
        })
      }
      if (isBooleanKey(key) && asBoolean(value) === undefined) {
        problems.push({
          input,
          message: `${key}=${value} is not a boolean; the extension would read it as false.`,
          fix: `Use ${key}=true or ${key}=false.`
        })
      }
    }
  }
  for (const [key, value] of Object.entries(settings)) {
    if (isSecretKey(key) || value.includes('-----BEGIN')) {
      problems.push({
        input: 'config',
        message: `'${key}' holds a secret, and public settings are returned by every GET of the extension.`,
        fix: `Move '${key}' to config-protected${value.includes('-----BEGIN') ? ', or pass PEM text through ssl-cert/ssl-key' : ''}.`
      })
    }
  }
  return problems
}

/** Writes a scenario input into the settings, refusing to override a different `config` value. */
class Folder {
  constructor(
    private readonly settings: Record<string, string>,
    private readonly problems: Problem[]
  ) {}

  set(input: string, key: string, value: string, same = (a: string, b: string) => a === b): void {
    const given = this.settings[key]
    if (given === undefined) {
      this.settings[key] = value
    } else if (!same(given, value)) {
      this.problems.push({
        input,
        message: `says ${key}=${value}, but config has ${key}=${given}.`,
        fix: `Remove ${key} from config or make '${input}' agree with it.`
      })
    }
  }

  /** An input set to false contradicts a config key that turns the feature on. */
  absent(input: string, key: string): void {
    const given = this.settings[key]
    if (given !== undefined) {
      this.problems.push({
        input,
        message: `is false, but config has ${key}=${given}.`,
        fix: `Remove ${key} from config or set '${input}' to true.`
      })
    }
  }

  setBoolean(input: string, key: string, value: boolean): void {
    this.set(input, key, cliBoolean(value), (a, b) => asBoolean(a) === asBoolean(b))
  }
}

function foldScenarioInputs(inputs: ActionInputs, fold: Folder): void {
  if (inputs.scenario !== undefined) {
    fold.setBoolean('scenario', 'enableTraining', inputs.scenario !== 'inference')
    fold.setBoolean('scenario', 'enableInference', inputs.scenario !== 'training')
  }
  if (inputs.inferenceRouterServiceType !== undefined) {
    const ci = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
    fold.set(
      'inference-router-service-type',
      'inferenceRouterServiceType',
      inputs.inferenceRouterServiceType,
      ci
    )
  }
  if (inputs.internalLoadBalancer === true) {
    fold.set(
      'internal-load-balancer',
      'internalLoadBalancerProvider',
      'azure',
      (a, b) => a.toLowerCase() === b
    )
  } else if (inputs.internalLoadBalancer === false) {
    fold.absent('internal-load-balancer', 'internalLoadBalancerProvider')
  }
  if (inputs.allowInsecureConnections !== undefined) {
    fold.setBoolean(
      'allow-insecure-connections',
      'allowInsecureConnections',
      inputs.allowInsecureConnections
    )
  }
  if (inputs.inferenceRouterHa !== undefined) {
    fold.setBoolean('inference-router-ha', 'inferenceRouterHA', inputs.inferenceRouterHa)
  }
  if (inputs.sslCname !== undefined) fold.set('ssl-cname', 'sslCname', inputs.sslCname)
  if (inputs.sslSecret !== undefined) fold.set('ssl-secret', 'sslSecret', inputs.sslSecret)
  for (const e of inputs.nodeSelector) {
    fold.set('node-selector', NODE_SELECTOR_PREFIX + e.key, e.value)
  }
}
