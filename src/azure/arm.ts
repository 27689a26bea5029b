import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration'
import type { TokenCredential } from '@azure/identity'
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline'
import type { Pipeline, PipelinePolicy, PipelineRetryOptions } from '@azure/core-rest-pipeline'
import type { Cloud } from './cloud.js'

/** Tuning for tests and the sandbox; the defaults suit Azure. */
export interface ArmTuning {
  /** How often an operation's status is polled. */
  pollIntervalMs?: number
  /** First retry delay of 429/5xx; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number
  maxRetryDelayMs?: number
  /** Debug log: one line per HTTP attempt, with ARM's request id and the time it took. */
  debug?: (line: string) => void
}

/** One subscription's ARM: SDK clients (extensions, Relay) and plain calls, retried alike. */
export interface Arm {
  subscriptionId: string
  endpoint: string
  pollIntervalMs: number
  /** First pause before a write is tried again; doubles with each attempt. */
  retryDelayMs: number
  /** Reads, polls and writes that are safe to repeat: 429 and 5xx retried with backoff. */
  client: SourceControlConfigurationClient
  /** Writes whose failure must be looked at (read the live state) before anything is repeated. */
  writer: SourceControlConfigurationClient
  /** A call outside the extensions API (cluster, provider). */
  request<T>(method: string, path: string, apiVersion: string, body?: unknown): Promise<T>
  /** Another ARM SDK client (e.g. Relay), built as `client` is: same token, retries and log. */
  sdk<C extends { pipeline: Pipeline }>(Client: ArmSdkClient<C>): C
  /** The signed-in identity, for tokens of other audiences (the AKS server application's). */
  credential: TokenCredential
  /** For a modular SDK client (e.g. ContainerService v25): same endpoint, scope, retries and log. */
  clientOptions: ArmClientOptions
}

/** What a modular (`@azure-rest/core-client`) ARM SDK client takes. */
export interface ArmClientOptions {
  endpoint: string
  credentials: { scopes: string[] }
  retryOptions: PipelineRetryOptions
  additionalPolicies: { policy: PipelinePolicy; position: 'perRetry' }[]
}

/**
 * The constructor every generated ARM SDK client has. Typed by shape, not as core-client's
 * ServiceClient: a CommonJS SDK's declarations would not match that class's ESM ones.
 */
export type ArmSdkClient<C> = new (
  credential: TokenCredential,
  subscriptionId: string,
  options: { endpoint: string; credentialScopes: string[]; retryOptions: PipelineRetryOptions }
) => C

/** An ARM error answer: status and ARM's error code, message as ARM wrote it. */
export class ArmError extends Error {
  override name = 'ArmError'
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string
  ) {
    super(message)
  }
}

export function connectArm(
  credential: TokenCredential,
  subscriptionId: string,
  cloud: Cloud,
  tuning: ArmTuning = {}
): Arm {
  const common = { endpoint: cloud.armEndpoint, credentialScopes: [cloud.scope] }
  const retryOptions = {
    maxRetries: 4,
    retryDelayInMs: tuning.retryDelayMs ?? 1000,
    maxRetryDelayInMs: tuning.maxRetryDelayMs ?? 30_000
  }
  const client = new SourceControlConfigurationClient(credential, subscriptionId, {
    ...common,
    retryOptions
  })
  const writer = new SourceControlConfigurationClient(credential, subscriptionId, {
    ...common,
    retryOptions: { maxRetries: 0 }
  })
  if (tuning.debug) {
    // After the retry policy, so that every attempt gets its own line.
    for (const c of [client, writer])
      c.pipeline.addPolicy(requestLog(tuning.debug), { afterPhase: 'Retry' })
  }
  return {
    subscriptionId,
    endpoint: cloud.armEndpoint,
    credential,
    clientOptions: {
      endpoint: cloud.armEndpoint,
      credentials: { scopes: [cloud.scope] },
      retryOptions,
      additionalPolicies: tuning.debug
        ? [{ policy: requestLog(tuning.debug), position: 'perRetry' }]
        : []
    },
    pollIntervalMs: tuning.pollIntervalMs ?? 10_000,
    retryDelayMs: tuning.retryDelayMs ?? 1000,
    client,
    writer,
    sdk: Client => {
      const c = new Client(credential, subscriptionId, { ...common, retryOptions })
      if (tuning.debug) c.pipeline.addPolicy(requestLog(tuning.debug), { afterPhase: 'Retry' })
      return c
    },
    request: async <T>(
      method: string,
      path: string,
      apiVersion: string,
      body?: unknown
    ): Promise<T> => {
      const response = await client.sendRequest(
        createPipelineRequest({
          url: `${cloud.armEndpoint}${path}?api-version=${apiVersion}`,
          method: method as 'GET',
          headers: createHttpHeaders(
            body === undefined ? {} : { 'content-type': 'application/json' }
          ),
          body: body === undefined ? undefined : JSON.stringify(body)
        })
      )
      const parsed = parseArmBody(response.bodyAsText)
      // ARM answers every 404 with its error object: anything else is not ARM at all.
      if (parsed === NOT_JSON || (response.status === 404 && typeof parsed?.error !== 'object')) {
        throw new Error(
          `${cloud.armEndpoint} answered ${method} ${path} with ${response.status} and a body that is not Azure Resource Manager's: check arm-endpoint (or environment, which picks it).`
        )
      }
      if (response.status >= 400) {
        const err = parsed?.error ?? {}
        throw new ArmError(
          response.status,
          err.code ?? String(response.status),
          err.message ?? response.bodyAsText ?? ''
        )
      }
      return parsed as T
    }
  }
}

const NOT_JSON = Symbol('not JSON')

function parseArmBody(
  text: string | null | undefined
): typeof NOT_JSON | undefined | { error?: { code?: string; message?: string } } {
  if (!text) return undefined
  try {
    return JSON.parse(text) as { error?: { code?: string; message?: string } }
  } catch {
    return NOT_JSON
  }
}

/** Logs each request's method, path (no query: only the api-version is there), status, id and time. */
function requestLog(debug: (line: string) => void): PipelinePolicy {
  return {
    name: 'azuremlActionRequestLog',
    async sendRequest(request, next) {
      const started = Date.now()
      const what = `ARM ${request.method} ${new URL(request.url).pathname}`
      try {
        const res = await next(request)
        const id =
          res.headers.get('x-ms-request-id') ?? res.headers.get('x-ms-correlation-request-id')
        debug(`${what} → ${res.status} in ${Date.now() - started} ms (request id ${id ?? 'none'})`)
        return res
      } catch (err) {
        debug(`${what} → no answer after ${Date.now() - started} ms (${(err as Error).name})`)
        throw err
      }
    }
  }
}

/** Whether an error is ARM saying 404. */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404
}
