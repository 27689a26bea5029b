import type { RelayFacts } from '../settings/index.js'
import type { Arm } from './arm.js'
import { isNotFound } from './arm.js'
import { relayNamespaceName } from './relay-name.js'

const API = '2017-04-01'
const RULE = 'azureml_rw'

export interface RelayTarget {
  resourceGroup: string
  clusterName: string
  location: string
}

interface Keys {
  primaryConnectionString: string
  primaryKey?: string
  secondaryKey?: string
  secondaryConnectionString?: string
}

function paths(arm: Arm, t: RelayTarget) {
  const ns = `/subscriptions/${arm.subscriptionId}/resourceGroups/${t.resourceGroup}/providers/Microsoft.Relay/namespaces/${relayNamespaceName(t.clusterName, arm.subscriptionId, t.resourceGroup)}`
  const hc = `${ns}/hybridConnections/${t.clusterName}`
  return { ns, hc, rule: `${hc}/authorizationRules/${RULE}` }
}

/**
 * Finds the Relay hybrid connection the az CLI would use for this Arc cluster, or creates it the same
 * way (namespace, hybrid connection named after the cluster, rule `azureml_rw`), and reads its keys.
 * `mask` registers each key with the runner before it can be logged.
 */
export async function findOrCreateRelay(
  arm: Arm,
  t: RelayTarget,
  mask: (secret: string) => void,
  log: (line: string) => void
): Promise<RelayFacts> {
  const p = paths(arm, t)
  try {
    await arm.request('GET', p.hc, API)
  } catch (err) {
    if (!isNotFound(err)) throw err
    log(
      `Creating Azure Relay ${p.ns.split('/').pop()} with hybrid connection ${t.clusterName}, as az k8s-extension does.`
    )
    await arm.request('PUT', p.ns, API, {
      location: t.location,
      tags: { created_by: 'Azure Arc-enabled ML' }
    })
    await arm.request('PUT', p.hc, API, { properties: { requiresClientAuthorization: true } })
    await arm.request('PUT', p.rule, API, { properties: { rights: ['Manage', 'Send', 'Listen'] } })
  }
  const keys = await readKeys(arm, p.rule, mask)
  return {
    connectionString: keys.primaryConnectionString,
    hybridConnectionResourceId: p.hc,
    hybridConnectionName: t.clusterName
  }
}

/** The keys of an existing Relay, for an update that must re-send the protected settings. */
export async function readRelay(
  arm: Arm,
  t: RelayTarget,
  mask: (secret: string) => void
): Promise<RelayFacts> {
  const p = paths(arm, t)
  const keys = await readKeys(arm, p.rule, mask).catch(err => {
    if (!isNotFound(err)) throw err
    throw new Error(
      `The Azure Relay hybrid connection ${p.hc} is gone, yet the extension uses it: recreate it (mode: delete, then apply) or give relayServerConnectionString in config-protected.`
    )
  })
  return {
    connectionString: keys.primaryConnectionString,
    hybridConnectionResourceId: p.hc,
    hybridConnectionName: t.clusterName
  }
}

async function readKeys(arm: Arm, rulePath: string, mask: (secret: string) => void): Promise<Keys> {
  const keys = await arm.request<Keys>('POST', `${rulePath}/listKeys`, API)
  for (const v of [
    keys.primaryConnectionString,
    keys.primaryKey,
    keys.secondaryKey,
    keys.secondaryConnectionString
  ]) {
    if (v) mask(v)
  }
  return keys
}
