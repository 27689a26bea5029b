/** Claims of a GitHub OIDC token that a federated credential is matched on. Never the token. */
export interface OidcClaims {
  iss?: string
  sub?: string
  aud?: string
}

/** The claims of a JWT, decoded without checking its signature (it is our own token). */
export function decodeClaims(jwt: string): OidcClaims {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8'))
    const aud = Array.isArray(payload.aud) ? payload.aud.join(', ') : payload.aud
    return { iss: payload.iss, sub: payload.sub, aud }
  } catch {
    return {}
  }
}

/** The AADSTS code in an Entra error message, e.g. `700213`. */
export function aadstsCode(message: string): string | undefined {
  return /AADSTS(\d+)/.exec(message)?.[1]
}

/**
 * Whether Entra ID failed to answer rather than refused: AADSTS90033 (a transient error), OAuth's
 * `temporarily_unavailable`, or MSAL's network and endpoint-discovery errors (no usable answer).
 */
export function entraUnavailable(code: string | undefined, message: string): boolean {
  if (code === '90033') return true
  if (code !== undefined) return false
  return /\b(temporarily_unavailable|network_error|endpoints_resolution_error|ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up)\b/i.test(
    message
  )
}

/** The audience azure/login asks for everywhere, and this action's per-cloud defaults. */
const COMMON_AUDIENCE = 'api://AzureADTokenExchange'
const SOVEREIGN_DEFAULTS = new Set([
  'api://AzureADTokenExchangeUSGov',
  'api://AzureADTokenExchangeChina'
])

const credentialLine = (c: OidcClaims) =>
  `issuer '${c.iss ?? '?'}', subject '${c.sub ?? '?'}', audience '${c.aud ?? '?'}'`

/** Words a user can act on for the sign-in refusals seen in practice. */
export function signInHint(
  code: string | undefined,
  claims: OidcClaims,
  clientId: string,
  tenantId: string
): string {
  const token = `The GitHub token presented: iss=${claims.iss ?? '?'}, sub=${claims.sub ?? '?'}, aud=${claims.aud ?? '?'}.`
  switch (code) {
    case '700213':
    case '70021':
    case '70025':
      return `${token} No federated credential of app ${clientId} matches it. Add one with ${credentialLine(claims)} (Entra ID > App registrations > Certificates & secrets > Federated credentials), or run from the branch or environment an existing credential names.`
    case '700212':
      return `${token} The federated credential's audience differs. Set its audience to '${claims.aud ?? '?'}', or set the action's 'audience' input to the audience it lists.${SOVEREIGN_DEFAULTS.has(claims.aud ?? '') ? ` azure/login uses '${COMMON_AUDIENCE}' in every cloud: a credential made for it needs audience: ${COMMON_AUDIENCE}.` : ''}`
    case '700211':
      return `${token} The federated credential's issuer differs. Set its issuer to '${claims.iss ?? '?'}'.`
    case '700016':
      return `App ${clientId} is not in tenant ${tenantId}. Check 'client-id' and 'tenant-id' (and 'environment' for sovereign clouds).`
    case '90002':
      return `Tenant ${tenantId} was not found. Check 'tenant-id' and 'environment'.`
    case '700024':
      return `${token} Entra ID says the token is expired or not yet valid: re-run the job; if it repeats, the runner's clock is off.`
    default:
      return `${token} If this is a federated-credential mismatch, add one with ${credentialLine(claims)}.`
  }
}
