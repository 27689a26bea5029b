import type { KeyValue } from '../parse.js'
import type { Problem } from '../problems.js'
import { asBoolean, cliBoolean } from './keys.js'

export interface Translation {
  /** Settings in current keys, in the order the user wrote them. */
  settings: Map<string, string>
  /** What was translated or dropped, for `core.notice`. */
  notices: string[]
  problems: Problem[]
}

type Rule = (value: boolean) => { key: string; value: string }[]

/** Seed-era key → current keys (spec/azureml-extension.md §2.3). An empty result drops the key. */
const RULES: Record<string, Rule> = {
  privateEndpointNodeport: v =>
    v ? [{ key: 'inferenceRouterServiceType', value: 'NodePort' }] : [],
  privateEndpointILB: v =>
    v
      ? [
          { key: 'inferenceRouterServiceType', value: 'LoadBalancer' },
          { key: 'internalLoadBalancerProvider', value: 'azure' }
        ]
      : [],
  inferenceLoadBalancerHA: v => [{ key: 'inferenceRouterHA', value: cliBoolean(v) }],
  // Polarity flips: "reuse an existing operator" means "do not install one".
  reuseExistingPromOp: v => [{ key: 'installPromOp', value: cliBoolean(!v) }],
  'volcanoScheduler.enable': v => [{ key: 'installVolcano', value: cliBoolean(v) }],
  blobCsiDriverEnabled: () => []
}

const NOTES: Record<string, string> = {
  blobCsiDriverEnabled:
    'blobCsiDriverEnabled is dropped: the extension no longer ships a Blob CSI driver.',
  logAnalyticsWS:
    'logAnalyticsWS is no longer documented; it is sent as given, with the workspace connection string from config-protected.',
  openshift:
    'openshift is no longer documented; it is sent as given, and set to true when the Arc cluster reports an OpenShift distribution.'
}

function sameValue(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/**
 * Turns `config` entries into current keys. A legacy key whose translation disagrees with a current key
 * the user also gave is an error: the action never picks one silently.
 */
export function translateLegacy(entries: readonly KeyValue[], input = 'config'): Translation {
  const current = new Map(entries.filter(e => !(e.key in RULES)).map(e => [e.key, e.value]))
  const settings = new Map<string, string>()
  const notices: string[] = []
  const problems: Problem[] = []
  const fromLegacy = new Map<string, string>() // current key → legacy key that set it

  for (const e of entries) {
    const rule = RULES[e.key]
    if (rule === undefined) {
      if (!settings.has(e.key)) settings.set(e.key, e.value)
      if (NOTES[e.key]) notices.push(NOTES[e.key]!)
      continue
    }
    const flag = asBoolean(e.value)
    if (flag === undefined) {
      problems.push({
        input,
        message: `${e.key}=${e.value} (line ${e.line}) is not a boolean.`,
        fix: `Use ${e.key}=true or ${e.key}=false, or its current form.`
      })
      continue
    }
    const targets = rule(flag)
    const said = targets.map(t => `${t.key}=${t.value}`).join(' ')
    notices.push(
      NOTES[e.key] ??
        `${e.key}=${e.value} is a seed-era key: sent as ${said || 'nothing (default)'}.`
    )
    for (const t of targets) {
      const own = current.get(t.key)
      const other = fromLegacy.get(t.key)
      if (own !== undefined && !sameValue(own, t.value)) {
        problems.push({
          input,
          message: `${e.key}=${e.value} means ${t.key}=${t.value}, but ${t.key}=${own} is also given.`,
          fix: `Remove ${e.key} (seed-era) and keep ${t.key}, or make them agree.`
        })
      } else if (other !== undefined && !sameValue(settings.get(t.key)!, t.value)) {
        problems.push({
          input,
          message: `${other} and ${e.key} are both true, but they choose different inference router services.`,
          fix: `Keep one: privateEndpointNodeport for NodePort, privateEndpointILB for an internal load balancer.`
        })
      } else if (own === undefined) {
        settings.set(t.key, t.value)
        fromLegacy.set(t.key, e.key)
      }
    }
  }
  return { settings, notices, problems }
}
