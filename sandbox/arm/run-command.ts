/**
 * AKS Run Command (`managedClusters/{name}/runCommand`, then `commandResults/{id}`), as the
 * REST reference and its examples show it: the POST always answers 202 with a `Location` to the
 * result; the result answers 202 while the command pod runs, then 200 with `provisioningState`,
 * `exitCode`, `startedAt`, `finishedAt` and `logs` (or `Failed` and a `reason` when the pod never
 * ran the command). RBAC: `…/managedClusters/runCommand/action` and `…/commandResults/read`,
 * checked by the server before any route (permissions.ts).
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { SandboxRequest, SandboxResponse } from '../http.js'
import { nowSeconds, verifyJwt } from '../jwt.js'
import type { SigningKey } from '../jwt.js'
import { AKS_SERVER_APP, clusterId } from './clusters.js'
import type { ClusterRecord, Clusters } from './clusters.js'
import { ArmError } from './errors.js'
import type { Params, Router } from './router.js'
import { CommandPod } from './run-command-exec.js'

export { AKS_SERVER_APP }

/** The first stable api-version with Run Command (2021-05-01); older ones have no such action. */
const FIRST_API_VERSION = '2021-05-01'

/** One accepted runCommand request, without its token: what tests count. */
export interface RunCommandRecord {
  id: string
  cluster: string
  command: string
  /** Whether the request carried a clusterToken (never the token itself). */
  clusterToken: boolean
  at: number
}

interface CommandRun {
  id: string
  cluster: ClusterRecord
  startedAt: string
  finishedAt?: string
  result?: { exitCode: number; logs: string } | { reason: string }
}

export interface RunCommandsOptions {
  clusters: Clusters
  /** Entra's signing key and tenant: a clusterToken must be one of its tokens. */
  tokenKey: SigningKey
  tenantId: string
  /** ARM's origin, for the `Location` header. */
  endpoint: () => string
}

const MC =
  '/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ContainerService/managedClusters/{cluster}'

function badRequest(code: string, message: string): ArmError {
  return new ArmError(400, code, message)
}

/** The request body: `command` required; `context` (files) the sandbox does not unpack. */
function parseBody(text: string): { command: string; clusterToken?: string } {
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    throw badRequest(
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized.'
    )
  }
  const b = (body ?? {}) as Record<string, unknown>
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      'InvalidRequestContent',
      'The request content must be a RunCommandRequest object.'
    )
  }
  if (typeof b.command !== 'string' || !b.command.trim()) {
    throw badRequest(
      'InvalidParameter',
      "The value of parameter 'command' is required and must be a non-empty string."
    )
  }
  for (const key of ['clusterToken', 'context'] as const) {
    if (b[key] !== undefined && b[key] !== null && typeof b[key] !== 'string') {
      throw badRequest('InvalidParameter', `The value of parameter '${key}' must be a string.`)
    }
  }
  if (b.context) {
    throw badRequest(
      'InvalidParameter',
      "The sandbox does not unpack a 'context' (attached files): send none."
    )
  }
  return {
    command: b.command,
    ...(b.clusterToken ? { clusterToken: b.clusterToken as string } : {})
  }
}

/** The runCommand and commandResults routes, the commands' runs and the pods that run them. */
export class RunCommands {
  /** Every accepted runCommand request, in order. */
  readonly requests: RunCommandRecord[] = []
  /** Retry-After (seconds) on each 202; undefined sends none (clients poll at their own pace). */
  retryAfterSeconds: number | undefined = 1
  /** How long the command pod takes to start before the command runs. */
  startupMs = 0
  private readonly pods = new Map<ClusterRecord, CommandPod>()
  private readonly runs = new Map<string, CommandRun>()
  private readonly failures: string[] = []
  private readonly starting = new Set<NodeJS.Timeout>()
  private dir: string | undefined

  constructor(private readonly opts: RunCommandsOptions) {}

  /** Backs `cluster` with a Kubernetes API server: its commands run against `kubeconfigYaml`. */
  attach(cluster: ClusterRecord, kubeconfigYaml: string): void {
    this.dir ??= mkdtempSync(join(tmpdir(), 'sandbox-run-command-'))
    this.pods.get(cluster)?.stop()
    this.pods.set(cluster, new CommandPod(kubeconfigYaml, join(this.dir, String(this.pods.size))))
  }

  /** The next command's pod never runs it: the result is Failed with `reason`. */
  failNext(reason = 'ImagePullBackoff'): void {
    this.failures.push(reason)
  }

  routes(router: Router): void {
    router.on('POST', `${MC}/runCommand`, (p, req) => this.submit(p, req))
    router.on('GET', `${MC}/commandResults/{id}`, (p, req) => this.result(p, req))
  }

  async close(): Promise<void> {
    for (const timer of this.starting) clearTimeout(timer)
    for (const pod of this.pods.values()) pod.stop()
    if (this.dir) rmSync(this.dir, { recursive: true, force: true })
  }

  private cluster(p: Params, req: SandboxRequest): ClusterRecord {
    const apiVersion = req.query.get('api-version') ?? ''
    if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion) || apiVersion < FIRST_API_VERSION) {
      throw badRequest(
        'NoRegisteredProviderFound',
        `No registered resource provider found for API version '${apiVersion}' and type 'managedClusters/runCommand'. The supported api-versions start at '${FIRST_API_VERSION}'.`
      )
    }
    return this.opts.clusters.require(
      p.sub!,
      p.rg!,
      'Microsoft.ContainerService',
      'managedClusters',
      p.cluster!
    )
  }

  /**
   * A clusterToken must be an unexpired Entra token of this tenant for the AKS server app. What
   * the service answers for a missing or bad one is not documented: the stricter reading refuses
   * the request before any pod runs.
   */
  private checkToken(cluster: ClusterRecord, token: string | undefined): void {
    if (!cluster.aad) return
    const why = !token ? 'is missing' : this.tokenProblem(token)
    if (!why) return
    throw badRequest(
      'InvalidClusterToken',
      `Managed cluster '${cluster.name}' uses Microsoft Entra ID: the request needs a clusterToken issued for the AKS server application ${AKS_SERVER_APP}, and it ${why}.`
    )
  }

  private tokenProblem(token: string): string | undefined {
    const claims = verifyJwt(token, this.opts.tokenKey)
    if (!claims) return 'is not a token Entra ID issued'
    if (claims.aud !== AKS_SERVER_APP) return `was issued for '${String(claims.aud)}'`
    if (String(claims.tid).toLowerCase() !== this.opts.tenantId.toLowerCase())
      return 'is from another tenant'
    if (!(Number(claims.exp) > nowSeconds())) return 'has expired'
    return undefined
  }

  private submit(p: Params, req: SandboxRequest): SandboxResponse {
    const cluster = this.cluster(p, req)
    const { command, clusterToken } = parseBody(req.text)
    this.checkToken(cluster, clusterToken)
    const id = randomBytes(16).toString('hex')
    const run: CommandRun = { id, cluster, startedAt: new Date().toISOString() }
    this.runs.set(id, run)
    this.requests.push({
      id,
      cluster: cluster.name,
      command,
      clusterToken: !!clusterToken,
      at: Date.now()
    })
    void this.execute(run, command, cluster.aad ? clusterToken : undefined)
    return { status: 202, headers: this.accepted(run, req) }
  }

  /** On an Entra cluster the command runs as the caller: its kubectl sends the clusterToken. */
  private async execute(run: CommandRun, command: string, token?: string): Promise<void> {
    if (this.startupMs > 0) await this.podStartup()
    const failure = this.failures.shift()
    const pod = this.pods.get(run.cluster)
    if (failure !== undefined) run.result = { reason: failure }
    else if (!pod)
      run.result = { reason: 'the sandbox backs this cluster with no Kubernetes API server' }
    else run.result = await pod.run(command, token)
    run.finishedAt = new Date().toISOString()
  }

  /** The pod's start-up time; a sandbox closing meanwhile leaves the command running forever. */
  private podStartup(): Promise<void> {
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        this.starting.delete(timer)
        resolve()
      }, this.startupMs)
      this.starting.add(timer)
    })
  }

  private result(p: Params, req: SandboxRequest): SandboxResponse {
    const cluster = this.cluster(p, req)
    const run = this.runs.get(p.id!.toLowerCase())
    if (!run || run.cluster !== cluster) {
      throw new ArmError(
        404,
        'NotFound',
        `Command result '${p.id}' was not found for managed cluster '${cluster.name}'.`
      )
    }
    if (!run.result) return { status: 202, headers: this.accepted(run, req) }
    const properties =
      'reason' in run.result
        ? {
            provisioningState: 'Failed',
            startedAt: run.startedAt,
            finishedAt: run.finishedAt,
            reason: run.result.reason
          }
        : {
            provisioningState: 'Succeeded',
            exitCode: run.result.exitCode,
            startedAt: run.startedAt,
            finishedAt: run.finishedAt,
            logs: run.result.logs
          }
    return { status: 200, body: { id: run.id, properties } }
  }

  /** `Location` of the result (and `Retry-After` when set), as both 202s carry them. */
  private accepted(run: CommandRun, req: SandboxRequest): Record<string, string> {
    const apiVersion = encodeURIComponent(req.query.get('api-version') ?? '')
    const headers: Record<string, string> = {
      location: `${this.opts.endpoint()}${clusterId(run.cluster)}/commandResults/${run.id}?api-version=${apiVersion}`
    }
    if (this.retryAfterSeconds !== undefined)
      headers['retry-after'] = String(this.retryAfterSeconds)
    return headers
  }
}
