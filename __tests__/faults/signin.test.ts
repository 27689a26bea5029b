/**
 * GitHub OIDC and Entra ID outages: a passing one is retried and the run succeeds; one that lasts
 * fails the run at sign-in, saying which service and what it answered, before any ARM call.
 */
import { entraUnavailable } from '../../src/azure/signin-hints.js'
import { runBundle } from '../helpers/bundle-run.js'
import { sandboxInputs, startFullSandbox } from '../helpers/sandbox-run.js'
import type { FaultRow } from './fault-run.js'
import { BUNDLE_MARGIN_MS, expectOutcome, runRow, TRAINING } from './fault-run.js'

const TOKEN = { method: 'POST', path: '/oauth2/v2.0/token' }
const DISCOVERY = { method: 'GET', path: '/v2.0/.well-known/openid-configuration' }
const nothingWritten: FaultRow['check'] = (_run, world) => expect(world.arm.requests).toEqual([])

const rows: FaultRow[] = [
  {
    fault: '500 twice',
    where: 'GitHub OIDC token endpoint',
    arm: w => w.oidc.faults.fail(500, { times: 2 }),
    inputs: TRAINING,
    expected: 'succeeds'
  },
  {
    fault: 'a dropped connection',
    where: 'GitHub OIDC token endpoint',
    arm: w => w.oidc.faults.drop(),
    inputs: TRAINING,
    expected: 'succeeds'
  },
  {
    fault: 'an outage (500 throughout)',
    where: 'GitHub OIDC token endpoint',
    arm: w => w.oidc.faults.fail(500, { times: 1000 }),
    persistent: true,
    inputs: TRAINING,
    expected: /Could not get a GitHub OIDC token for audience 'api:\/\/AzureADTokenExchange'.*500/,
    check: nothingWritten
  },
  {
    fault: 'connections dropped on every attempt',
    where: 'GitHub OIDC token endpoint',
    arm: w => w.oidc.faults.drop({ times: 4 }),
    inputs: TRAINING,
    expected: /Could not get a GitHub OIDC token/,
    check: nothingWritten
  },
  {
    fault: '503 once',
    where: 'Entra ID token endpoint',
    arm: w => w.entra.faults.fail(503, TOKEN),
    inputs: TRAINING,
    expected: 'succeeds'
  },
  {
    fault: 'a dropped connection',
    where: 'Entra ID token endpoint',
    arm: w => w.entra.faults.drop(TOKEN),
    inputs: TRAINING,
    expected: 'succeeds'
  },
  {
    fault: 'an outage (503 throughout)',
    where: 'Entra ID token endpoint',
    arm: w => w.entra.faults.fail(503, { ...TOKEN, times: 1000 }),
    persistent: true,
    inputs: TRAINING,
    expected:
      /Entra ID did not answer the sign-in: .*%0AEntra ID \(https:\/\/127\.0\.0\.1:\d+\) was unavailable or unreachable from the runner/,
    check: nothingWritten
  },
  {
    fault: 'an outage (503 throughout)',
    where: 'Entra ID OpenID discovery',
    arm: w => w.entra.faults.fail(503, { ...DISCOVERY, times: 1000 }),
    persistent: true,
    inputs: TRAINING,
    expected:
      /Entra ID did not answer the sign-in: .*%0AEntra ID \(https:\/\/127\.0\.0\.1:\d+\) was unavailable or unreachable from the runner/,
    check: nothingWritten
  }
]

test.each(rows)('$fault on the $where: $expected', row => runRow(row))

test('GitHub OIDC down past the timeout (the toolkit retries 503 on its own): the run stops at the timeout, naming the sign-in step', async () => {
  const s = await startFullSandbox()
  try {
    s.oidc.faults.fail(503, { times: 1000 })
    const timeoutS = 3
    const run = await runBundle(s, { ...sandboxInputs(s), ...TRAINING, timeout: `${timeoutS}s` })
    expectOutcome(
      run,
      /The timeout ran out while asking GitHub for the OIDC token \(sign-in\)/,
      timeoutS,
      { marginMs: BUNDLE_MARGIN_MS }
    )
    expect(s.arm.requests).toEqual([])
  } finally {
    await s.stop()
  }
})

test.each([
  ['90033', 'AADSTS90033: A transient error has occurred.', true],
  [undefined, 'network_error: See https://aka.ms/msal.js.errors#network_error for details', true],
  [undefined, 'endpoints_resolution_error: See https://aka.ms/msal.js.errors', true],
  ['700213', 'AADSTS700213: No matching federated identity record found', false],
  ['90002', "AADSTS90002: Tenant 'x' not found.", false],
  [undefined, 'invalid_client: something else', false]
])('AADSTS%s "%s": an outage rather than a refusal: %s', (code, message, outage) => {
  expect(entraUnavailable(code, message)).toBe(outage)
})
