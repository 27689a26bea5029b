import { afterAll, beforeAll, describe, expect, test } from '@jest/globals'
import { decodeJwt } from '../sandbox/jwt.js'
import { ARM_SCOPE, AUDIENCE, credential, githubToken, startAzure } from './sandbox-arm-helpers.js'
import type { AzureWorld } from './sandbox-arm-helpers.js'

let world: AzureWorld

beforeAll(async () => {
  world = await startAzure()
})
afterAll(() => world.stop())

test('ClientAssertionCredential gets an ARM token with a GitHub OIDC token as assertion', async () => {
  const token = await credential(world).getToken(ARM_SCOPE)
  const claims = decodeJwt(token.token)
  expect(claims).toMatchObject({ aud: 'https://management.azure.com', tid: world.entra.tenantId })
  expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now())
  const sent = world.entra.tokenRequests.at(-1)!
  expect(sent.form).toMatchObject({
    grant_type: 'client_credentials',
    client_id: world.entra.clientId,
    scope: ARM_SCOPE,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
  })
  expect(sent.assertion).toMatchObject({
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:octo-org/octo-repo:environment:prod',
    aud: AUDIENCE
  })
})

test('the discovery document has what MSAL needs', async () => {
  const res = await fetch(
    `${world.entra.authorityHost}/${world.entra.tenantId}/v2.0/.well-known/openid-configuration`
  )
  const doc = (await res.json()) as Record<string, string>
  const base = `${world.entra.authorityHost}/${world.entra.tenantId}`
  expect(doc).toMatchObject({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    issuer: `${base}/v2.0`,
    jwks_uri: `${base}/discovery/v2.0/keys`
  })
})

test('OIDC tokens are JWTs with iss, sub, the requested aud and times, and are reusable', async () => {
  const first = await githubToken(world.oidc, 'api://custom')
  expect(first.split('.')).toHaveLength(3)
  const claims = decodeJwt(first)!
  expect(claims).toMatchObject({
    iss: 'https://token.actions.githubusercontent.com',
    sub: 'repo:octo-org/octo-repo:environment:prod',
    aud: 'api://custom'
  })
  expect(Number(claims.nbf)).toBeLessThanOrEqual(Number(claims.iat))
  expect(Number(claims.exp)).toBeGreaterThan(Number(claims.iat))
  const second = await githubToken(world.oidc, 'api://custom')
  expect(decodeJwt(second)!.aud).toBe('api://custom')
  expect(world.oidc.requests.slice(-2)).toEqual([
    { audience: 'api://custom', authorized: true },
    { audience: 'api://custom', authorized: true }
  ])
})

test('the OIDC endpoint refuses requests without the request token', async () => {
  const res = await fetch(`${world.oidc.requestUrl}&audience=x`)
  expect(res.status).toBe(401)
})

describe('@actions/core getIDToken against the sandbox', () => {
  let core: typeof import('@actions/core')
  const write = process.stdout.write
  beforeAll(async () => {
    process.env.ACTIONS_ID_TOKEN_REQUEST_URL = world.oidc.requestUrl
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = world.oidc.requestToken
    core = await import('@actions/core')
    // The toolkit prints ::debug:: and ::add-mask:: commands; the test output stays quiet.
    process.stdout.write = (() => true) as typeof process.stdout.write
  })
  afterAll(() => {
    process.stdout.write = write
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
  })

  test('gets a token for the audience', async () => {
    const token = await core.getIDToken(AUDIENCE)
    expect(decodeJwt(token)).toMatchObject({ aud: AUDIENCE })
  })

  test('a 500 fails at once', async () => {
    world.oidc.faults.fail(500)
    await expect(core.getIDToken(AUDIENCE)).rejects.toThrow(/500/)
    expect(world.oidc.faults.pending).toBe(0)
  })

  test('a 503 is retried by the client', async () => {
    world.oidc.faults.fail(503, { times: 2 })
    await expect(core.getIDToken(AUDIENCE)).resolves.toEqual(expect.any(String))
    expect(world.oidc.faults.pending).toBe(0)
  })
})
