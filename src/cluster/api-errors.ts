/**
 * Kubernetes API failures: which ones end the wait (no retry can fix them), and how each reads,
 * naming the permission, credential or network problem behind it.
 */
import { STATUS_CODES } from 'node:http'

export interface Operation {
  verb: 'get' | 'list' | 'watch'
  resource: string
  namespace?: string
}

/**
 * A request the API server refused (401, 403), or a server that did not answer: kept apart so
 * that the way the cluster was reached (a kubeconfig, ARM) can explain it in its own terms.
 */
export class ClusterRequestError extends Error {
  override name = 'ClusterRequestError'
  constructor(
    message: string,
    readonly kind: 'forbidden' | 'unauthorized' | 'unreachable',
    readonly operation: Operation,
    /** The server's or the network's own words: `ECONNREFUSED`, `timed out`. */
    readonly detail: string,
    options: ErrorOptions
  ) {
    super(message, options)
  }
}

const TLS_CODE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL/
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME'])
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'TimeoutError'
])

/** A watch's ERROR event as an Error carrying its HTTP status, like a typed-API failure. */
export function statusError(status: { code?: number; message?: string; reason?: string }): Error {
  const err = new Error(status.message ?? status.reason ?? 'watch error') as Error & {
    statusCode?: number
  }
  err.statusCode = status.code
  return err
}

/** The HTTP status of a typed-API error (`code`) or a watch error (`statusCode`). */
export function httpStatus(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | undefined
  const status = typeof e?.statusCode === 'number' ? e.statusCode : e?.code
  // DOMException (abort, timeout) has a small numeric `code` of its own.
  return typeof status === 'number' && status >= 100 && status < 600 ? status : undefined
}

/** The system or undici code behind a fetch failure (`fetch failed` wraps it in `cause`). */
function networkFailure(err: unknown): { code: string; message: string } | undefined {
  // Duck-typed: errors from undici may come from another realm (instanceof Error fails).
  for (let e = err, depth = 0; e && depth < 5; depth++) {
    const x = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown }
    const message = typeof x.message === 'string' ? x.message : ''
    if (typeof x.code === 'string') return { code: x.code, message }
    if (x.name === 'TimeoutError') return { code: 'TimeoutError', message }
    e = x.cause ?? (e as { errors?: unknown[] }).errors?.[0]
  }
  return undefined
}

/** One line about a failure: `503 Service Unavailable`, `ECONNRESET: read ECONNRESET`. */
export function errorText(err: unknown): string {
  const status = httpStatus(err)
  if (status !== undefined) return `${status} ${STATUS_CODES[status] ?? ''}`.trim()
  const net = networkFailure(err)
  if (net) return `${net.code}: ${net.message}`
  const message = (err as { message?: unknown } | undefined)?.message
  return typeof message === 'string' ? (message.split('\n')[0] ?? '') : String(err)
}

/**
 * The error that ends the wait, or undefined when a retry may help: 403, 401 and certificate
 * problems never heal by waiting; other failures do until `exhausted`.
 */
export function fatalError(
  err: unknown,
  op: Operation,
  server: string,
  { exhausted }: { exhausted: boolean }
): Error | undefined {
  const code = httpStatus(err)
  const where = op.namespace ? `in namespace ${op.namespace}` : 'at cluster scope'
  const what = `cannot ${op.verb} ${op.resource} ${where}`
  if (code === 403) {
    const scope = op.namespace ? `in ${op.namespace}` : 'cluster-wide (a ClusterRole)'
    const need = `the kubeconfig's user needs get, list, watch on ${op.resource} ${scope}`
    return new ClusterRequestError(`${what}: 403 Forbidden — ${need}`, 'forbidden', op, '403', {
      cause: err
    })
  }
  if (code === 401) {
    const why = "the API server does not accept the kubeconfig's credentials (expired token?)"
    return new ClusterRequestError(
      `${what}: 401 Unauthorized — ${why}`,
      'unauthorized',
      op,
      '401',
      { cause: err }
    )
  }
  if (code === 404) return new Error(`${what}: 404 Not Found`, { cause: err })
  const net = networkFailure(err)
  if (net && TLS_CODE.test(net.code)) return unreachable(server, err, net, op)
  if (!exhausted) return undefined
  if (net) return unreachable(server, err, net, op)
  return new Error(`${what}: ${errorText(err)}`, { cause: err })
}

function unreachable(
  server: string,
  err: unknown,
  net: { code: string; message: string },
  op: Operation
): Error {
  const { code, message } = net
  const why = DNS_CODES.has(code)
    ? `its host name does not resolve (DNS, ${code})`
    : TLS_CODE.test(code)
      ? `its TLS certificate is not trusted (${code}: ${message}); check the kubeconfig's certificate-authority-data`
      : code === 'ECONNREFUSED'
        ? 'the connection was refused (ECONNREFUSED)'
        : TIMEOUT_CODES.has(code)
          ? `the connection timed out (${code})`
          : `the connection failed (${code})`
  return new ClusterRequestError(
    `cannot reach the Kubernetes API server ${server}: ${why}. ` +
      'A private cluster cannot be reached from this runner: set wait-for-pods: false to skip the cluster checks.',
    'unreachable',
    op,
    why,
    { cause: err }
  )
}
