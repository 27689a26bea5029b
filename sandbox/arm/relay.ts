import { randomBytes } from 'node:crypto'
import type { SandboxRequest, SandboxResponse } from '../http.js'
import { notFound } from './errors.js'
import type { Params, Router } from './router.js'
import type { Scopes } from './scope.js'

/** A stored Relay resource: its ARM body without the derived fields. */
interface RelayResource {
  id: string
  name: string
  type: string
  location?: string
  tags?: Record<string, string>
  properties: Record<string, unknown>
}

const NS = '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Relay/namespaces/{ns}'
const HC = `${NS}/hybridConnections/{hc}`
const RULE = `${HC}/authorizationRules/{rule}`

const body = (req: SandboxRequest): Record<string, unknown> =>
  (req.text ? JSON.parse(req.text) : {}) as Record<string, unknown>

/** Azure Relay (api 2017-04-01): namespace, hybrid connection, authorization rule and keys. */
export class Relay {
  /** Keyed by lower-cased resource id. */
  readonly resources = new Map<string, RelayResource>()
  private readonly keys = new Map<string, { primary: string; secondary: string }>()

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

  private put(id: string, resource: Omit<RelayResource, 'id' | 'name'>): SandboxResponse {
    const existing = this.resources.get(id.toLowerCase())
    const stored = { id, name: id.split('/').pop()!, ...resource }
    this.resources.set(id.toLowerCase(), stored)
    return { status: existing ? 200 : 201, body: stored }
  }

  private putNamespace(p: Params, req: SandboxRequest): SandboxResponse {
    const b = body(req)
    const now = new Date().toISOString()
    return this.put(this.id(p, NS), {
      type: 'Microsoft.Relay/Namespaces',
      location: b.location as string,
      tags: (b.tags as Record<string, string>) ?? {},
      properties: {
        provisioningState: 'Succeeded',
        createdAt: now,
        updatedAt: now,
        serviceBusEndpoint: `https://${p.ns}.servicebus.windows.net:443/`,
        metricId: `${p.sub}:${p.ns}`
      }
    })
  }

  private putHybridConnection(p: Params, req: SandboxRequest): SandboxResponse {
    this.find(this.id(p, NS), p.rg!)
    const props = (body(req).properties ?? {}) as Record<string, unknown>
    const now = new Date().toISOString()
    return this.put(this.id(p, HC), {
      type: 'Microsoft.Relay/Namespaces/HybridConnections',
      properties: {
        createdAt: now,
        updatedAt: now,
        listenerCount: 0,
        requiresClientAuthorization: props.requiresClientAuthorization ?? true,
        ...(props.userMetadata !== undefined ? { userMetadata: props.userMetadata } : {})
      }
    })
  }

  private putRule(p: Params, req: SandboxRequest): SandboxResponse {
    this.find(this.id(p, HC), p.rg!)
    const props = (body(req).properties ?? {}) as Record<string, unknown>
    return this.put(this.id(p, RULE), {
      type: 'Microsoft.Relay/Namespaces/HybridConnections/AuthorizationRules',
      properties: { rights: props.rights ?? [] }
    })
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
    router.on('GET', NS, get(NS))
    router.on('PUT', HC, (p, req) => this.putHybridConnection(p, req))
    router.on('GET', HC, get(HC))
    router.on('PUT', RULE, (p, req) => this.putRule(p, req))
    router.on('GET', RULE, get(RULE))
    router.on('POST', `${RULE}/listKeys`, p => this.listKeys(p))
  }
}
