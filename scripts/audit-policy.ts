/**
 * Whether `npm audit --json` output blocks a change (pure, no I/O): a high or critical advisory
 * in a package the bundle ships fails; one only in devDependencies does not, since nothing from
 * the dev tree reaches dist/. What ships is read from package-lock.json: every installed package
 * that is not `"dev": true` (optional and devOptional ones count, the stricter reading).
 *
 * npm audit answers with an error document when the advisory service cannot be asked (HTTP
 * status from the registry, DNS or connection failure). That is no verdict: `unreachable`, so
 * the caller can say so instead of passing. Any other error (no lockfile, unreadable output)
 * is `error`: a broken check must not look like a clean one.
 */

export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical'

/** An advisory as npm audit reports it inside a vulnerability's `via`. */
export interface Advisory {
  title?: string
  url?: string
  severity: Severity
  range?: string
}

/** One entry of `vulnerabilities` in npm audit's JSON (auditReportVersion 2). */
export interface Vulnerability {
  name: string
  severity: Severity
  /** Advisories of this package, or names of vulnerable packages it depends on. */
  via: (Advisory | string)[]
  /** Where it is installed: package-lock.json keys such as `node_modules/a/node_modules/b`. */
  nodes: string[]
}

/** package-lock.json's `packages`, by install path. */
export type LockPackages = Record<string, { dev?: boolean }>

export type AuditVerdict =
  | { kind: 'pass'; findings: []; devOnly: number }
  | { kind: 'fail'; findings: string[] }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'error'; reason: string }

const BLOCKING: Severity[] = ['high', 'critical']

/** Error codes of a request that never reached or was refused by the advisory service. */
const SERVICE_CODES =
  /^(E\d{3}|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ECONNABORTED|EPROTO|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)$/

interface AuditError {
  message?: string
  statusCode?: number
  error?: { code?: string; summary?: string; detail?: string }
}

function serviceFailure(doc: AuditError): string | undefined {
  const code = doc.error?.code
  const isService = typeof doc.statusCode === 'number' || (code && SERVICE_CODES.test(code))
  if (!isService) return undefined
  return doc.message || doc.error?.summary || code || `HTTP ${doc.statusCode}`
}

/** The verdict on npm audit's JSON output, given the lockfile's packages. */
export function auditVerdict(output: string, lock: LockPackages): AuditVerdict {
  let doc: AuditError & { vulnerabilities?: Record<string, Vulnerability> }
  try {
    doc = JSON.parse(output) as typeof doc
  } catch {
    return { kind: 'error', reason: `npm audit printed no JSON: ${output.slice(0, 200)}` }
  }
  if (doc.vulnerabilities === undefined) {
    const service = serviceFailure(doc)
    if (service !== undefined) return { kind: 'unreachable', reason: service }
    const why = doc.error?.summary || doc.error?.code || doc.message || 'no vulnerabilities field'
    return { kind: 'error', reason: `npm audit failed: ${why}` }
  }
  const shipped = (node: string) => lock[node]?.dev !== true
  const findings = new Set<string>()
  let devOnly = 0
  for (const v of Object.values(doc.vulnerabilities)) {
    const own = v.via.filter((a): a is Advisory => typeof a !== 'string')
    const blocking = own.filter(a => BLOCKING.includes(a.severity))
    if (blocking.length === 0) continue
    const where = v.nodes.filter(shipped)
    if (where.length === 0) devOnly += blocking.length
    for (const a of where.length === 0 ? [] : blocking) {
      const title = a.title ?? 'advisory'
      const range = a.range === undefined ? '' : ` ${a.range}`
      const url = a.url === undefined ? '' : ` (${a.url})`
      findings.add(`${v.name}${range} in ${where.join(', ')}: ${a.severity}: ${title}${url}`)
    }
  }
  return findings.size === 0
    ? { kind: 'pass', findings: [], devOnly }
    : { kind: 'fail', findings: [...findings] }
}
