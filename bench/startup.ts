/**
 * Start-up for `npm run bench`: the bundled action from spawn to its exit on a validation error,
 * and to its first network request, each beside `node -e ''` on the same Node binary, runs
 * interleaved so that the machine's load weighs on all alike. And the bundle's size: what every
 * run loads, and the chunks only some runs load.
 *
 * The inputs are a workflow's (a kubeconfig included), with one mistake for the validation run.
 * The first request is whatever the action connects to first (GitHub OIDC, Entra ID or ARM): all
 * three point at one local listener that notes the moment of its first TCP connection and never
 * answers; the child is then stopped.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { inputEnv } from '../sandbox/step.js'
import { bundleEntry, expectExit, median, timed } from './proc.js'

export interface StartupResult {
  /** Spawn to exit of `node -e ''`, per run. */
  bare: number[]
  /** Spawn to exit on a validation error, per run. */
  validation: number[]
  /** Spawn to the first TCP connection, per run. */
  firstRequest: number[]
}

export interface BundleSize {
  /** dist/index.js: parsed by every run. */
  entryBytes: number
  /** The lazily loaded chunks, largest first. */
  chunks: { file: string; bytes: number }[]
}

const KUBECONFIG = (server: string) => `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: '${server}', insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: bench } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`

function workflowInputs(origin: string, kubeconfig: string): Record<string, string> {
  return {
    'subscription-id': '00000000-0000-0000-0000-000000000001',
    'tenant-id': '00000000-0000-0000-0000-000000000002',
    'client-id': '00000000-0000-0000-0000-000000000003',
    'resource-group': 'rg-ml',
    'cluster-name': 'arc-cluster',
    'cluster-type': 'connectedClusters',
    'arm-endpoint': origin,
    'authority-host': origin,
    scenario: 'training',
    kubeconfig
  }
}

/** A listener that resolves with the moment (performance.now()) of its first connection. */
async function firstConnection() {
  let seen!: (at: number) => void
  const at = new Promise<number>(r => (seen = r))
  const sockets = new Set<import('node:net').Socket>()
  const server = createServer(socket => {
    seen(performance.now())
    sockets.add(socket)
    socket.on('error', () => undefined)
  })
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const close = async () => {
    sockets.forEach(s => s.destroy())
    await new Promise(r => server.close(r))
  }
  return { origin: `https://127.0.0.1:${port}`, at, close }
}

/** Spawn to the first connection the action makes; the child is killed then. */
async function toFirstRequest(env: Record<string, string>, dir: string): Promise<number> {
  const listener = await firstConnection()
  const kubeconfig = join(dir, 'kubeconfig')
  await writeFile(kubeconfig, KUBECONFIG(listener.origin))
  const tokenUrl = `${listener.origin}/oidc/token?api-version=2.0`
  const childEnv = {
    ...env,
    ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bench',
    ...inputEnv(workflowInputs(listener.origin, kubeconfig))
  }
  const spawnedAt = performance.now()
  const child = spawn(process.execPath, [bundleEntry()], { env: childEnv, stdio: 'ignore' })
  const exited = new Promise<number>(r => child.on('exit', c => r(c ?? 1)))
  const first = await Promise.race([listener.at, exited.then(c => -c - 1)])
  child.kill('SIGKILL')
  await exited
  await listener.close()
  if (first < 0) throw new Error(`the action exited (${-first - 1}) before any network request`)
  return first - spawnedAt
}

async function toValidationExit(env: Record<string, string>, dir: string): Promise<number> {
  const kubeconfig = join(dir, 'kubeconfig')
  await writeFile(kubeconfig, KUBECONFIG('https://127.0.0.1:1'))
  // A cluster type misspelt: caught while reading the inputs, before anything calls Azure.
  const inputs = { ...workflowInputs('https://127.0.0.1:1', kubeconfig), 'cluster-type': 'arc' }
  const exit = await timed(process.execPath, [bundleEntry()], {
    env: { ...env, ...inputEnv(inputs) }
  })
  expectExit('the action (invalid inputs)', exit, 1)
  if (!exit.tail.some(l => l.includes('cluster-type')))
    throw new Error(`the action did not name the invalid input:\n${exit.tail.join('\n')}`)
  return exit.exitedAt - exit.spawnedAt
}

export async function startupSeries(
  runs: number,
  progress: (line: string) => void
): Promise<StartupResult> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-start-'))
  const env = {
    PATH: process.env.PATH ?? '',
    GITHUB_OUTPUT: join(dir, 'output'),
    GITHUB_STEP_SUMMARY: join(dir, 'summary'),
    NO_PROXY: '127.0.0.1,localhost'
  }
  await Promise.all([writeFile(env.GITHUB_OUTPUT, ''), writeFile(env.GITHUB_STEP_SUMMARY, '')])
  const result: StartupResult = { bare: [], validation: [], firstRequest: [] }
  try {
    // One unmeasured round first: the file cache holds the bundle afterwards, as on a runner
    // that has just checked the action out.
    for (let i = -1; i < runs; i++) {
      const bare = await timed(process.execPath, ['-e', ''], { env })
      const validation = await toValidationExit(env, dir)
      const first = await toFirstRequest(env, dir)
      if (i < 0) continue
      result.bare.push(bare.exitedAt - bare.spawnedAt)
      result.validation.push(validation)
      result.firstRequest.push(first)
      const ms = (v: number) => `${Math.round(v)} ms`
      progress(
        `start-up ${i + 1}/${runs}: node -e '' ${ms(result.bare.at(-1)!)}, validation exit ${ms(validation)}, first request ${ms(first)}`
      )
    }
    return result
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Ratios of the medians, as the goals are put. */
export function startupRatios(r: StartupResult): { validation: number; firstRequest: number } {
  const bare = median(r.bare)
  return {
    validation: median(r.validation) / bare,
    firstRequest: median(r.firstRequest) / bare
  }
}

export async function bundleSize(): Promise<BundleSize> {
  const entry = bundleEntry()
  const dir = dirname(entry)
  const files = (await readdir(dir)).filter(f => /^\d+\.index\.js$/.test(f))
  const chunks = await Promise.all(
    files.map(async file => ({ file, bytes: (await stat(join(dir, file))).size }))
  )
  return {
    entryBytes: (await stat(entry)).size,
    chunks: chunks.sort((a, b) => b.bytes - a.bytes)
  }
}
