import { TimeoutError } from '../deadline.js'
import type { Deadline } from '../deadline.js'
import { sleep } from '../retry.js'
import type { Arm } from './arm.js'
import { ArmError } from './arm.js'
import { PreflightError } from './errors.js'

const API = '2021-04-01'
export const EXTENSIONS_RP = 'Microsoft.KubernetesConfiguration'
export const RELAY_RP = 'Microsoft.Relay'

/** The namespaces a run writes under: the extension's always, Relay's only when it needs one. */
export function providerNamespaces(relay: boolean): string[] {
  return relay ? [EXTENSIONS_RP, RELAY_RP] : [EXTENSIONS_RP]
}

/** What an administrator runs, once per subscription, when this identity may not. */
export function registerCommand(namespace: string, subscriptionId: string): string {
  return `az provider register --namespace ${namespace} --subscription ${subscriptionId}`
}

const providerPath = (arm: Arm, namespace: string): string =>
  `/subscriptions/${arm.subscriptionId}/providers/${namespace}`

async function registrationState(arm: Arm, namespace: string): Promise<string> {
  const p = await arm.request<{ registrationState?: string }>(
    'GET',
    providerPath(arm, namespace),
    API
  )
  return p.registrationState ?? 'NotRegistered'
}

/** The namespaces not Registered yet, with their state (`NotRegistered`, `Registering`, …). */
export async function unregisteredProviders(
  arm: Arm,
  namespaces: readonly string[]
): Promise<Map<string, string>> {
  const states = await Promise.all(namespaces.map(ns => registrationState(arm, ns)))
  return new Map(
    namespaces.map((ns, i) => [ns, states[i]!] as const).filter(([, s]) => s !== 'Registered')
  )
}

/**
 * Registers a namespace and waits until it is Registered, within the run's deadline: what the az
 * CLI does when ARM answers MissingSubscriptionRegistration. A 403 means an administrator must.
 */
export async function registerProvider(
  arm: Arm,
  namespace: string,
  state: string,
  deadline: Deadline,
  log: (line: string) => void
): Promise<void> {
  if (state !== 'Registering') {
    log(
      `Resource provider ${namespace} is ${state} in subscription ${arm.subscriptionId}: registering it (once per subscription; it can take a few minutes).`
    )
    await arm.request('POST', `${providerPath(arm, namespace)}/register`, API).catch(err => {
      if (!(err instanceof ArmError) || err.statusCode !== 403) throw err
      throw new PreflightError(
        `Resource provider ${namespace} is ${state} in subscription ${arm.subscriptionId}, and this identity may not register it (${namespace}/register/action: ${err.code}). Nothing was written. An administrator registers it once: ${registerCommand(namespace, arm.subscriptionId)}`
      )
    })
  }
  await untilRegistered(arm, namespace, deadline)
  log(`Resource provider ${namespace} is Registered.`)
}

async function untilRegistered(arm: Arm, namespace: string, deadline: Deadline): Promise<void> {
  for (;;) {
    const state = await registrationState(arm, namespace)
    if (state === 'Registered') return
    if (deadline.remainingMs() <= arm.pollIntervalMs) {
      throw new TimeoutError(
        `Resource provider ${namespace} is still ${state} and the timeout is spent; the extension was not written. Azure goes on registering it: run again once az provider show --namespace ${namespace} --query registrationState says Registered.`
      )
    }
    await sleep(arm.pollIntervalMs)
  }
}
