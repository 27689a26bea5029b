/**
 * Child processes for `npm run bench`: the bundled action started as a runner starts it, and any
 * command timed from this process's clock, optionally with its peak memory.
 */
import { spawn } from 'node:child_process'
import { cp, mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import type { Sandbox } from '../sandbox/index.js'
import { inputEnv, parseOutputs, stepEnv, targetInputs } from '../sandbox/step.js'

const REPO = new URL('../', import.meta.url).pathname
/** The bundle measured: dist/, or another build (scripts/bundle.sh with OUT=…) named as for the tests. */
export const ENTRY = process.env.AZUREML_ACTION_DIST ?? join(REPO, 'dist/index.js')
const DIST = dirname(ENTRY)
const GNU_TIME = '/usr/bin/time'
let bundle = ENTRY

/** The bundle as it runs now (the private copy once snapshotBundle was called). */
export const bundleEntry = (): string => bundle

/**
 * Runs a private copy of the bundle from now on: others rebuild it while this runs, and
 * `npm run bundle` begins by deleting it. Gives the bundle's build time and the copy's removal.
 */
export async function snapshotBundle(): Promise<{ builtAt: number; drop(): Promise<void> }> {
  await bundleAtRest()
  const dir = await mkdtemp(join(tmpdir(), 'bench-dist-'))
  await cp(DIST, dir, { recursive: true, preserveTimestamps: true })
  bundle = join(dir, basename(ENTRY))
  const builtAt = (await stat(bundle)).mtimeMs
  return { builtAt, drop: () => rm(dir, { recursive: true, force: true }) }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false
  )

/** Waits out a build in progress (scripts/bundle.sh builds into .lib-<out>, removed at its end). */
async function bundleAtRest(limitMs = 120_000): Promise<void> {
  const lib = join(REPO, `.lib-${relative(REPO, DIST).replace(/\//g, '-')}`)
  for (const start = Date.now(); Date.now() - start < limitMs;) {
    if ((await exists(ENTRY)) && !(await exists(lib))) return
    await new Promise(r => setTimeout(r, 500))
  }
  throw new Error(`${ENTRY} is missing (or a bundle is still building): run npm run bundle`)
}

export interface Exit {
  code: number
  /** performance.now() of this process when the child was spawned and when it exited. */
  spawnedAt: number
  exitedAt: number
  /** Peak resident set (VmHWM, as GNU time reports ru_maxrss), when asked for. */
  peakMb?: number
  /** CPU seconds (user + system) of the child, when memory was asked for. */
  cpuS?: number
  /** The last lines of stdout and stderr, for a failure's report. */
  tail: string[]
}

export interface SpawnOptions {
  env?: Record<string, string>
  /** Each complete stdout line with the arrival time (performance.now()) of its last chunk. */
  onLine?: (line: string, at: number) => void
  /** Runs the command under `/usr/bin/time -v` to read its peak RSS. */
  measureMemory?: boolean
  /** Where stdout goes when no line is wanted (a file path); default: read and kept as tail. */
  stdoutFile?: string
}

/** Spawns a command and resolves at its exit; never rejects on a non-zero exit. */
export async function timed(cmd: string, args: string[], opts: SpawnOptions = {}): Promise<Exit> {
  const dir = opts.measureMemory ? await mkdtemp(join(tmpdir(), 'bench-time-')) : undefined
  const timeFile = dir && join(dir, 'time')
  const argv = timeFile ? [GNU_TIME, '-v', '-o', timeFile, cmd, ...args] : [cmd, ...args]
  const sink = opts.stdoutFile ? await open(opts.stdoutFile, 'w') : undefined
  const tail: string[] = []
  const spawnedAt = performance.now()
  const child = spawn(argv[0]!, argv.slice(1), {
    env: opts.env ?? { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', sink?.fd ?? 'pipe', 'pipe']
  })
  if (!sink) child.stdout!.on('data', lines(tail, opts.onLine))
  child.stderr!.on('data', lines(tail))
  const code = await new Promise<number>(resolve => child.on('exit', c => resolve(c ?? 1)))
  const exitedAt = performance.now()
  await sink?.close()
  const usage = timeFile ? await usageOf(timeFile) : {}
  if (dir) await rm(dir, { recursive: true, force: true })
  return { code, spawnedAt, exitedAt, ...usage, tail }
}

/** A `data` listener that splits chunks into lines, keeping the last 40 in `tail`. */
function lines(tail: string[], onLine?: (line: string, at: number) => void) {
  let rest = ''
  return (chunk: Buffer) => {
    const at = performance.now()
    const parts = (rest + chunk.toString('utf8')).split('\n')
    rest = parts.pop()!
    for (const line of parts) {
      onLine?.(line, at)
      if (line.startsWith('::debug::')) continue
      tail.push(line)
      if (tail.length > 40) tail.shift()
    }
  }
}

/** What GNU time -v wrote: peak RSS and CPU time. */
async function usageOf(timeFile: string): Promise<Pick<Exit, 'peakMb' | 'cpuS'>> {
  const text = await readFile(timeFile, 'utf8')
  const field = (label: string) => Number(new RegExp(`${label}: ([\\d.]+)`).exec(text)?.[1])
  const user = field('User time \\(seconds\\)')
  const system = field('System time \\(seconds\\)')
  return {
    peakMb: field('Maximum resident set size \\(kbytes\\)') / 1024,
    cpuS: user + system
  }
}

export interface ActionRun extends Exit {
  outputs: Record<string, string>
  summaryBytes: number
  outputBytes: number
}

/**
 * The bundle as a runner runs it (see scripts/demo.ts): inputs as INPUT_*, the sandbox CA through
 * NODE_EXTRA_CA_CERTS, outputs and the job summary through files.
 */
export async function runAction(
  sandbox: Sandbox,
  inputs: Record<string, string>,
  opts: Omit<SpawnOptions, 'env' | 'stdoutFile'> & { debug?: boolean } = {}
): Promise<ActionRun> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-action-'))
  const [outputFile, summaryFile] = [join(dir, 'output'), join(dir, 'summary')]
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')])
  const env: Record<string, string> = {
    ...stepEnv(sandbox),
    // As the demo: ARM polled every 250 ms instead of the production 10 s.
    AZUREML_ACTION_POLL_MS: '250',
    AZUREML_ACTION_RETRY_MS: '200',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    ...(opts.debug ? { RUNNER_DEBUG: '1' } : {}),
    ...inputEnv({ ...targetInputs(sandbox), ...inputs })
  }
  const exit = await timed(process.execPath, [bundle], { ...opts, env })
  const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
  const [summaryBytes, outputBytes] = [
    (await stat(summaryFile)).size,
    (await stat(outputFile)).size
  ]
  await rm(dir, { recursive: true, force: true })
  return { ...exit, outputs, summaryBytes, outputBytes }
}

/** Throws with the child's last lines when a run did not end as it should. */
export function expectExit(what: string, exit: Exit, code = 0): void {
  if (exit.code === code) return
  throw new Error(`${what} exited ${exit.code}, not ${code}:\n${exit.tail.join('\n')}`)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
