import { ClientAssertionCredential } from '@azure/identity'
import type { TokenCredential } from '@azure/identity'
import { TimeoutError, withinDeadline } from '../deadline.js'
import type { Deadline } from '../deadline.js'
import { withRetry } from '../retry.js'
import type { Cloud } from './cloud.js'
import { aadstsCode, decodeClaims, entraUnavailable, signInHint } from './signin-hints.js'

/** What sign-in needs from the runner: the GitHub token, the log masking, a log line. */
export interface SignInRunner {
  idToken(audience: string): Promise<string>
  mask(secret: string): void
  info(line: string): void
}

export interface SignInOptions {
  runner: SignInRunner
  tenantId: string
  clientId: string
  cloud: Cloud
  /** Whether the authority is a custom host, where MSAL's instance discovery cannot work. */
  customAuthority: boolean
  /** First retry delay for the GitHub token endpoint; tests shorten it. */
  retryDelayMs?: number
  /** The run's timeout, which bounds each step of the sign-in. */
  deadline?: Deadline
}

/** Sign-in failed; the message says why in words a user can act on. */
export class SignInError extends Error {
  override name = 'SignInError'
}

// GitHub answers a status in the message; no status means the request never got an answer.
function retryableOidcError(err: unknown): boolean {
  const status = /Error Code : (\d+|undefined)/.exec(String((err as Error)?.message))?.[1]
  return status === undefined || status === 'undefined' || Number(status) >= 500 || status === '429'
}

/**
 * The GitHub OIDC token for `audience`, retried on network errors and 5xx (the toolkit retries only
 * 502-504), and cached while valid: MSAL asks for it twice per ARM token.
 */
function githubToken(
  runner: SignInRunner,
  audience: string,
  retryDelayMs: number
): () => Promise<string> {
  let cached: { token: string; expiresAt: number } | undefined
  return async () => {
    if (cached && Date.now() < cached.expiresAt) return cached.token
    if (!process.env.ACTIONS_ID_TOKEN_REQUEST_URL) {
      throw new SignInError(
        "No GitHub OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set. Give the job 'permissions: id-token: write'."
      )
    }
    const token = await withRetry(() => runner.idToken(audience), {
      attempts: 4,
      firstDelayMs: retryDelayMs,
      retryable: retryableOidcError,
      onRetry: (err, n, ms) =>
        runner.info(
          `GitHub OIDC token request failed (${(err as Error).message.split('\n')[0]}); retry ${n} in ${ms} ms`
        )
    }).catch((err: Error) => {
      throw new SignInError(
        `Could not get a GitHub OIDC token for audience '${audience}': ${err.message}`
      )
    })
    cached = { token, expiresAt: Date.now() + 4 * 60_000 }
    return token
  }
}

/**
 * An ARM credential from the GitHub OIDC token. Signs in once up front so that a refusal is
 * explained here, with the token's claims and the federated credential that would match.
 */
export async function signIn(opts: SignInOptions): Promise<TokenCredential> {
  const assertion = githubToken(opts.runner, opts.cloud.audience, opts.retryDelayMs ?? 1000)
  const credential = new ClientAssertionCredential(opts.tenantId, opts.clientId, assertion, {
    authorityHost: opts.cloud.authorityHost,
    disableInstanceDiscovery: opts.customAuthority
  })
  const bounded = <T>(work: () => Promise<T>, where: string) =>
    opts.deadline ? withinDeadline(work, opts.deadline, `${where} (sign-in)`) : work()
  // The GitHub token first: its failures are GitHub's, and its claims explain Entra's refusals.
  const claims = decodeClaims(await bounded(assertion, 'while asking GitHub for the OIDC token'))
  try {
    await bounded(
      () => credential.getToken(opts.cloud.scope),
      'while Entra ID exchanged the GitHub token for an ARM token'
    )
  } catch (err) {
    if (err instanceof TimeoutError) throw err
    const message = (err as Error).message
    const code = aadstsCode(message)
    const first = message.split('\n').find(l => l.includes('AADSTS')) ?? message.split('\n')[0]
    // An outage is not a refusal: no federated-credential advice for it.
    if (entraUnavailable(code, message)) {
      throw new SignInError(
        `Entra ID did not answer the sign-in: ${first?.trim()}\nEntra ID (${opts.cloud.authorityHost}) was unavailable or unreachable from the runner after retries; this is not a problem with the federated credential. Re-run the job later; if it persists, check authority-host (or environment, which picks it).`
      )
    }
    throw new SignInError(
      `Entra ID refused the sign-in: ${first?.trim()}\n${signInHint(code, claims, opts.clientId, opts.tenantId)}`
    )
  }
  return maskedTokens(credential, opts.runner.mask)
}

/** Registers each ARM access token with the runner's masking as soon as it is issued. */
function maskedTokens(
  credential: TokenCredential,
  mask: (secret: string) => void
): TokenCredential {
  return {
    getToken: async (scopes, options) => {
      const token = await credential.getToken(scopes, options)
      if (token) mask(token.token)
      return token
    }
  }
}
