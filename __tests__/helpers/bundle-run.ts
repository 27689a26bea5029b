/**
 * Runs the bundled action (dist/index.js) in a child process, as a runner does, against a sandbox:
 * inputs as INPUT_* variables, the sandbox CA through NODE_EXTRA_CA_CERTS, outputs and summary
 * through files. The log is checked for secrets like every in-process run.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Sandbox } from '../../sandbox/index.js'
import { inputEnv, parseOutputs, stepEnv } from '../../sandbox/step.js'
import { expectNoLeaks } from './action.js'
import type { ActionRun } from './action.js'

// AZUREML_ACTION_DIST runs another build of the bundle (scripts/bundle.sh with OUT=…).
const DIST =
  process.env.AZUREML_ACTION_DIST ?? new URL('../../dist/index.js', import.meta.url).pathname

export interface BundleRun extends ActionRun {
  /** Wall time of the step, from spawn to exit. */
  ms: number
  /** With `cancel`: from the signal to the exit. */
  exitAfterSignalMs?: number
}

/** Cancels the step as a runner does: `signal` once its output matches `when`. */
export interface Cancel {
  when: RegExp
  signal: NodeJS.Signals
}

export async function runBundle(
  sandbox: Sandbox,
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  cancel?: Cancel
): Promise<BundleRun> {
  const dir = await mkdtemp(join(tmpdir(), 'bundle-run-'))
  const [outputFile, summaryFile] = [join(dir, 'output'), join(dir, 'summary')]
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')])
  const childEnv: Record<string, string> = {
    ...stepEnv(sandbox),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_DEBUG: '1',
    AZUREML_ACTION_POLL_MS: '20',
    AZUREML_ACTION_RETRY_MS: '20',
    ...env,
    ...inputEnv(inputs)
  }
  const started = Date.now()
  let signalledAt: number | undefined
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>(resolve => {
    const child = spawn(process.execPath, [DIST], { env: childEnv })
    const out: Buffer[] = []
    const take = (c: Buffer) => {
      out.push(c)
      if (cancel && signalledAt === undefined && cancel.when.test(Buffer.concat(out).toString())) {
        signalledAt = Date.now()
        child.kill(cancel.signal)
      }
    }
    child.stdout.on('data', take)
    child.stderr.on('data', take)
    child.on('close', c => resolve({ code: c ?? 1, stdout: Buffer.concat(out).toString('utf8') }))
  })
  const ms = Date.now() - started
  const exitAfterSignalMs = signalledAt === undefined ? undefined : Date.now() - signalledAt
  const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
  const summary = await readFile(summaryFile, 'utf8')
  await rm(dir, { recursive: true, force: true })
  const errors = stdout.split('\n').filter(l => l.startsWith('::error'))
  const result = { stdout, outputs, summary, failed: code !== 0, errors, ms, exitAfterSignalMs }
  expectNoLeaks(result)
  return result
}
