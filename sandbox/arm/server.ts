import { randomUUID } from 'node:crypto'
import type { ClusterBackend } from '../contract.js'
import { Faults } from '../faults.js'
import { listen } from '../http.js'
import type { SandboxRequest, SandboxResponse } from '../http.js'
import type { SigningKey } from '../jwt.js'
import type { TlsMaterial } from '../tls.js'
import { ARM_AUDIENCES, authenticate } from './auth.js'
import type { TokenPolicy } from './auth.js'
import { Clusters } from './clusters.js'
import type { ClusterRecord } from './clusters.js'
import { ArmError, faultBody } from './errors.js'
import { Extensions } from './extensions.js'
import { Operations } from './operations.js'
import { Permissions } from './permissions.js'
import { Providers } from './providers.js'
import { ProvisioningFaults } from './provisioning.js'
import { Relay } from './relay.js'
import { record } from './request-log.js'
import type { ArmRequestRecord } from './request-log.js'
import { Router } from './router.js'
import { RunCommands } from './run-command.js'
import { Scopes } from './scope.js'

export interface ArmOptions {
  tls: TlsMaterial
  tenantId: string
  /** Shown as the creator in `systemData`. */
  clientId: string
  /** Entra's signing key: bearer tokens must carry its signature. */
  tokenKey: SigningKey
  /** `currentVersion` when a create pins none (default 1.1.71). */
  defaultVersion?: string
}

/** The ARM stand-in and its knobs. */
export interface ArmSandbox {
  /** `https://127.0.0.1:PORT` (no trailing slash). */
  endpoint: string
  /** Every request in arrival order, Authorization values redacted. */
  requests: ArmRequestRecord[]
  /** 429 / 5xx / dropped connections on the Nth matching request. */
  faults: Faults
  /** Slow or failed provisioning of the next extension operation(s). */
  provisioning: ProvisioningFaults
  clusters: Clusters
  providers: Providers
  /** The identity's roles per scope (`*` at `/` by default) and the permissions read. */
  permissions: Permissions
  relay: Relay
  /** AKS Run Command: commands run with kubectl against the cluster's API server (`attach`). */
  runCommands: RunCommands
  extensions: Extensions
  operations: Operations
  /** Back a cluster with a Kubernetes side; unbacked clusters' operations simply succeed. */
  setBackend(cluster: ClusterRecord, backend: ClusterBackend): void
  close(): Promise<void>
}

const ARM_HEADERS = (): Record<string, string> => {
  const id = randomUUID()
  return { 'x-ms-request-id': id, 'x-ms-correlation-request-id': id }
}

function dispatch(
  ctx: ArmContext,
  req: SandboxRequest
): Promise<SandboxResponse> | SandboxResponse {
  if (!req.query.get('api-version')) {
    throw new ArmError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.'
    )
  }
  const route = ctx.router.match(req)
  if (!route) {
    throw new ArmError(
      404,
      'InvalidResourceType',
      `The resource type for '${req.method} ${req.path}' could not be found.`
    )
  }
  // As ARM does before any provider sees the request: RBAC, then the provider's registration.
  ctx.arm.permissions.authorize(req)
  ctx.arm.providers.requireRegistered(req)
  return route.handler(route.params, req)
}

/** What the request handler needs beyond the request. */
interface ArmContext {
  arm: ArmSandbox
  router: Router
  policy: TokenPolicy
}

async function handle(ctx: ArmContext, req: SandboxRequest): Promise<SandboxResponse> {
  const { arm, policy } = ctx
  const entry = record(req)
  arm.requests.push(entry)
  let reply: SandboxResponse
  try {
    const denied = authenticate(req, policy)
    reply = arm.faults.check(req) ?? (denied ? denied.reply() : await dispatch(ctx, req))
  } catch (err) {
    if (!(err instanceof ArmError)) throw err
    reply = err.reply()
  }
  if ('status' in reply) {
    entry.status = reply.status
    reply.headers = { ...ARM_HEADERS(), ...reply.headers }
    entry.requestId = reply.headers['x-ms-request-id']
    entry.reply = reply.body
  }
  return reply
}

/** Starts the ARM stand-in over TLS with no clusters; seed them through `clusters.add`. */
export async function startArm(opts: ArmOptions): Promise<ArmSandbox> {
  const scopes = new Scopes()
  const backends = new Map<ClusterRecord, ClusterBackend>()
  let endpoint = ''
  const clusters = new Clusters(scopes, opts.tenantId)
  const operations = new Operations(() => endpoint)
  const provisioning = new ProvisioningFaults()
  const extensions = new Extensions({
    clusters,
    operations,
    provisioning,
    backendFor: cluster => backends.get(cluster),
    tenantId: opts.tenantId,
    clientId: opts.clientId,
    defaultVersion: opts.defaultVersion ?? '1.1.71'
  })
  const providers = new Providers(scopes)
  const permissions = new Permissions(scopes, opts.clientId)
  const relay = new Relay(scopes)
  const runCommands = new RunCommands({
    clusters,
    tokenKey: opts.tokenKey,
    tenantId: opts.tenantId,
    endpoint: () => endpoint
  })
  const router = new Router()
  // Relay and extension paths first: the cluster route's template would also match them.
  relay.routes(router)
  runCommands.routes(router)
  extensions.routes(router)
  providers.routes(router)
  permissions.routes(router)
  clusters.routes(router)

  const arm: ArmSandbox = {
    endpoint,
    requests: [],
    faults: new Faults(faultBody),
    provisioning,
    clusters,
    providers,
    permissions,
    relay,
    runCommands,
    extensions,
    operations,
    setBackend: (cluster, backend) => backends.set(cluster, backend),
    close: async () => undefined
  }
  const policy: TokenPolicy = { key: opts.tokenKey, audiences: [...ARM_AUDIENCES] }
  const server = await listen(req => handle({ arm, router, policy }, req), opts.tls)
  endpoint = server.origin
  arm.endpoint = endpoint
  // The SDK's default scope is `<endpoint>/.default`, so the sandbox's own origin is an audience too.
  policy.audiences.push(endpoint, `${endpoint}/`)
  arm.close = async () => {
    provisioning.release()
    operations.cancelAll()
    await runCommands.close()
    await server.close()
  }
  return arm
}
