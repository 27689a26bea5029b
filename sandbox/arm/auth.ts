import type { SandboxRequest } from '../http.js'
import { nowSeconds, verifyJwt } from '../jwt.js'
import type { SigningKey } from '../jwt.js'
import { ArmError } from './errors.js'

/** The audiences real ARM accepts; the sandbox adds its own origin (the SDK's default scope). */
export const ARM_AUDIENCES = [
  'https://management.core.windows.net/',
  'https://management.core.windows.net',
  'https://management.azure.com/',
  'https://management.azure.com'
]

export interface TokenPolicy {
  /** Entra's signing key; tokens not signed by it are invalid. */
  key?: SigningKey
  audiences: string[]
}

function unauthorized(code: string, message: string, description: string): ArmError {
  const challenge =
    'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", ' +
    `error_description="${description}"`
  return new ArmError(401, code, message, { 'www-authenticate': challenge })
}

const utc = (seconds: number): string => new Date(seconds * 1000).toISOString()

/** ARM's verdict on the bearer token: undefined when it may pass. */
export function authenticate(req: SandboxRequest, policy: TokenPolicy): ArmError | undefined {
  const header = req.headers.authorization
  if (!header) {
    return unauthorized(
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      "The authentication failed because of missing 'Authorization' header."
    )
  }
  const [scheme, token = ''] = header.split(' ')
  if (scheme?.toLowerCase() !== 'bearer' || !token) {
    return unauthorized(
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      "The authentication failed because of invalid 'Authorization' header format."
    )
  }
  const claims = policy.key ? verifyJwt(token, policy.key) : undefined
  if (!claims) {
    return unauthorized(
      'InvalidAuthenticationToken',
      'The access token is invalid.',
      'The access token is invalid.'
    )
  }
  const exp = Number(claims.exp)
  if (!(exp > nowSeconds())) {
    return unauthorized(
      'ExpiredAuthenticationToken',
      `The access token expiry UTC time '${utc(exp)}' is earlier than current UTC time '${utc(nowSeconds())}'.`,
      'The access token has expired.'
    )
  }
  if (!policy.audiences.includes(String(claims.aud))) {
    return unauthorized(
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${String(claims.aud)}'. ` +
        `It should exactly match with one of the allowed audiences ${ARM_AUDIENCES.map(a => `'${a}'`).join(',')}.`,
      'The access token has been obtained for wrong audience or resource.'
    )
  }
  return undefined
}
