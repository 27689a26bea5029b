import { randomUUID } from 'node:crypto'

/** The AADSTS errors the sandbox can answer, by number. */
export type EntraErrorCode =
  | 50027 // assertion is not a JWT
  | 90002 // tenant not found
  | 700016 // unknown application
  | 700024 // assertion expired or not yet valid
  | 700211 // no federated credential for the issuer
  | 700212 // no federated credential for the audience
  | 700213 // no federated credential for the subject
  | 7002138 // subject matches only case-insensitively
  | 1002012 // client credential scope without /.default
  | 90033 // transient service error

/** What a message may mention: the request and the presented assertion. */
export interface EntraErrorContext {
  tenant: string
  clientId?: string
  issuer?: string
  subject?: string
  audience?: string
  scope?: string
  notBefore?: number
  expires?: number
}

/** Entra's token-endpoint error body. */
export interface EntraErrorBody {
  error: string
  error_description: string
  error_codes: number[]
  timestamp: string
  trace_id: string
  correlation_id: string
  error_uri: string
}

interface CatalogEntry {
  status: number
  error: string
  text(ctx: EntraErrorContext): string
}

const FIC_DOC = 'https://learn.microsoft.com/entra/workload-id/workload-identity-federation'
const CHECK_FIC = 'Check your federated identity credential Subject, Audience and Issuer'
const PLEASE_CHECK = `Please check your federated identity credential Subject, Audience and Issuer`

/** Entra prints times with seven fractional digits. */
const ticks = (seconds: number | undefined): string =>
  new Date((seconds ?? 0) * 1000).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z')

// Texts as Entra words them (seen in GitHub/Azure issue threads, 2022–2025).
const CATALOG: Record<EntraErrorCode, CatalogEntry> = {
  50027: {
    status: 400,
    error: 'invalid_request',
    text: () => 'JWT token is invalid or malformed.'
  },
  90002: {
    status: 400,
    error: 'invalid_request',
    text: c =>
      `Tenant '${c.tenant}' not found. Check to make sure you have the correct tenant ID and are ` +
      'signing into the correct cloud. Check with your subscription administrator, this may ' +
      'happen if there are no active subscriptions for the tenant.'
  },
  700016: {
    status: 400,
    error: 'unauthorized_client',
    text: c =>
      `Application with identifier '${c.clientId}' was not found in the directory '${c.tenant}'. ` +
      'This can happen if the application has not been installed by the administrator of the ' +
      'tenant or consented to by any user in the tenant. You may have sent your authentication ' +
      'request to the wrong tenant.'
  },
  700024: {
    status: 401,
    error: 'invalid_client',
    text: c =>
      `Client assertion is not within its valid time range. Current time: ${ticks(Date.now() / 1000)}, ` +
      `assertion valid from ${ticks(c.notBefore)}, expiry time of assertion ${ticks(c.expires)}. ` +
      'Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .'
  },
  700211: {
    status: 401,
    error: 'invalid_client',
    text: c =>
      `No matching federated identity record found for presented assertion issuer '${c.issuer}'. ` +
      `${PLEASE_CHECK} against the presented assertion. ${FIC_DOC}`
  },
  700212: {
    status: 401,
    error: 'invalid_client',
    text: c =>
      `No matching federated identity record found for presented assertion audience '${c.audience}'. ` +
      `${PLEASE_CHECK} against the presented assertion. ${FIC_DOC}`
  },
  700213: {
    status: 401,
    error: 'invalid_client',
    text: c =>
      `No matching federated identity record found for presented assertion subject '${c.subject}'. ` +
      `${CHECK_FIC} against the presented assertion. ${FIC_DOC}`
  },
  7002138: {
    status: 401,
    error: 'invalid_client',
    text: c =>
      `No matching federated identity record found for presented assertion subject '${c.subject}'. ` +
      'The subject matches with case-insensitive comparison, but not with case-sensitive ' +
      `comparison. ${CHECK_FIC} against the presented assertion. See documentation at: ${FIC_DOC}.`
  },
  90033: {
    status: 503,
    error: 'temporarily_unavailable',
    text: () => 'A transient error has occurred. Please try again.'
  },
  1002012: {
    status: 400,
    error: 'invalid_scope',
    text: c =>
      `The provided value for scope ${c.scope ?? ''} is not valid. Client credential flows must ` +
      'have a scope value with /.default suffixed to the resource identifier (application ID URI).'
  }
}

/** Entra's timestamp format: `2025-02-26 14:54:34Z`. */
const entraTimestamp = (): string => new Date().toISOString().replace('T', ' ').slice(0, 19) + 'Z'

/** Status and body Entra answers for `code`. */
export function entraError(
  code: EntraErrorCode,
  ctx: EntraErrorContext
): { status: number; body: EntraErrorBody } {
  const entry = CATALOG[code]
  const traceId = randomUUID()
  const correlationId = randomUUID()
  const timestamp = entraTimestamp()
  const description =
    `AADSTS${code}: ${entry.text(ctx)} Trace ID: ${traceId} ` +
    `Correlation ID: ${correlationId} Timestamp: ${timestamp}`
  return {
    status: entry.status,
    body: {
      error: entry.error,
      error_description: description,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`
    }
  }
}

/** Body for an injected 5xx/429: Entra answers outages and throttling as a transient error. */
export const entraUnavailable = (): EntraErrorBody => entraError(90033, { tenant: '' }).body
