import { randomUUID } from 'node:crypto'
import { entraError, entraUnavailable } from './entra-errors.js'
import type { EntraErrorCode, EntraErrorContext } from './entra-errors.js'
import { Faults, Trigger } from './faults.js'
import type { FaultMatch } from './faults.js'
import { listen } from './http.js'
import type { SandboxRequest, SandboxResponse } from './http.js'
import { decodeJwt, jwk, makeSigningKey, nowSeconds, signJwt } from './jwt.js'
import type { SigningKey } from './jwt.js'
import { GITHUB_ISSUER } from './oidc.js'
import type { TlsMaterial } from './tls.js'

/** The app registration's federated identity credential the assertion must match. */
export interface FederatedCredential {
  issuer: string
  subject: string
  audiences: string[]
}

export interface EntraOptions {
  tls: TlsMaterial
  tenantId?: string
  clientId?: string
  federatedCredential?: Partial<FederatedCredential>
}

/** One token request as Entra received it. */
export interface TokenRequestRecord {
  tenant: string
  form: Record<string, string>
  /** Claims of the client assertion, when it was JWT-shaped. */
  assertion?: Record<string, unknown>
}

export interface EntraSandbox {
  /** `https://127.0.0.1:PORT`, the authority host for @azure/identity. */
  authorityHost: string
  tenantId: string
  clientId: string
  /** Edit freely: checked on every token request. */
  federatedCredential: FederatedCredential
  /** Signs access tokens; ARM verifies them with it. */
  key: SigningKey
  /** 429/5xx/dropped connections on demand. */
  faults: Faults
  /** Make the matching token request(s) fail with an AADSTS error regardless of their content. */
  forceError(code: EntraErrorCode, match?: FaultMatch): void
  tokenRequests: TokenRequestRecord[]
  close(): Promise<void>
}

interface EntraState extends EntraSandbox {
  forced: { code: EntraErrorCode; trigger: Trigger }[]
}

function discovery(host: string, tenant: string): Record<string, unknown> {
  const base = `${host}/${tenant}`
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic'
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${base}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    tenant_region_scope: 'NA',
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com'
  }
}

/** The AADSTS code the request earns, or undefined when a token may be issued. */
function rejection(state: EntraState, form: Record<string, string>, ctx: EntraErrorContext) {
  if (form.client_id?.toLowerCase() !== state.clientId.toLowerCase()) return 700016
  if (!form.scope?.endsWith('/.default')) return 1002012
  const claims = decodeJwt(form.client_assertion ?? '')
  if (!claims) return 50027
  Object.assign(ctx, {
    issuer: claims.iss,
    subject: claims.sub,
    audience: Array.isArray(claims.aud) ? claims.aud.join(',') : claims.aud,
    notBefore: claims.nbf,
    expires: claims.exp
  })
  const now = nowSeconds()
  if (Number(claims.exp) < now || Number(claims.nbf ?? 0) > now + 300) return 700024
  const fic = state.federatedCredential
  if (claims.iss !== fic.issuer) return 700211
  if (claims.sub !== fic.subject) {
    return String(claims.sub).toLowerCase() === fic.subject.toLowerCase() ? 7002138 : 700213
  }
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
  if (!audiences.some(a => fic.audiences.includes(String(a)))) return 700212
  return undefined
}

function accessToken(state: EntraState, resource: string): string {
  const now = nowSeconds()
  const claims = {
    aud: resource,
    iss: `https://sts.windows.net/${state.tenantId}/`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    appid: state.clientId,
    appidacr: '2',
    idtyp: 'app',
    oid: state.clientId,
    sub: state.clientId,
    tid: state.tenantId,
    ver: '1.0'
  }
  return signJwt(claims, state.key)
}

function token(state: EntraState, req: SandboxRequest, tenant: string): SandboxResponse {
  const form = Object.fromEntries(new URLSearchParams(req.text))
  const assertion = decodeJwt(form.client_assertion ?? '')
  state.tokenRequests.push({ tenant, form, ...(assertion ? { assertion } : {}) })
  const ctx: EntraErrorContext = { tenant, clientId: form.client_id, scope: form.scope }
  const forced = state.forced.find(f => f.trigger.fires(req))
  const code = forced?.code ?? rejection(state, form, ctx)
  if (code !== undefined) return entraError(code, ctx)
  const resource = form.scope!.slice(0, -'/.default'.length)
  const body = {
    token_type: 'Bearer',
    expires_in: 3599,
    ext_expires_in: 3599,
    access_token: accessToken(state, resource)
  }
  return { status: 200, body }
}

function route(state: EntraState, req: SandboxRequest): SandboxResponse {
  const fault = state.faults.check(req)
  if (fault) return fault
  const [, tenant = '', ...rest] = req.path.split('/')
  const tail = rest.join('/')
  const known = tenant.toLowerCase() === state.tenantId.toLowerCase()
  if (req.method === 'GET' && tail === 'v2.0/.well-known/openid-configuration') {
    if (!known) return { ...entraError(90002, { tenant }), status: 400 }
    return { status: 200, body: discovery(state.authorityHost, tenant) }
  }
  if (req.method === 'GET' && tail === 'discovery/v2.0/keys') {
    return { status: 200, body: { keys: [jwk(state.key)] } }
  }
  if (req.method === 'POST' && tail === 'oauth2/v2.0/token') {
    return known ? token(state, req, tenant) : entraError(90002, { tenant })
  }
  return { status: 404, body: '' }
}

/** Starts the Entra ID stand-in: discovery, JWKS and the client-assertion token grant. */
export async function startEntra(opts: EntraOptions): Promise<EntraSandbox> {
  const state: EntraState = {
    authorityHost: '',
    tenantId: opts.tenantId ?? randomUUID(),
    clientId: opts.clientId ?? randomUUID(),
    federatedCredential: {
      issuer: GITHUB_ISSUER,
      subject: 'repo:octo-org/octo-repo:environment:prod',
      audiences: ['api://AzureADTokenExchange'],
      ...opts.federatedCredential
    },
    key: makeSigningKey(),
    faults: new Faults(() => entraUnavailable()),
    forced: [],
    forceError: (code, match = {}) => {
      state.forced.push({ code, trigger: new Trigger({ path: '/oauth2/v2.0/token', ...match }) })
    },
    tokenRequests: [],
    close: async () => undefined
  }
  const server = await listen(req => route(state, req), opts.tls)
  state.authorityHost = server.origin
  state.close = () => server.close()
  return state
}
