import { randomSuffix } from './names.js'
import { nowSeconds, verifyJwt } from '../jwt.js'
import type { SigningKey } from '../jwt.js'
import { createServer, type Server } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TlsMaterial } from '../tls.js'
import { apiGroup, apiGroupList, apiResourceList, apiVersions, VERSION_INFO } from './discovery.js'
import { streamJsonWithArray } from './json-stream.js'
import { parseApiPath } from './paths.js'
import type { ResourceType } from './resources.js'
import {
  checkFieldPaths,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError
} from './selectors.js'
import {
  badRequest,
  expired,
  forbidden,
  notFound,
  status,
  unauthorized,
  unknownPath,
  type StatusObject
} from './status.js'
import { ObjectStore, StoreConflict } from './store.js'
import { tableHead, tableRow, wantsTable, type TableOptions } from './table.js'
import type { KubeObject } from './types.js'
import { renderFor, storedFieldPath } from './views.js'
import { WatchHub } from './watch.js'

export interface ApiServerOptions {
  tls: TlsMaterial
  store: ObjectStore
  token: string
  bookmarkIntervalMs: number
  /** Default server-side watch timeout when the client sends no timeoutSeconds. */
  watchTimeoutMs: number
  /** Container logs for `pods/{name}/log`. */
  podLog: (namespace: string, pod: string, container?: string) => string | undefined
  /** Requests RBAC refuses with 403, as `<verb> <plural>[.<group>]`: `watch pods`, `list nodes`. */
  forbidden?: string[]
  /** An OpenShift cluster: also serves security.openshift.io. */
  openshift?: boolean
  /** Who else may call, read on every request (an AKS cluster's settings are live). */
  auth?: () => KubeAuth | undefined
}

/**
 * An AKS cluster's API server beyond the static token: Entra ID tokens, Azure RBAC, local
 * accounts and authorized IP ranges, as the cluster's ARM resource says at the moment.
 */
export interface KubeAuth {
  /** Whether the static token (the local account) is accepted. */
  localAccounts(): boolean
  /** Entra-integrated: tokens signed by `key` for `audience` are accepted. */
  entra(): { key: SigningKey; audience: string } | undefined
  /** Azure RBAC: whether the Entra identity `oid` holds `dataAction` on the cluster. */
  azureRbac(): ((oid: string, dataAction: string) => boolean) | undefined
  /** Whether a client at `address` gets any answer at all (authorized IP ranges). */
  admits(address: string): boolean
}

/** Who a request comes from: the local account, or an Entra identity (its object id). */
type Caller = { kind: 'local' } | { kind: 'entra'; oid: string }

type ResourceTarget = Extract<ReturnType<typeof parseApiPath>, { type: 'resource' }>

class HttpError extends Error {
  constructor(readonly body: StatusObject) {
    super(body.message)
  }
}

const CRDS = 'apiextensions.k8s.io/customresourcedefinitions'

/** The Kubernetes API server stand-in: routing, list/get/write handlers, watch delegation. */
export class ApiServer {
  readonly watches: WatchHub
  private readonly server: Server
  private readonly store: ObjectStore

  constructor(private readonly opts: ApiServerOptions) {
    this.store = opts.store
    this.watches = new WatchHub(opts.store, opts.bookmarkIntervalMs)
    this.server = createServer({ cert: opts.tls.cert, key: opts.tls.key }, (req, res) => {
      this.handle(req, res).catch(err => this.fail(res, err))
    })
  }

  /** Listens on `port` (a free one by default; the same one again when coming back). */
  async listen(port = 0): Promise<string> {
    await new Promise<void>(resolve => this.server.listen(port, '127.0.0.1', resolve))
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }

  async close(): Promise<void> {
    this.watches.endAll()
    const closed = new Promise<void>(resolve => this.server.close(() => resolve()))
    this.server.closeAllConnections()
    await closed
  }

  /** A resource is served unless it is CRD-backed and its CRD is absent, or OpenShift's elsewhere. */
  readonly served = (r: ResourceType): boolean =>
    (!r.crd || !!this.store.get(CRDS, '', r.crd)) && (!r.openshift || !!this.opts.openshift)

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = this.opts.auth?.()
    // Outside the authorized ranges nothing answers: the client waits, as for a dropped packet.
    if (auth && !auth.admits(req.socket.remoteAddress ?? '')) return
    const caller = this.caller(req, auth)
    if (!caller) return send(res, 401, unauthorized())
    const url = new URL(req.url ?? '/', 'https://127.0.0.1')
    const target = parseApiPath(url.pathname)
    const host = req.headers.host ?? ''
    switch (target.type) {
      case 'apiVersions':
        return send(res, 200, apiVersions(host))
      case 'groupList':
        return send(res, 200, apiGroupList(this.served))
      case 'group':
        return sendOr404(res, apiGroup(target.group, this.served))
      case 'resourceList':
        return sendOr404(res, apiResourceList(target.groupVersion, this.served))
      case 'version':
        return send(res, 200, VERSION_INFO)
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok')
        return
      case 'unknown':
        return send(res, 404, unknownPath())
    }
    if (!this.served(target.resource)) return send(res, 404, unknownPath())
    return this.handleResource(req, res, target, url.searchParams, caller)
  }

  /** The static token (unless local accounts are off), or a valid Entra token for the server app. */
  private caller(req: IncomingMessage, auth: KubeAuth | undefined): Caller | undefined {
    const [scheme, token = ''] = (req.headers.authorization ?? '').split(' ')
    if (scheme !== 'Bearer' || !token) return undefined
    if (token === this.opts.token)
      return !auth || auth.localAccounts() ? { kind: 'local' } : undefined
    const entra = auth?.entra()
    const claims = entra ? verifyJwt(token, entra.key) : undefined
    if (!claims || claims.aud !== entra!.audience || !(Number(claims.exp) > nowSeconds())) {
      return undefined
    }
    return { kind: 'entra', oid: String(claims.oid) }
  }

  private async handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceTarget,
    q: URLSearchParams,
    caller: Caller
  ): Promise<void> {
    const method = req.method ?? 'GET'
    this.authorize(verbOf(method, t, q), t, caller)
    if (t.subresource === 'log' && t.resource.plural === 'pods' && method === 'GET') {
      return this.podLog(res, t, q)
    }
    if (t.subresource && t.subresource !== 'status') return send(res, 404, unknownPath())
    if (method === 'GET' && !t.name) {
      return isTrue(q.get('watch')) ? this.watch(req, res, t, q) : this.list(req, res, t, q)
    }
    if (method === 'GET') return send(res, 200, this.render(req, t.resource, this.mustGet(t)))
    if (method === 'POST' && !t.name) return this.create(req, res, t)
    if ((method === 'PUT' || method === 'PATCH') && t.name) return this.write(req, res, t, method)
    if (method === 'DELETE' && t.name) return this.remove(req, res, t)
    return send(
      res,
      405,
      status(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`
      )
    )
  }

  private authorize(verb: string, t: ResourceTarget, caller: Caller): void {
    const r = t.resource
    const what = r.group ? `${r.plural}.${r.group}` : r.plural
    if (this.opts.forbidden?.includes(`${verb} ${what}`))
      throw new HttpError(forbidden(verb, r.plural, r.group, t.namespace))
    if (caller.kind !== 'entra') return
    const rbac = this.opts.auth?.()?.azureRbac()
    if (!rbac || rbac(caller.oid, dataAction(verb, r.plural, r.group, t.subresource))) return
    const refused = forbidden(verb, r.plural, r.group, t.namespace)
    throw new HttpError({
      ...refused,
      message:
        refused.message.replace('"sandbox-user"', `"${caller.oid}"`) +
        ': User does not have access to the resource in Azure. Update role assignment to allow access.'
    })
  }

  private mustGet(t: ResourceTarget): KubeObject {
    const obj = this.store.get(t.resource.storage, t.namespace ?? '', t.name!)
    if (!obj) throw new HttpError(notFound(t.resource.plural, t.resource.group, t.name!))
    return obj
  }

  private render(req: IncomingMessage, r: ResourceType, obj: KubeObject): unknown {
    if (!wantsTable(req.headers.accept)) return renderFor(r)(obj)
    const opts: TableOptions = {
      includeObject: 'Metadata',
      resourceVersion: obj.metadata.resourceVersion ?? ''
    }
    return { ...tableHead(r, opts), rows: [tableRow(r, obj, opts, Date.now())] }
  }

  private filter(r: ResourceType, q: URLSearchParams): (o: KubeObject) => boolean {
    const labels = parseLabelSelector(q.get('labelSelector'))
    const fields = parseFieldSelector(q.get('fieldSelector')).map(f => ({
      ...f,
      path: storedFieldPath(r, f.path)
    }))
    const allowed = ['metadata.name', 'metadata.namespace', ...(r.fields ?? [])]
    checkFieldPaths(fields, allowed)
    if (labels.length === 0 && fields.length === 0) return () => true
    return o => matchesLabels(labels, o.metadata.labels) && matchesFields(fields, o)
  }

  private async list(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceTarget,
    q: URLSearchParams
  ): Promise<void> {
    const r = t.resource
    const token = q.get('continue') ? decodeContinue(q.get('continue')!) : undefined
    if (token && token.rv < this.store.oldestResumable(r.storage)) {
      return send(
        res,
        410,
        expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
        )
      )
    }
    const page = this.store.list(r.storage, {
      namespace: t.namespace,
      filter: this.filter(r, q),
      limit: Number(q.get('limit') ?? 0),
      afterKey: token?.start
    })
    // Every page of a paged list reports the first page's resourceVersion, as etcd snapshots do.
    const rv = token?.rv ?? page.resourceVersion
    const continueToken = page.nextKey ? encodeContinue(rv, page.nextKey) : undefined
    res.writeHead(200, { 'Content-Type': 'application/json' })
    if (wantsTable(req.headers.accept)) {
      const opts: TableOptions = {
        includeObject: (q.get('includeObject') as TableOptions['includeObject']) ?? 'Metadata',
        resourceVersion: String(rv),
        continueToken
      }
      const now = Date.now()
      await streamJsonWithArray(res, tableHead(r, opts), 'rows', page.items, o =>
        JSON.stringify(tableRow(r, o, opts, now))
      )
      return void res.end()
    }
    const head = {
      kind: `${r.kind}List`,
      apiVersion: renderFor(r)({ metadata: { name: '' } }).apiVersion,
      metadata: {
        resourceVersion: String(rv),
        ...(continueToken ? { continue: continueToken } : {})
      }
    }
    const render = renderFor(r)
    await streamJsonWithArray(res, head, 'items', page.items, o => JSON.stringify(render(o)))
    res.end()
  }

  private watch(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceTarget,
    q: URLSearchParams
  ): Promise<void> {
    const r = t.resource
    const table = wantsTable(req.headers.accept)
    const timeout = q.get('timeoutSeconds')
    return this.watches.serve(
      {
        storage: r.storage,
        namespace: t.namespace,
        filter: this.filter(r, q),
        resourceVersion: q.get('resourceVersion') ?? '',
        allowBookmarks: isTrue(q.get('allowWatchBookmarks')),
        sendInitialEvents: isTrue(q.get('sendInitialEvents')),
        timeoutMs: timeout ? Number(timeout) * 1000 : this.opts.watchTimeoutMs,
        render: o => this.render(req, r, o),
        bookmarkType: table
          ? { kind: 'Table', apiVersion: 'meta.k8s.io/v1' }
          : { kind: r.kind, apiVersion: renderFor(r)({ metadata: { name: '' } }).apiVersion! }
      },
      res
    )
  }

  private async create(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceTarget
  ): Promise<void> {
    const body = (await readJson(req)) as KubeObject
    const meta = { ...body.metadata }
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix()
    if (t.namespace) meta.namespace = t.namespace
    const rest = withoutTypeMeta(body)
    const stored = this.store.create(t.resource.storage, { ...rest, metadata: meta })
    send(res, 201, renderFor(t.resource)(stored))
  }

  private async write(
    req: IncomingMessage,
    res: ServerResponse,
    t: ResourceTarget,
    method: string
  ): Promise<void> {
    const body = (await readJson(req)) as KubeObject
    const current = this.mustGet(t)
    const next = method === 'PUT' ? body : (mergePatch(current, body) as KubeObject)
    const rest = withoutTypeMeta(next)
    const stored = this.store.put(t.resource.storage, {
      ...rest,
      metadata: { ...next.metadata, name: t.name!, namespace: t.namespace }
    })
    send(res, 200, renderFor(t.resource)(stored))
  }

  private async remove(
    _req: IncomingMessage,
    res: ServerResponse,
    t: ResourceTarget
  ): Promise<void> {
    this.mustGet(t)
    const r = t.resource
    if (r.plural === 'namespaces') this.store.removeNamespace(t.name!)
    const gone = this.store.remove(r.storage, t.namespace ?? '', t.name!)!
    send(res, 200, renderFor(r)(gone))
  }

  private podLog(res: ServerResponse, t: ResourceTarget, q: URLSearchParams): void {
    this.mustGet(t)
    const text = this.opts.podLog(t.namespace ?? '', t.name!, q.get('container') ?? undefined) ?? ''
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end(text)
  }

  private fail(res: ServerResponse, err: unknown): void {
    if (res.headersSent) return void res.destroy()
    if (err instanceof HttpError) return send(res, err.body.code, err.body)
    if (err instanceof SelectorError) return send(res, 400, badRequest(err.message))
    if (err instanceof StoreConflict) {
      const code = err.reason === 'AlreadyExists' ? 409 : 404
      return send(res, code, status(code, err.reason, err.message))
    }
    send(res, 500, status(500, 'InternalError', String(err)))
  }
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' }).end(JSON.stringify(body))
}

function sendOr404(res: ServerResponse, body: unknown): void {
  if (body) send(res, 200, body)
  else send(res, 404, unknownPath())
}

const isTrue = (v: string | null) => v === 'true' || v === '1'

/** The RBAC verb of a request, as the API server's request-info derives it. */
function verbOf(method: string, t: ResourceTarget, q: URLSearchParams): string {
  if (method === 'GET' && !t.name) return isTrue(q.get('watch')) ? 'watch' : 'list'
  const verbs: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch' }
  if (method === 'DELETE') return t.name ? 'delete' : 'deletecollection'
  return verbs[method] ?? 'get'
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new HttpError(badRequest('the request body is not valid JSON'))
  }
}

/** RFC 7386 JSON merge patch (strategic merge patches are applied the same way here). */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as object) } : {}
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k]
    else out[k] = mergePatch(out[k], v)
  }
  return out
}

/** Continue tokens look like the API server's: base64 of {"v","rv","start"}. */
function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url')
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return parsed
  } catch {
    // fall through
  }
  throw new HttpError(
    badRequest(
      'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'
    )
  )
}

/** Stored objects carry no kind/apiVersion: the served version adds them (see views.ts). */
function withoutTypeMeta(obj: KubeObject): KubeObject {
  const copy = { ...obj }
  delete copy.apiVersion
  delete copy.kind
  return copy
}

const DATA_VERBS: Record<string, string> = {
  get: 'read',
  list: 'read',
  watch: 'read',
  create: 'write',
  update: 'write',
  patch: 'write',
  delete: 'delete',
  deletecollection: 'delete'
}

/** The Azure RBAC data action of a request: `Microsoft.ContainerService/managedClusters/apps/deployments/read`. */
function dataAction(verb: string, plural: string, group: string, subresource?: string): string {
  const path = [group, plural, subresource].filter(Boolean).join('/')
  return `Microsoft.ContainerService/managedClusters/${path}/${DATA_VERBS[verb] ?? verb}`
}
