import type { SandboxRequest } from '../http.js'
import { ArmError } from './errors.js'
import type { Router } from './router.js'
import type { Scopes } from './scope.js'

export type RegistrationState = 'Registered' | 'NotRegistered' | 'Registering' | 'Unregistering'

/** Resource types each namespace reports (only the ones the action's world touches). */
const RESOURCE_TYPES: Record<string, string[]> = {
  'Microsoft.KubernetesConfiguration': ['extensions', 'operations', 'fluxConfigurations'],
  'Microsoft.Kubernetes': ['connectedClusters'],
  'Microsoft.ContainerService': ['managedClusters'],
  'Microsoft.Relay': ['namespaces', 'namespaces/hybridConnections']
}

const WRITES = new Set(['PUT', 'PATCH', 'DELETE', 'POST'])

/** Resource provider registration per namespace (`az provider show`, `az provider register`). */
export class Providers {
  private readonly states = new Map<string, RegistrationState>()
  /** When a namespace that is Registering becomes Registered (epoch ms). */
  private readonly registeredAt = new Map<string, number>()
  /** How long `register` leaves a namespace Registering (minutes in Azure). */
  registrationDelayMs = 50

  constructor(private readonly scopes: Scopes) {
    for (const ns of Object.keys(RESOURCE_TYPES)) this.states.set(ns.toLowerCase(), 'Registered')
  }

  set(namespace: string, state: RegistrationState): void {
    this.states.set(namespace.toLowerCase(), state)
    this.registeredAt.delete(namespace.toLowerCase())
  }

  /** The state now: a registration in progress ends once its delay has passed. */
  state(namespace: string): RegistrationState | undefined {
    const key = namespace.toLowerCase()
    const at = this.registeredAt.get(key)
    if (at !== undefined && Date.now() >= at) this.set(namespace, 'Registered')
    return this.states.get(key)
  }

  /**
   * ARM's 409 for a write under a namespace the subscription has not registered: what the az CLI
   * answers by registering it. Only resource paths count; the register call itself is no resource.
   */
  requireRegistered(req: SandboxRequest): void {
    if (!WRITES.has(req.method) || !/\/resourceGroups\//i.test(req.path)) return
    const namespace = /.*\/providers\/([^/]+)\//i.exec(req.path)?.[1]
    const state = namespace ? this.state(namespace) : undefined
    if (!namespace || state === undefined || state === 'Registered') return
    const canonical = this.canonical(namespace)!
    const message =
      `The subscription is not registered to use namespace '${canonical}'. ` +
      'See https://aka.ms/rps-not-found for how to register subscriptions.'
    throw new ArmError(409, 'MissingSubscriptionRegistration', message, {}, [
      { code: 'MissingSubscriptionRegistration', target: canonical, message }
    ])
  }

  private canonical(namespace: string): string | undefined {
    return Object.keys(RESOURCE_TYPES).find(ns => ns.toLowerCase() === namespace.toLowerCase())
  }

  /** The namespace as ARM spells it; ARM's 404 for one it does not know. */
  private known(namespace: string): string {
    const canonical = this.canonical(namespace)
    if (canonical) return canonical
    throw new ArmError(
      404,
      'InvalidResourceNamespace',
      `The resource namespace '${namespace}' is invalid.`
    )
  }

  private body(sub: string, namespace: string): Record<string, unknown> {
    const canonical = this.known(namespace)
    return {
      id: `/subscriptions/${sub}/providers/${canonical}`,
      namespace: canonical,
      registrationPolicy: 'RegistrationRequired',
      registrationState: this.state(canonical),
      resourceTypes: RESOURCE_TYPES[canonical]!.map(resourceType => ({
        resourceType,
        locations: ['East US', 'West Europe'],
        apiVersions: ['2023-05-01', '2022-11-01']
      }))
    }
  }

  /** Starts a registration: Registering now, Registered after `registrationDelayMs`. */
  private register(namespace: string): void {
    this.known(namespace)
    if (this.state(namespace) === 'Registered') return
    this.states.set(namespace.toLowerCase(), 'Registering')
    this.registeredAt.set(namespace.toLowerCase(), Date.now() + this.registrationDelayMs)
  }

  routes(router: Router): void {
    router.on('GET', '/subscriptions/{sub}/providers/{ns}', p => {
      this.scopes.requireSubscription(p.sub!)
      return { status: 200, body: this.body(p.sub!, p.ns!) }
    })
    router.on('POST', '/subscriptions/{sub}/providers/{ns}/register', p => {
      this.scopes.requireSubscription(p.sub!)
      this.register(p.ns!)
      return { status: 200, body: this.body(p.sub!, p.ns!) }
    })
  }
}
