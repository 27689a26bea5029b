import { randomBytes, randomUUID } from 'node:crypto'
import type { SandboxRequest, SandboxResponse } from '../http.js'
import { ArmError, notFound } from './errors.js'
import type { Params, Router } from './router.js'
import type { Scopes } from './scope.js'

/** A stored Relay resource: its ARM body without the derived fields. */
interface RelayResource {
  id: string
  name: string
  type: string
  location?: string
  tags?: Record<string, string>
  sku?: { name: string; tier: string }
  properties: Record<string, unknown>
}

/** A namespace's create operation: the namespace is Activating until `activeAt`, then Active. */
interface Activation {
  name: string
  startTime: string
  activeAt: number
}

const API = '2017-04-01'
const NS = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Relay/namespaces/{ns}'
const HC = `${NS}/hybridConnections/{hc}`
const RULE = `${HC}/authorizationRules/{rule}`
// The operation URL's shape is the sandbox's own: clients only follow the header.
const OPERATION = `${NS}/operationresults/{op}`

const body = (req: SandboxRequest): Record<string, unknown> =>
  (req.text ? JSON.parse(req.text) : {}) as Record<string, unknown>

/**
 * Azure Relay (api 2017-04-01): namespace, hybrid connection, authorization rule and keys.
 * Status codes follow the spec as the SDK encodes it: namespace PUT is a long-running operation
 * (201 and `Azure-AsyncOperation` when new); hybrid connection and rule PUTs answer 200 only.
 */
export class Relay {
  /** Keyed by lower-cased resource id. */
  readonly resources = new Map<string, RelayResource>()
  /** How long a new namespace stays Activating; computed on each request, so no timers. */
  activationMs = 60
  private readonly keys = new Map<string, { primary: string; secondary: string }>()
  /** Create operations by lower-cased namespace id. */
  private readonly activations = new Map<string, Activation>()

  constructor(private readonly scopes: Scopes) {}

  private id(p: Params, template: string): string {
    const rg = this.scopes.requireResourceGroup(p.sub!, p.rg!)
    return template.replace(/\{(\w+)\}/g, (_, k: string) => (k === 'rg' ? rg : p[k]!))
  }

  private find(id: string, rg: string): RelayResource {
    const found = this.resources.get(id.toLowerCase())
    if (!found) throw notFound(id.split('/providers/')[1]!, rg)
    return found
  }

  private store(id: string, resource: Omit<RelayResource, 'id' | 'name'>): RelayResource {
    const stored = { id, name: id.split('/').pop()!, ...resource }
    this.resources.set(id.toLowerCase(), stored)
    return stored
  }

  private isActive(namespaceId: string): boolean {
    const op = this.activations.get(namespaceId.toLowerCase())
    return !op || Date.now() >= op.activeAt
  }

  /**
   * The namespace as ARM shows it. `status` is in later api-versions' model, not 2017-04-01's;
   * whether the service adds it to old versions' answers is unknown (clients ignore it).
   */
  private namespaceBody(ns: RelayResource): RelayResource {
    const active = this.isActive(ns.id)
    const state = active
      ? { provisioningState: 'Succeeded', status: 'Active' }
      : { provisioningState: 'Created', status: 'Activating' }
    return { ...ns, properties: { ...ns.properties, ...state } }
  }

  /**
   * The namespace under a write, refused while it activates. Whether Relay refuses child writes
   * then (or an update of the namespace itself) is not documented: this is the stricter reading,
   * worded as Service Bus words a namespace in transition.
   */
  private activeNamespace(p: Params, refused: string): RelayResource {
    const ns = this.find(this.id(p, NS), p.rg!)
    if (this.isActive(ns.id)) return ns
    throw new ArmError(
      409,
      'Conflict',
      'Namespace provisioning in transition. ' +
        `The namespace '${ns.name}' is Activating: ${refused} once it is Active. ` +
        `TrackingId:${randomUUID()}_G0, ` +
        `SystemTracker:${ns.name}.servicebus.windows.net, Timestamp:${new Date().toISOString()}`
    )
  }

  private putNamespace(p: Params, req: SandboxRequest): SandboxResponse {
    const b = body(req)
    const location = b.location
    if (typeof location !== 'string' || !location) {
      const message = 'The location property is required for this definition.'
      throw new ArmError(400, 'LocationRequired', message)
    }
    const id = this.id(p, NS)
    if (this.resources.has(id.toLowerCase())) return this.updateNamespace(p, location, b)
    const now = new Date().toISOString()
    const ns = this.store(id, {
      type: 'Microsoft.Relay/Namespaces',
      location,
      tags: (b.tags as Record<string, string>) ?? {},
      sku: { name: 'Standard', tier: 'Standard' },
      properties: {
        createdAt: now,
        updatedAt: now,
        serviceBusEndpoint: `https://${p.ns}.servicebus.windows.net:443/`,
        metricId: `${p.sub}:${p.ns}`
      }
    })
    const op = { name: randomUUID(), startTime: now, activeAt: Date.now() + this.activationMs }
    this.activations.set(id.toLowerCase(), op)
    // Absolute, on the sandbox's own origin, as ARM points at itself.
    const url = `https://${req.headers.host}${id}/operationresults/${op.name}?api-version=${API}`
    return { status: 201, headers: { 'azure-asyncoperation': url }, body: this.namespaceBody(ns) }
  }

  /** An existing namespace: tags change at once; the location cannot. */
  private updateNamespace(
    p: Params,
    location: string,
    b: Record<string, unknown>
  ): SandboxResponse {
    const ns = this.activeNamespace(p, 'it can be updated')
    if (ns.location?.toLowerCase() !== location.toLowerCase()) {
      throw new ArmError(
        400,
        'InvalidResourceLocation',
        `The resource '${ns.name}' already exists in location '${ns.location}' in resource group ` +
          `'${p.rg}'. A resource with the same name cannot be created in location '${location}'. ` +
          'Please select a new resource name.'
      )
    }
    ns.tags = (b.tags as Record<string, string>) ?? {}
    ns.properties.updatedAt = new Date().toISOString()
    return { status: 200, body: this.namespaceBody(ns) }
  }

  private operation(p: Params): SandboxResponse {
    const id = this.id(p, NS)
    const op = this.activations.get(id.toLowerCase())
    if (!op || op.name !== p.op!.toLowerCase()) {
      throw notFound(`${id.split('/providers/')[1]}/operationresults/${p.op}`, p.rg!)
    }
    const done = Date.now() >= op.activeAt
    return {
      status: 200,
      body: {
        id: `${id}/operationresults/${op.name}`,
        name: op.name,
        status: done ? 'Succeeded' : 'InProgress',
        startTime: op.startTime,
        ...(done ? { endTime: new Date(op.activeAt).toISOString() } : {})
      }
    }
  }

  private putHybridConnection(p: Params, req: SandboxRequest): SandboxResponse {
    this.activeNamespace(p, 'hybrid connections can be created')
    const id = this.id(p, HC)
    const props = (body(req).properties ?? {}) as Record<string, unknown>
    const now = new Date().toISOString()
    const before = this.resources.get(id.toLowerCase())
    const stored = this.store(id, {
      type: 'Microsoft.Relay/Namespaces/HybridConnections',
      properties: {
        createdAt: before?.properties.createdAt ?? now,
        updatedAt: now,
        listenerCount: 0,
        requiresClientAuthorization: props.requiresClientAuthorization ?? true,
        ...(props.userMetadata !== undefined ? { userMetadata: props.userMetadata } : {})
      }
    })
    return { status: 200, body: stored }
  }

  private putRule(p: Params, req: SandboxRequest): SandboxResponse {
    this.activeNamespace(p, 'authorization rules can be created')
    this.find(this.id(p, HC), p.rg!)
    const props = (body(req).properties ?? {}) as Record<string, unknown>
    const stored = this.store(this.id(p, RULE), {
      type: 'Microsoft.Relay/Namespaces/HybridConnections/AuthorizationRules',
      properties: { rights: props.rights ?? [] }
    })
    return { status: 200, body: stored }
  }

  private listKeys(p: Params): SandboxResponse {
    const id = this.id(p, RULE)
    this.find(id, p.rg!)
    let keys = this.keys.get(id.toLowerCase())
    if (!keys) {
      keys = {
        primary: randomBytes(32).toString('base64'),
        secondary: randomBytes(32).toString('base64')
      }
      this.keys.set(id.toLowerCase(), keys)
    }
    const conn = (key: string): string =>
      `Endpoint=sb://${p.ns}.servicebus.windows.net/;SharedAccessKeyName=${p.rule};` +
      `SharedAccessKey=${key};EntityPath=${p.hc}`
    return {
      status: 200,
      body: {
        primaryConnectionString: conn(keys.primary),
        secondaryConnectionString: conn(keys.secondary),
        primaryKey: keys.primary,
        secondaryKey: keys.secondary,
        keyName: p.rule
      }
    }
  }

  /** The primary connection string listKeys gave for a rule id, so tests can assert what was sent. */
  primaryConnectionString(ruleId: string): string | undefined {
    const keys = this.keys.get(ruleId.toLowerCase())
    const m = /namespaces\/([^/]+)\/hybridConnections\/([^/]+)\/authorizationRules\/([^/]+)$/i.exec(
      ruleId
    )
    if (!keys || !m) return undefined
    return `Endpoint=sb://${m[1]}.servicebus.windows.net/;SharedAccessKeyName=${m[3]};SharedAccessKey=${keys.primary};EntityPath=${m[2]}`
  }

  routes(router: Router): void {
    const get = (template: string) => (p: Params) => ({
      status: 200,
      body: this.find(this.id(p, template), p.rg!)
    })
    router.on('PUT', NS, (p, req) => this.putNamespace(p, req))
    router.on('GET', NS, p => ({
      status: 200,
      body: this.namespaceBody(this.find(this.id(p, NS), p.rg!))
    }))
    router.on('GET', OPERATION, p => this.operation(p))
    router.on('PUT', HC, (p, req) => this.putHybridConnection(p, req))
    router.on('GET', HC, get(HC))
    router.on('PUT', RULE, (p, req) => this.putRule(p, req))
    router.on('GET', RULE, get(RULE))
    router.on('POST', `${RULE}/listKeys`, p => this.listKeys(p))
  }
}
