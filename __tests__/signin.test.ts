/** Sign-in, end to end: GitHub OIDC → Entra ID, and refusals explained in words a user can act on. */
import { runIn, startWorld, worldInputs, writes } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'
import { runAction, visibleLog } from './helpers/action.js'
import type { ActionRun } from './helpers/action.js'

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(async () => {
  await world.stop()
})

const TOKEN_SUBJECT = 'repo:octo-org/octo-repo:environment:prod'
const apply = () => runIn(world, { ...worldInputs(world), scenario: 'training' })

/** No JWT (ours or Entra's) and no request token may appear in what the runner shows. */
function expectNoTokens(run: ActionRun): void {
  const log = visibleLog(run) + JSON.stringify(run.outputs)
  expect(log).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/)
  expect(log).not.toContain(world.oidc.requestToken)
}

test('a subject no federated credential names: AADSTS700213 with the subject to configure', async () => {
  world.entra.federatedCredential.subject = 'repo:octo-org/octo-repo:ref:refs/heads/main'
  const run = await apply()
  expect(run.failed).toBe(true)
  const log = visibleLog(run)
  expect(log).toMatch(/Entra ID refused the sign-in: .*AADSTS700213/)
  expect(log).toContain(`subject '${TOKEN_SUBJECT}'`)
  expect(log).toContain("issuer 'https://token.actions.githubusercontent.com'")
  expect(log).toContain("audience 'api://AzureADTokenExchange'")
  expectNoTokens(run)
  expect(world.arm.requests).toEqual([])
})

test('an audience the credential does not list: AADSTS700212 names the audience', async () => {
  world.entra.federatedCredential.audiences = ['api://SomethingElse']
  const run = await apply()
  expect(visibleLog(run)).toMatch(
    /AADSTS700212[\s\S]*Set its audience to 'api:\/\/AzureADTokenExchange', or set the action's 'audience' input/
  )
  expectNoTokens(run)
})

test('a sovereign cloud whose credential was made for azure/login: the hint names its audience', async () => {
  // azure/login asks for api://AzureADTokenExchange in every cloud; the per-cloud default differs.
  world.entra.federatedCredential.audiences = ['api://AzureADTokenExchange']
  const run = await runIn(world, {
    ...worldInputs(world),
    scenario: 'training',
    environment: 'AzureUSGovernment'
  })
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toMatch(
    /AADSTS700212[\s\S]*azure\/login uses 'api:\/\/AzureADTokenExchange' in every cloud: a credential made for it needs audience: api:\/\/AzureADTokenExchange\./
  )
})

test('the audience input changes what GitHub is asked for', async () => {
  world.entra.federatedCredential.audiences = ['api://Custom']
  const run = await runIn(world, {
    ...worldInputs(world),
    scenario: 'training',
    audience: 'api://Custom'
  })
  expect(run.errors).toEqual([])
  expect(world.oidc.requests.some(r => r.audience === 'api://Custom')).toBe(true)
})

test('an app that is not in the tenant: AADSTS700016 points at client-id and tenant-id', async () => {
  const run = await runIn(world, {
    ...worldInputs(world),
    scenario: 'training',
    'client-id': '0a0a0a0a-0000-4000-8000-000000000000'
  })
  expect(visibleLog(run)).toMatch(/AADSTS700016[\s\S]*Check 'client-id' and 'tenant-id'/)
  expectNoTokens(run)
})

test('a tenant Entra does not know: AADSTS90002', async () => {
  world.entra.forceError(90002)
  const run = await apply()
  expect(visibleLog(run)).toMatch(/AADSTS90002[\s\S]*Check 'tenant-id' and 'environment'/)
})

test('an expired GitHub token: AADSTS700024 says to re-run', async () => {
  world.oidc.lifetimeSeconds = -600
  const run = await apply()
  expect(visibleLog(run)).toMatch(/AADSTS700024[\s\S]*re-run the job/)
})

test('GitHub OIDC answering 500 is retried; sign-in then succeeds', async () => {
  world.oidc.faults.fail(500, { times: 2 })
  const run = await apply()
  expect(run.errors).toEqual([])
  expect(visibleLog(run)).toMatch(/GitHub OIDC token request failed .*retry 1/)
  expect(writes(world).length).toBeGreaterThan(0)
})

test('without id-token: write permission the error says so', async () => {
  const run = await runAction(
    { ...worldInputs(world), scenario: 'training' },
    { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' }
  )
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toContain('permissions: id-token: write')
})

test('a dropped connection to GitHub OIDC is retried too', async () => {
  world.oidc.faults.drop({ times: 1 })
  const run = await apply()
  expect(run.errors).toEqual([])
  expect(visibleLog(run)).toMatch(/GitHub OIDC token request failed/)
})

test('GitHub OIDC refusing (401) is not retried, and says why', async () => {
  world.oidc.faults.fail(401, { times: 5 })
  const run = await apply()
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toMatch(
    /Could not get a GitHub OIDC token for audience 'api:\/\/AzureADTokenExchange'/
  )
  expect(world.oidc.requests.length).toBe(1)
})

test('the ARM access token is masked as soon as it is issued', async () => {
  const run = await apply()
  expect(run.errors).toEqual([])
  const masks = run.stdout.split('\n').filter(l => l.startsWith('::add-mask::eyJ'))
  // The GitHub token (masked by @actions/core) and at least one ARM access token.
  expect(masks.length).toBeGreaterThanOrEqual(2)
})
