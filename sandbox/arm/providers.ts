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

/** Resource provider registration per namespace (`az provider show`). */
export class Providers {
  private readonly states = new Map<string, RegistrationState>()

  constructor(private readonly scopes: Scopes) {
    for (const ns of Object.keys(RESOURCE_TYPES)) this.states.set(ns.toLowerCase(), 'Registered')
  }

  set(namespace: string, state: RegistrationState): void {
    this.states.set(namespace.toLowerCase(), state)
  }

  private body(sub: string, namespace: string): Record<string, unknown> {
    const canonical = Object.keys(RESOURCE_TYPES).find(
      ns => ns.toLowerCase() === namespace.toLowerCase()
    )
    if (!canonical) {
      throw new ArmError(
        404,
        'InvalidResourceNamespace',
        `The resource namespace '${namespace}' is invalid.`
      )
    }
    return {
      id: `/subscriptions/${sub}/providers/${canonical}`,
      namespace: canonical,
      registrationPolicy: 'RegistrationRequired',
      registrationState: this.states.get(canonical.toLowerCase()),
      resourceTypes: RESOURCE_TYPES[canonical]!.map(resourceType => ({
        resourceType,
        locations: ['East US', 'West Europe'],
        apiVersions: ['2023-05-01', '2022-11-01']
      }))
    }
  }

  routes(router: Router): void {
    router.on('GET', '/subscriptions/{sub}/providers/{ns}', p => {
      this.scopes.requireSubscription(p.sub!)
      return { status: 200, body: this.body(p.sub!, p.ns!) }
    })
    router.on('POST', '/subscriptions/{sub}/providers/{ns}/register', p => {
      this.scopes.requireSubscription(p.sub!)
      const body = this.body(p.sub!, p.ns!)
      this.set(p.ns!, 'Registered')
      return { status: 200, body: { ...body, registrationState: 'Registering' } }
    })
  }
}
