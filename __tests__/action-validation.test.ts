/** The bundled action, run as the runner runs it, on inputs that fail validation. */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BASE_INPUTS } from './helpers/inputs.js'
import { makeCertificate } from './helpers/pem.js'

const DIST = new URL('../dist/index.js', import.meta.url).pathname

function runAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'action-'))
  const outputFile = join(dir, 'output')
  writeFileSync(outputFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: outputFile,
    RUNNER_DEBUG: '1'
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const result = spawnSync(process.execPath, [DIST], { env, encoding: 'utf8' })
  return {
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    outputs: readFileSync(outputFile, 'utf8')
  }
}

test('every validation error is an annotation naming the input, and the step fails', () => {
  const run = runAction({
    ...BASE_INPUTS,
    'subscription-id': 'nope',
    scenario: 'train',
    timeout: '5',
    config: 'InferenceRouterHA=true'
  })
  expect(run.status).toBe(1)
  const errors = run.stdout.split('\n').filter(l => l.startsWith('::error'))
  expect(errors).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^::error title=Input 'subscription-id'::'nope' is not a GUID\. Fix: /),
      expect.stringMatching(
        /^::error title=Input 'scenario'::'train' is not one of the accepted values\. Fix: Use one of: training/
      ),
      expect.stringMatching(/^::error title=Input 'timeout'::'5' is not a duration\./),
      expect.stringMatching(
        /^::error title=Input 'config'::'InferenceRouterHA' is not a setting .* Fix: Write 'inferenceRouterHA'\./
      ),
      expect.stringMatching(/^::error::\d+ input problems; nothing was changed/)
    ])
  )
})

test('TLS material never reaches the log, even in debug mode; it is masked first', () => {
  const tls = makeCertificate('ml.contoso.com')
  const run = runAction({
    ...BASE_INPUTS,
    scenario: 'inference',
    'ssl-cert': tls.cert,
    'ssl-key': tls.key,
    'ssl-cname': 'wrong.example.com',
    'config-protected': 'mySecret=hunter2-value'
  })
  expect(run.status).toBe(1)
  const keyLines = tls.key.split('\n').filter(l => l.length > 20 && !l.startsWith('-----'))
  const masks = run.stdout.split('\n').filter(l => l.startsWith('::add-mask::'))
  for (const line of keyLines) expect(masks).toContain(`::add-mask::${line}`)
  expect(masks).toContain('::add-mask::hunter2-value')
  const logged =
    run.stdout
      .split('\n')
      .filter(l => !l.startsWith('::add-mask::'))
      .join('\n') +
    run.stderr +
    run.outputs
  for (const line of keyLines) expect(logged).not.toContain(line)
  expect(logged).not.toContain('hunter2-value')
  expect(logged).toMatch(
    /Input 'ssl-cname'::'wrong.example.com' is not a name the certificate is for/
  )
})

test('an error quoting one input never shows a secret another input holds: it reads ***', () => {
  // Found by the fuzzing: a line of ssl-cert equal to the bad value of a boolean input.
  const run = runAction({
    ...BASE_INPUTS,
    'ssl-cert': 'not a pem\nshared-secret-text',
    'auto-upgrade-minor-version': 'shared-secret-text',
    'config-protected': 'token=hunter2-value',
    config: 'hunter2-value=1'
  })
  expect(run.status).toBe(1)
  const masks = run.stdout.split('\n').filter(l => l.startsWith('::add-mask::'))
  expect(masks).toEqual(
    expect.arrayContaining(['::add-mask::shared-secret-text', '::add-mask::hunter2-value'])
  )
  const logged = run.stdout
    .split('\n')
    .filter(l => !l.startsWith('::add-mask::'))
    .join('\n')
  expect(logged).toMatch(/Input 'auto-upgrade-minor-version'::'\*\*\*' is not a boolean/)
  expect(logged).not.toContain('shared-secret-text')
  expect(logged).not.toContain('hunter2-value')
})
