/**
 * One run of the bundled action in a child process for the fuzzing: like runBundle, but it keeps
 * the exit code, kills a run that outlives its allowance instead of waiting, and never throws.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseOutputs } from '../../sandbox/step.js'

// AZUREML_ACTION_DIST runs another build of the bundle (scripts/bundle.sh with OUT=…).
const DIST =
  process.env.AZUREML_ACTION_DIST ?? new URL('../../dist/index.js', import.meta.url).pathname

export interface ChildRun {
  code: number | null
  /** stdout and stderr, interleaved as they came. */
  log: string
  outputs: Record<string, string>
  summary: string
  hung: boolean
}

/** Runs the bundle with exactly `env` (plus output files); SIGKILL after `limitMs`. */
export async function runChild(env: Record<string, string>, limitMs: number): Promise<ChildRun> {
  const dir = await mkdtemp(join(tmpdir(), 'fuzz-run-'))
  const [outputFile, summaryFile] = [join(dir, 'output'), join(dir, 'summary')]
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')])
  // A runner cannot pass NUL in a variable either.
  const clean = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(/\0/g, '')]))
  const childEnv = { ...clean, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile }
  const { code, log, hung } = await new Promise<{
    code: number | null
    log: string
    hung: boolean
  }>(resolve => {
    const child = spawn(process.execPath, [DIST], { env: childEnv })
    const out: Buffer[] = []
    let hung = false
    const timer = setTimeout(() => {
      hung = true
      child.kill('SIGKILL')
    }, limitMs)
    child.stdout.on('data', (c: Buffer) => out.push(c))
    child.stderr.on('data', (c: Buffer) => out.push(c))
    child.on('close', c => {
      clearTimeout(timer)
      resolve({ code: c, log: Buffer.concat(out).toString('utf8'), hung })
    })
  })
  const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
  const summary = await readFile(summaryFile, 'utf8')
  await rm(dir, { recursive: true, force: true })
  return { code, log, outputs, summary, hung }
}
