/**
 * No secret reaches a log line, an output or the job summary, in any mode, with debug logging on:
 * TLS material (PEM text and its base64), protected settings, the Relay's keys, OIDC and ARM
 * tokens. The bundle runs as a runner runs it; stdout and stderr are both searched.
 */
import { startSandbox } from '../sandbox/index.js'
import type { Sandbox } from '../sandbox/index.js'
import { runBundle } from './helpers/bundle-run.js'
import type { BundleRun } from './helpers/bundle-run.js'
import { makeCertificate } from './helpers/pem.js'
import { sandboxInputs } from './helpers/sandbox-run.js'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startSandbox({ kube: { podStepMs: 10, helmTimeoutMs: 60_000 } })
})
afterAll(() => sandbox.stop())

const tls = makeCertificate('ml.contoso.com')
const PROTECTED = 'workspace-key-0123456789abcdef'
const ROTATED = 'rotated-workspace-key-42'
const INPUTS = {
  scenario: 'inference',
  'inference-router-service-type': 'NodePort',
  'ssl-cname': 'ml.contoso.com',
  'ssl-cert': tls.cert,
  'ssl-key': tls.key,
  'config-protected': `myWorkspaceKey=${PROTECTED}`
}

/** Every form of the secrets this test put in play. */
function secretForms(): string[] {
  const keyLines = tls.key.split('\n').filter(l => l.length > 16 && !l.startsWith('-----'))
  return [
    ...keyLines,
    Buffer.from(tls.key).toString('base64').slice(0, 48),
    Buffer.from(tls.cert).toString('base64').slice(0, 48),
    PROTECTED,
    Buffer.from(PROTECTED).toString('base64'),
    ROTATED
  ]
}

function expectNoSecrets(r: BundleRun): void {
  // runBundle already refused tokens, private keys, Relay keys and masked values by shape.
  const shown = [
    r.stdout.replace(/^::add-mask::.*$/gm, ''),
    ...Object.values(r.outputs),
    r.summary
  ].join('\n')
  expect(secretForms().filter(s => shown.includes(s))).toEqual([])
  expect(r.stdout).toMatch(/^::debug::ARM PUT|^::debug::ARM GET/m)
}

test.each([
  ['apply, creating (Relay keys read and sent)', {}, 'true'],
  ['apply, nothing to write', {}, 'false'],
  ['apply, a rotated protected value', { 'config-protected': `myWorkspaceKey=${ROTATED}` }, 'true'],
  ['verify', { mode: 'verify' }, 'false'],
  ['drift', { mode: 'drift' }, 'false'],
  ['delete', { mode: 'delete' }, 'true']
])('%s: no secret in the log, the outputs or the summary', async (_name, extra, changed) => {
  const r = await runBundle(
    sandbox,
    { ...sandboxInputs(sandbox), ...INPUTS, ...extra },
    { AZUREML_ACTION_GRACE_MS: '1000' }
  )
  expectNoSecrets(r)
  expect(r.outputs.changed).toBe(changed)
})
