/**
 * No secret reaches a log line, an output or the job summary, in any mode, with debug logging on:
 * TLS material (PEM text and its base64), protected settings, the Relay's keys, OIDC and ARM
 * tokens. The bundle runs as a runner runs it; stdout and stderr are both searched.
 */
import { startSandbox } from '../../sandbox/index.js'
import type { Sandbox } from '../../sandbox/index.js'
import { runBundle } from '../helpers/bundle-run.js'
import type { BundleRun } from '../helpers/bundle-run.js'
import { makeCertificate } from '../helpers/pem.js'
import { sandboxInputs } from '../helpers/sandbox-run.js'

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

/** The secrets found where they must not be; runBundle already refused tokens, private keys,
 * Relay keys and every masked value by their shape. Debug logging must have been on. */
function leaks(r: BundleRun): string[] {
  const shown = [
    r.stdout.replace(/^::add-mask::.*$/gm, ''),
    ...Object.values(r.outputs),
    r.summary
  ].join('\n')
  const debug = /^::debug::ARM (PUT|GET)/m.test(r.stdout) ? [] : ['(no debug lines)']
  return [...debug, ...secretForms().filter(s => shown.includes(s))]
}

// One scenario, in order, as a workflow would run it: each step acts on what the one before left.
const STEPS: [string, Record<string, string>, string][] = [
  ['apply, creating (Relay keys read and sent)', {}, 'true'],
  ['apply, nothing to write', {}, 'false'],
  ['apply, a rotated protected value', { 'config-protected': `myWorkspaceKey=${ROTATED}` }, 'true'],
  ['verify', { mode: 'verify' }, 'false'],
  ['drift', { mode: 'drift' }, 'false'],
  ['delete', { mode: 'delete' }, 'true']
]

test('apply, apply again, rotate, verify, drift, delete: no secret in any log, output or summary', async () => {
  for (const [step, extra, changed] of STEPS) {
    const r = await runBundle(
      sandbox,
      { ...sandboxInputs(sandbox), ...INPUTS, ...extra },
      { AZUREML_ACTION_GRACE_MS: '1000' }
    )
    expect({ step, leaked: leaks(r) }).toEqual({ step, leaked: [] })
    expect({ step, changed: r.outputs.changed }).toEqual({ step, changed })
  }
})
