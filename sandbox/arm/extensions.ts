import type { ClusterBackend, ClusterOutcome } from '../contract.js'
import type { SandboxRequest, SandboxResponse } from '../http.js'
import type { ClusterRecord, Clusters } from './clusters.js'
import { ArmError, badRequest, notFound } from './errors.js'
import { changes, extensionId, fromPutBody, installed, patched, toWire } from './extension-model.js'
import type { ExtensionPatch, StoredExtension } from './extension-model.js'
import type { AsyncOperation, Operations } from './operations.js'
import { statusBody } from './operations.js'
import type { ExtensionOperationKind, ProvisioningFaults } from './provisioning.js'
import type { Params, RouteHandler, Router } from './router.js'
import { specFor, specVersions } from './schema.js'
import type { ExtensionsSpec, SpecDefinition } from './schema.js'

const BASE =
  '/subscriptions/{sub}/resourceGroups/{rg}/providers/{rp}/{type}/{cluster}' +
  '/providers/Microsoft.KubernetesConfiguration/extensions'

export interface ExtensionsDeps {
  clusters: Clusters
  operations: Operations
  provisioning: ProvisioningFaults
  /** The cluster side for a cluster; none means operations simply succeed. */
  backendFor(cluster: ClusterRecord): ClusterBackend | undefined
  tenantId: string
  clientId: string
  /** `currentVersion` after an install that pinned none. */
  defaultVersion: string
}

const VERB: Record<ExtensionOperationKind, string> = {
  create: 'Create',
  update: 'Update',
  delete: 'Delete'
}

/** Microsoft.KubernetesConfiguration/extensions: GET, LIST, PUT, PATCH, DELETE and operation status. */
export class Extensions {
  /** Keyed by lower-cased resource id. */
  readonly store = new Map<string, StoredExtension>()
  /**
   * Replication lag: how many GETs after an operation ends still see the resource as it was just
   * before (Creating, Updating, Deleting). ARM reads may be served by a replica that has not caught
   * up; how long that lasts is not documented. Two stale reads by default: the SDK's own final
   * GET after a PUT or PATCH takes one, so the action's read-back meets the other.
   */
  staleReads = 2
  private readonly stale = new Map<string, { wire: Record<string, unknown>; left: number }>()

  constructor(private readonly deps: ExtensionsDeps) {}

  routes(router: Router): void {
    const on = (method: string, path: string, handler: RouteHandler): void => {
      router.on(method, path, (p, req) => {
        this.spec(req)
        return handler(p, req)
      })
    }
    on('GET', BASE, p => this.list(p))
    on('GET', `${BASE}/{name}`, p => this.get(p))
    on('PUT', `${BASE}/{name}`, (p, req) => this.put(p, req))
    on('PATCH', `${BASE}/{name}`, (p, req) => this.patch(p, req))
    on('DELETE', `${BASE}/{name}`, (p, req) => this.delete(p, req))
    on('GET', `${BASE}/{name}/operations/{op}`, p => this.operation(p))
  }

  /** The stored extension (protected values included) by name, for tests. */
  find(name: string): StoredExtension | undefined {
    return [...this.store.values()].find(e => e.name.toLowerCase() === name.toLowerCase())
  }

  private cluster(p: Params): ClusterRecord {
    return this.deps.clusters.require(p.sub!, p.rg!, p.rp!, p.type!, p.cluster!)
  }

  private existing(p: Params): { cluster: ClusterRecord; id: string; ext?: StoredExtension } {
    const cluster = this.cluster(p)
    const id = extensionId(cluster, p.name!)
    return { cluster, id, ext: this.store.get(id.toLowerCase()) }
  }

  private wire(ext: StoredExtension): Record<string, unknown> {
    return toWire(ext, this.deps.clientId)
  }

  private list(p: Params): SandboxResponse {
    const prefix = extensionId(this.cluster(p), '').toLowerCase()
    const value = [...this.store.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, ext]) => this.wire(ext))
    return { status: 200, body: { value, nextLink: null } }
  }

  private get(p: Params): SandboxResponse {
    const { ext, cluster, id } = this.existing(p)
    const stale = this.stale.get(id.toLowerCase())
    if (stale && stale.left-- > 0) return { status: 200, body: stale.wire }
    this.stale.delete(id.toLowerCase())
    if (!ext) throw this.missing(cluster, p.name!)
    return { status: 200, body: this.wire(ext) }
  }

  private put(p: Params, req: SandboxRequest): SandboxResponse {
    const { cluster, id, ext: before } = this.existing(p)
    const body = this.body(req, 'Extension')
    this.refuseWhileBusy(id, before ? 'update' : 'create')
    const ext = fromPutBody(cluster, before?.name ?? p.name!, body, this.deps.tenantId)
    if (before) {
      Object.assign(ext, { createdAt: before.createdAt, currentVersion: before.currentVersion })
      ext.provisioningState = 'Updating'
    }
    checkPin(ext)
    this.store.set(id.toLowerCase(), ext)
    const op = this.run(ext, before ? 'update' : 'create')
    return { status: before ? 200 : 201, headers: this.asyncHeaders(op), body: this.wire(ext) }
  }

  private patch(p: Params, req: SandboxRequest): SandboxResponse {
    const { cluster, id, ext: before } = this.existing(p)
    const body = this.body(req, 'patchExtension')
    if (!before) throw this.missing(cluster, p.name!)
    this.refuseWhileBusy(id, 'update')
    const after = patched(before, (body.properties ?? {}) as ExtensionPatch)
    checkPin(after)
    if (!changes(before, after)) return { status: 200, body: this.wire(before) }
    Object.assign(after, { provisioningState: 'Updating', modifiedAt: new Date().toISOString() })
    this.store.set(id.toLowerCase(), after)
    const op = this.run(after, 'update')
    return { status: 202, headers: this.asyncHeaders(op), body: this.wire(after) }
  }

  private delete(p: Params, req: SandboxRequest): SandboxResponse {
    const { id, ext } = this.existing(p)
    if (!ext) return { status: 204 }
    if (req.query.get('forceDelete')?.toLowerCase() === 'true') {
      // The resource goes at once; the cluster cleans up in the background.
      this.store.delete(id.toLowerCase())
      this.stale.delete(id.toLowerCase())
      void this.deps
        .backendFor(ext.cluster)
        ?.deleteExtension(ext.name)
        .catch(() => undefined)
      return { status: 200 }
    }
    this.refuseWhileBusy(id, 'delete')
    ext.provisioningState = 'Deleting'
    const op = this.run(ext, 'delete')
    return { status: 202, headers: this.asyncHeaders(op, 'PT1H') }
  }

  private operation(p: Params): SandboxResponse {
    const cluster = this.cluster(p)
    const op = this.deps.operations.get(extensionId(cluster, p.name!), p.op!)
    if (!op) throw this.missing(cluster, `${p.name}/operations/${p.op}`)
    return { status: 200, body: statusBody(op) }
  }

  /** Starts the async operation: provisioning faults first, then the cluster, then the resource. */
  private run(ext: StoredExtension, kind: ExtensionOperationKind): AsyncOperation {
    const { provisioning, operations } = this.deps
    return operations.start(ext.id, async () => {
      await provisioning.delay()
      const outcome = provisioning.take(ext.name, kind) ?? (await this.askCluster(ext, kind))
      this.settle(ext, kind, outcome)
      return outcome
    })
  }

  private askCluster(ext: StoredExtension, kind: ExtensionOperationKind): Promise<ClusterOutcome> {
    const { type, connectivityStatus } = ext.cluster
    if (type === 'connectedClusters' && connectivityStatus !== 'Connected') {
      // No agent answers. The real service keeps the operation open until they do (how long
      // is not documented); the sandbox ends it Failed at once, the stricter reading for a test.
      return Promise.resolve({
        ok: false,
        errorInfo: {
          code: 'ExtensionOperationFailed',
          message: `The cluster is ${connectivityStatus}: the Arc agents did not pick up the ${kind} of the extension.`
        }
      })
    }
    const backend = this.deps.backendFor(ext.cluster)
    if (!backend) return Promise.resolve({ ok: true })
    if (kind === 'delete') return backend.deleteExtension(ext.name)
    return backend.applyExtension(installed(ext, this.deps.defaultVersion), kind)
  }

  /** Brings the stored resource to the operation's end state (before the status says so). */
  private settle(
    ext: StoredExtension,
    kind: ExtensionOperationKind,
    outcome: ClusterOutcome
  ): void {
    if (this.staleReads > 0) {
      this.stale.set(ext.id.toLowerCase(), { wire: this.wire(ext), left: this.staleReads })
    }
    ext.modifiedAt = new Date().toISOString()
    if (outcome.ok && kind === 'delete') {
      this.store.delete(ext.id.toLowerCase())
      return
    }
    if (outcome.ok) {
      ext.provisioningState = 'Succeeded'
      ext.currentVersion = installed(ext, this.deps.defaultVersion).version
      ext.errorInfo = null
      ext.statuses = []
      return
    }
    ext.provisioningState = 'Failed'
    ext.errorInfo = outcome.errorInfo
    ext.statuses = outcome.statuses ?? []
  }

  private asyncHeaders(op: AsyncOperation, timeout = 'PT48H'): Record<string, string> {
    return {
      'azure-asyncoperation': this.deps.operations.url(op),
      'x-ms-async-operation-timeout': timeout
    }
  }

  private refuseWhileBusy(id: string, kind: ExtensionOperationKind): void {
    if (!this.deps.operations.busy(id)) return
    throw new ArmError(
      409,
      'Conflict',
      `${VERB[kind]} failed for this resource, as there is a conflicting operation in progress. ` +
        'Please try after sometime.'
    )
  }

  private missing(cluster: ClusterRecord, name: string): ArmError {
    const resource = extensionId(cluster, name).split('/providers/').slice(1).join('/providers/')
    return notFound(resource, cluster.resourceGroup)
  }

  /** The spec of the request's api-version; ARM's 400 when the service offers no such version. */
  private spec(req: SandboxRequest): ExtensionsSpec {
    const version = req.query.get('api-version') ?? ''
    const spec = specFor(version)
    if (spec) return spec
    throw new ArmError(
      400,
      'NoRegisteredProviderFound',
      `No registered resource provider found for location 'eastus' and API version '${version}' ` +
        `for type 'extensions'. The supported api-versions are '${specVersions().join(', ')}'.`
    )
  }

  /** The parsed, schema-checked JSON body; ARM's 400 otherwise. */
  private body(req: SandboxRequest, definition: SpecDefinition): Record<string, unknown> {
    let body: unknown
    try {
      body = JSON.parse(req.text)
    } catch (err) {
      throw badRequest(
        `The request content was invalid and could not be deserialized: '${(err as Error).message}'.`
      )
    }
    const problems =
      body !== null && typeof body === 'object' && !Array.isArray(body)
        ? this.spec(req).validate(definition, body)
        : ['/ must be a JSON object']
    if (problems.length > 0) {
      throw badRequest(
        `The request content was invalid and could not be deserialized: '${problems.join('; ')}'.`
      )
    }
    return body as Record<string, unknown>
  }
}

/** The service refuses a pinned version while minor-version auto-upgrade is on (api ≥ 2023-05-01). */
function checkPin(ext: StoredExtension): void {
  if (ext.version !== null && ext.autoUpgradeMinorVersion) {
    // Wording is the sandbox's own; only the status and the rule are known.
    throw new ArmError(
      400,
      'BadRequest',
      `Version '${ext.version}' can be specified only when autoUpgradeMinorVersion is false.`
    )
  }
}
