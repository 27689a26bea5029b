import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration'
import type { TokenCredential } from '@azure/identity'
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline'
import type { Cloud } from './cloud.js'

/** Tuning for tests and the sandbox; the defaults suit Azure. */
export interface ArmTuning {
  /** How often an operation's status is polled. */
  pollIntervalMs?: number
  /** First retry delay of 429/5xx; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number
  maxRetryDelayMs?: number
}

/** ARM for one subscription: typed extension calls, plain calls for the rest, retried alike. */
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
  /** A call outside the extensions API (cluster, provider, relay). */
  request<T>(method: string, path: string, apiVersion: string, body?: unknown): Promise<T>
}

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
  return {
    subscriptionId,
    endpoint: cloud.armEndpoint,
    pollIntervalMs: tuning.pollIntervalMs ?? 10_000,
    retryDelayMs: tuning.retryDelayMs ?? 1000,
    client,
    writer,
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
      const parsed = response.bodyAsText ? JSON.parse(response.bodyAsText) : undefined
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

/** Whether an error is ARM saying 404. */
export function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number })?.statusCode === 404
}
