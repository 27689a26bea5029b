import type { AccessKeys, RelayAPI } from '@azure/arm-relay'
import type { RelayFacts } from '../settings/index.js'
import { TimeoutError } from '../deadline.js'
import { sleep } from '../retry.js'
import type { Deadline } from '../deadline.js'
import type { Arm } from './arm.js'
import { isNotFound } from './arm.js'
import { operationPace } from './operation-pace.js'
import { relayNamespaceName } from './relay-name.js'

const RULE = 'azureml_rw'

export interface RelayTarget {
  resourceGroup: string
  clusterName: string
  location: string
}

/** The Relay client and the names the az CLI uses for this cluster. */
interface RelayCall {
  api: RelayAPI
  rg: string
  ns: string
  hc: string
}

/** The Relay client is loaded only by the runs that need a Relay (Arc), not at every start-up. */
async function relayCall(arm: Arm, t: RelayTarget): Promise<RelayCall> {
  const { RelayAPI } = await import('@azure/arm-relay')
  return {
    api: arm.sdk(RelayAPI),
    rg: t.resourceGroup,
    ns: relayNamespaceName(t.clusterName, arm.subscriptionId, t.resourceGroup),
    hc: t.clusterName
  }
}

/**
 * Finds the Relay hybrid connection the az CLI would use for this Arc cluster, or creates it the same
 * way (namespace, hybrid connection named after the cluster, rule `azureml_rw`), and reads its keys.
 * `mask` registers each key with the runner before it can be logged. `deadline` bounds the wait
 * for a new namespace to turn Active.
 */
export async function findOrCreateRelay(
  arm: Arm,
  t: RelayTarget,
  mask: (secret: string) => void,
  log: (line: string) => void,
  deadline?: Deadline
): Promise<RelayFacts> {
  const c = await relayCall(arm, t)
  try {
    await c.api.hybridConnections.get(c.rg, c.ns, c.hc)
  } catch (err) {
    if (!isNotFound(err)) throw err
    log(`Creating Azure Relay ${c.ns} with hybrid connection ${c.hc}, as az k8s-extension does.`)
    await createNamespace(arm, c, t.location, log, deadline)
    await c.api.hybridConnections.createOrUpdate(c.rg, c.ns, c.hc, {
      requiresClientAuthorization: true
    })
    await c.api.hybridConnections.createOrUpdateAuthorizationRule(c.rg, c.ns, c.hc, RULE, {
      rights: ['Manage', 'Send', 'Listen']
    })
  }
  return facts(arm, c, await readKeys(c, mask))
}

/**
 * Creates the namespace and waits for it, as the az CLI does: a long-running operation, and the
 * namespace takes no hybrid connection until it is Active.
 */
async function createNamespace(
  arm: Arm,
  c: RelayCall,
  location: string,
  log: (line: string) => void,
  deadline?: Deadline
): Promise<void> {
  const abortSignal = deadline?.signal()
  const pace = operationPace(arm.pollIntervalMs)
  const options = {
    updateIntervalInMs: arm.pollIntervalMs,
    abortSignal,
    onResponse: pace.onResponse
  }
  const body = { location, tags: { created_by: 'Azure Arc-enabled ML' } }
  try {
    const poller = await c.api.namespaces.beginCreateOrUpdate(c.rg, c.ns, body, options)
    await pace.untilDone(poller, abortSignal)
  } catch (err) {
    if (deadline?.expired()) throw stillActivating(c)
    // Another run is creating the same namespace: wait for it as for our own.
    if (!inTransition(err)) throw err
    log(`Azure Relay ${c.ns} is being created by another run; waiting until it is Active.`)
    await untilActive(arm, c, deadline)
  }
}

/** Service Bus's 409 for a namespace still being provisioned. */
function inTransition(err: unknown): boolean {
  const e = err as { statusCode?: number; message?: string }
  return e?.statusCode === 409 && /provisioning in transition/i.test(e.message ?? '')
}

async function untilActive(arm: Arm, c: RelayCall, deadline?: Deadline): Promise<void> {
  for (;;) {
    const ns = await c.api.namespaces.get(c.rg, c.ns)
    if (ns.provisioningState?.toLowerCase() === 'succeeded') return
    if (deadline && deadline.remainingMs() <= arm.pollIntervalMs) throw stillActivating(c)
    await sleep(arm.pollIntervalMs)
  }
}

const stillActivating = (c: RelayCall) =>
  new TimeoutError(
    `The Azure Relay namespace ${c.ns} was still activating when the timeout was spent.`
  )

/** The keys of an existing Relay, for an update that must re-send the protected settings. */
export async function readRelay(
  arm: Arm,
  t: RelayTarget,
  mask: (secret: string) => void
): Promise<RelayFacts> {
  const c = await relayCall(arm, t)
  const keys = await readKeys(c, mask).catch((err: unknown) => {
    if (!isNotFound(err)) throw err
    throw new Error(
      `The Azure Relay hybrid connection ${hybridConnectionId(arm, c)} is gone, yet the extension uses it: recreate it (mode: delete, then apply) or give relayServerConnectionString in config-protected.`
    )
  })
  return facts(arm, c, keys)
}

function hybridConnectionId(arm: Arm, c: RelayCall): string {
  return `/subscriptions/${arm.subscriptionId}/resourceGroups/${c.rg}/providers/Microsoft.Relay/namespaces/${c.ns}/hybridConnections/${c.hc}`
}

function facts(arm: Arm, c: RelayCall, connectionString: string): RelayFacts {
  return {
    connectionString,
    hybridConnectionResourceId: hybridConnectionId(arm, c),
    hybridConnectionName: c.hc
  }
}

/** The rule's primary connection string; every key is masked the moment it arrives. */
async function readKeys(c: RelayCall, mask: (secret: string) => void): Promise<string> {
  const keys: AccessKeys = await c.api.hybridConnections.listKeys(c.rg, c.ns, c.hc, RULE)
  for (const v of [
    keys.primaryConnectionString,
    keys.primaryKey,
    keys.secondaryKey,
    keys.secondaryConnectionString
  ]) {
    if (v) mask(v)
  }
  if (!keys.primaryConnectionString)
    throw new Error(`Azure Relay gave no primary connection string for ${c.ns}/${c.hc}/${RULE}.`)
  return keys.primaryConnectionString
}
