import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../../src/main.js'
import { inputEnv, parseOutputs } from '../../sandbox/step.js'

export interface ActionRun {
  /** Everything the action wrote to stdout: log lines, annotations, `::add-mask::` commands. */
  stdout: string
  /** The step outputs it set. */
  outputs: Record<string, string>
  /** The job summary it wrote (Markdown/HTML). */
  summary: string
  failed: boolean
  /** Lines of `::error` annotations and the failure message. */
  errors: string[]
}

/** The environment an action step sees on a runner, pointed at a sandbox. */
export interface RunnerEnv {
  ACTIONS_ID_TOKEN_REQUEST_URL: string
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: string
  [name: string]: string
}

/**
 * Runs the action's real entry point in this process, as the runner would: inputs as INPUT_*
 * variables, outputs through GITHUB_OUTPUT, debug logging on. Restores the environment after.
 */
export async function runAction(
  inputs: Record<string, string>,
  env: RunnerEnv
): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'action-run-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const saved = { ...process.env }
  const chunks: string[] = []
  const write = process.stdout.write.bind(process.stdout)
  Object.assign(process.env, env, {
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    RUNNER_DEBUG: '1',
    ...inputEnv(inputs)
  })
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString())
    return true
  }) as typeof process.stdout.write
  try {
    await run()
  } finally {
    process.stdout.write = write
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
  }
  const failed = process.exitCode === 1
  process.exitCode = 0
  const stdout = chunks.join('')
  const outputs = parseOutputs(readFileSync(outputFile, 'utf8'))
  const summary = readFileSync(summaryFile, 'utf8')
  rmSync(dir, { recursive: true, force: true })
  const errors = stdout.split('\n').filter(l => l.startsWith('::error'))
  const result = { stdout, outputs, summary, failed, errors }
  expectNoLeaks(result)
  return result
}

/**
 * Checked on every run of every test: no value the action masked appears anywhere else in what it
 * printed or in its outputs. The runner would hide them, but safety must not depend on that.
 */
const SECRET_SHAPES = [
  /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]+/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /SharedAccessKey=[^;*\s]/,
  /Bearer [\w-]{20,}/
]

export function expectNoLeaks(r: ActionRun): void {
  const masked = r.stdout
    .split('\n')
    .filter(l => l.startsWith('::add-mask::'))
    .map(l => l.slice('::add-mask::'.length))
    .filter(v => v.length >= 8)
  const shown = [visibleLog(r), ...Object.values(r.outputs), r.summary].join('\n')
  const leaked = masked.filter(secret => shown.includes(secret))
  // Secrets by their shape, masked or not: JWTs, private keys, Relay keys, bearer headers.
  for (const shape of SECRET_SHAPES) {
    if (shape.test(shown))
      throw new Error(`The action printed something shaped like a secret: ${shape}`)
  }
  if (leaked.length > 0) {
    throw new Error(`The action printed ${leaked.length} masked value(s) outside ::add-mask::`)
  }
}

/** The log without the `::add-mask::` commands (which carry secrets to the runner on purpose). */
export function visibleLog(r: ActionRun): string {
  return r.stdout
    .split('\n')
    .filter(l => !l.startsWith('::add-mask::'))
    .join('\n')
}
