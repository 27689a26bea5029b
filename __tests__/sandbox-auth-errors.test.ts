import { afterAll, beforeAll, beforeEach, expect, test } from '@jest/globals'
import { ClientAssertionCredential } from '@azure/identity'
import type { EntraErrorBody } from '../sandbox/entra-errors.js'
import { ARM_SCOPE, credential, githubToken, startAzure } from './sandbox-arm-helpers.js'
import type { AzureWorld } from './sandbox-arm-helpers.js'

let world: AzureWorld
const fic = { issuer: '', subject: '', audiences: [] as string[] }

beforeAll(async () => {
  world = await startAzure()
  Object.assign(fic, world.entra.federatedCredential)
})
afterAll(() => world.stop())
beforeEach(() => {
  world.entra.federatedCredential = { ...fic, audiences: [...fic.audiences] }
  world.oidc.lifetimeSeconds = 300
  world.entra.faults.clear()
})

/** POSTs the client-assertion grant by hand, to see Entra's raw answer. */
async function tokenRequest(overrides: Record<string, string> = {}, tenant = world.entra.tenantId) {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: world.entra.clientId,
    scope: ARM_SCOPE,
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: await githubToken(world.oidc),
    ...overrides
  })
  const res = await fetch(`${world.entra.authorityHost}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: form
  })
  return { status: res.status, body: (await res.json()) as EntraErrorBody }
}

function expectEntraError(body: EntraErrorBody, code: number, error: string) {
  expect(body).toEqual({
    error,
    error_description: expect.stringMatching(
      new RegExp(
        `^AADSTS${code}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`
      )
    ),
    error_codes: [code],
    timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/),
    trace_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    correlation_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
    error_uri: `https://login.microsoftonline.com/error?code=${code}`
  })
}

test('AADSTS700016: unknown application', async () => {
  const { status, body } = await tokenRequest({ client_id: '00000000-0000-0000-0000-000000000000' })
  expect(status).toBe(400)
  expectEntraError(body, 700016, 'unauthorized_client')
  const stranger = new ClientAssertionCredential(
    world.entra.tenantId,
    '00000000-0000-0000-0000-000000000000',
    () => githubToken(world.oidc),
    { authorityHost: world.entra.authorityHost, disableInstanceDiscovery: true }
  )
  await expect(stranger.getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS700016/)
})

test('AADSTS700213: the subject has no federated credential; the message names it', async () => {
  world.entra.federatedCredential.subject = 'repo:octo-org/octo-repo:environment:staging'
  const { status, body } = await tokenRequest()
  expect(status).toBe(401)
  expectEntraError(body, 700213, 'invalid_client')
  expect(body.error_description).toContain(
    "presented assertion subject 'repo:octo-org/octo-repo:environment:prod'"
  )
  await expect(credential(world).getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS700213/)
})

test('AADSTS7002138: the subject differs only in case', async () => {
  world.entra.federatedCredential.subject = 'repo:Octo-Org/octo-repo:environment:prod'
  const { body } = await tokenRequest()
  expectEntraError(body, 7002138, 'invalid_client')
  expect(body.error_description).toContain('case-insensitive comparison')
})

test('AADSTS700211 and AADSTS700212: issuer and audience mismatches', async () => {
  world.entra.federatedCredential.issuer = 'https://token.actions.example.com'
  const issuer = await tokenRequest()
  expectEntraError(issuer.body, 700211, 'invalid_client')
  expect(issuer.body.error_description).toContain(
    "issuer 'https://token.actions.githubusercontent.com'"
  )

  world.entra.federatedCredential = { ...fic, audiences: ['api://AzureADTokenExchangeUSGov'] }
  const audience = await tokenRequest()
  expectEntraError(audience.body, 700212, 'invalid_client')
  await expect(credential(world).getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS700212/)
})

test('AADSTS700024: an expired assertion', async () => {
  world.oidc.lifetimeSeconds = -60
  const { status, body } = await tokenRequest()
  expect(status).toBe(401)
  expectEntraError(body, 700024, 'invalid_client')
  expect(body.error_description).toContain('Client assertion is not within its valid time range')
})

test('AADSTS90002: unknown tenant, on discovery and on the token endpoint', async () => {
  const tenant = '11111111-1111-1111-1111-111111111111'
  const { status, body } = await tokenRequest({}, tenant)
  expect(status).toBe(400)
  expectEntraError(body, 90002, 'invalid_request')
  const discovery = await fetch(
    `${world.entra.authorityHost}/${tenant}/v2.0/.well-known/openid-configuration`
  )
  expect(discovery.status).toBe(400)
})

test('forceError makes the next token request fail with the chosen code', async () => {
  world.entra.forceError(700213)
  await expect(credential(world).getToken(ARM_SCOPE)).rejects.toThrow(/AADSTS700213/)
  await expect(credential(world).getToken(ARM_SCOPE)).resolves.toMatchObject({
    token: expect.any(String)
  })
})

test('Entra 503: a transient error body, and @azure/identity retries it', async () => {
  world.entra.faults.fail(503, { path: '/oauth2/v2.0/token' })
  const raw = await tokenRequest()
  expect(raw.status).toBe(503)
  expectEntraError(raw.body, 90033, 'temporarily_unavailable')

  world.entra.faults.fail(503, { path: '/oauth2/v2.0/token' })
  await expect(credential(world).getToken(ARM_SCOPE)).resolves.toMatchObject({
    token: expect.any(String)
  })
  expect(world.entra.faults.pending).toBe(0)
})
