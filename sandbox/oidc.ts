import { randomBytes, randomUUID } from 'node:crypto'
import { Faults } from './faults.js'
import { listen } from './http.js'
import type { SandboxRequest, SandboxResponse } from './http.js'
import { jwk, makeSigningKey, nowSeconds, signJwt } from './jwt.js'
import type { SigningKey } from './jwt.js'

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com'

export interface OidcOptions {
  /** `iss` of issued tokens (default GitHub's). */
  issuer?: string
  /** `sub` of issued tokens (default `repo:octo-org/octo-repo:environment:prod`). */
  subject?: string
  /** Token lifetime in seconds (default 300; a negative value issues already-expired tokens). */
  lifetimeSeconds?: number
}

/** The GitHub Actions ID-token endpoint stand-in (plain http, like the runner's is to the action). */
export interface OidcSandbox {
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL: already contains `?`, getIDToken appends `&audience=`. */
  requestUrl: string
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  requestToken: string
  issuer: string
  subject: string
  lifetimeSeconds: number
  /** The key tokens are signed with (Entra could check signatures against it). */
  key: SigningKey
  /** 500/503/429/drop on demand; bodies mimic the Actions service. */
  faults: Faults
  /** Every token request, in order (for asserting the audience asked for). */
  requests: { audience: string | null; authorized: boolean }[]
  close(): Promise<void>
}

/** The Actions service's error body (a VSS exception). */
function actionsError(status: number, message?: string): unknown {
  return {
    $id: '1',
    innerException: null,
    message: message ?? `The service is unavailable (HTTP ${status}).`,
    typeName: 'Microsoft.TeamFoundation.Framework.Server.RequestFailedException',
    typeKey: 'RequestFailedException',
    errorCode: 0,
    eventId: 3000
  }
}

function claims(sandbox: OidcSandbox, audience: string): Record<string, unknown> {
  const now = nowSeconds()
  const repository = /^repo:([^:]+)/.exec(sandbox.subject)?.[1] ?? 'octo-org/octo-repo'
  return {
    jti: randomUUID(),
    sub: sandbox.subject,
    aud: audience,
    repository,
    repository_owner: repository.split('/')[0],
    ref: 'refs/heads/main',
    event_name: 'push',
    runner_environment: 'github-hosted',
    iss: sandbox.issuer,
    nbf: now - 5,
    iat: now,
    exp: now + sandbox.lifetimeSeconds
  }
}

function handle(sandbox: OidcSandbox, req: SandboxRequest): SandboxResponse {
  const authorized = req.headers.authorization === `Bearer ${sandbox.requestToken}`
  const audience = req.query.get('audience')
  sandbox.requests.push({ audience, authorized })
  if (req.path === '/.well-known/jwks') return { status: 200, body: { keys: [jwk(sandbox.key)] } }
  const fault = sandbox.faults.check(req)
  if (fault) return fault
  if (!authorized) return { status: 401, body: actionsError(401, 'Unauthorized: token invalid') }
  // Without `audience`, GitHub uses the repository owner's URL.
  const owner = /^repo:([^/]+)/.exec(sandbox.subject)?.[1] ?? 'octo-org'
  const token = signJwt(claims(sandbox, audience ?? `https://github.com/${owner}`), sandbox.key)
  return { status: 200, body: { count: 1, value: token } }
}

export async function startOidc(opts: OidcOptions = {}): Promise<OidcSandbox> {
  const sandbox: OidcSandbox = {
    requestUrl: '',
    requestToken: randomBytes(24).toString('hex'),
    issuer: opts.issuer ?? GITHUB_ISSUER,
    subject: opts.subject ?? 'repo:octo-org/octo-repo:environment:prod',
    lifetimeSeconds: opts.lifetimeSeconds ?? 300,
    key: makeSigningKey(),
    faults: new Faults(status => actionsError(status)),
    requests: [],
    close: async () => undefined
  }
  const server = await listen(req => handle(sandbox, req))
  sandbox.requestUrl = `${server.origin}/_apis/pipelines/workflows/1/idtoken?api-version=2.0`
  sandbox.close = () => server.close()
  return sandbox
}
