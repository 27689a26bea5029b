/**
 * Scale for `npm run bench`: the bundled action's `verify` of a healthy namespace of about
 * 20,000 pods on 5,000 nodes, beside `kubectl get pods -o json` on the same sandbox.
 *
 * Reaching 20,000 honestly: every pod must belong to a component the extension runs, or the action
 * would rightly call it unexpected. DaemonSets give one pod per node; a pre-1.1.5 extension with
 * training on and the NVIDIA plugin off expects four (fluent-bit, k8s-host-device-plugin-daemonset,
 * nfd-worker, csi-blob-node), so 5,000 nodes give 20,000 DaemonSet pods plus 15 Deployment and
 * StatefulSet pods and the completed healthcheck hook. (A 1.1.9 extension with the NVIDIA plugin and
 * the DCGM exporter has three DaemonSets: 15,000 pods.)
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox, type Sandbox } from '../sandbox/index.js'
import { expectExit, runAction, timed, type ActionRun, type Exit } from './proc.js'
import { KUBECTL, VERDICT } from './readiness.js'
import { seedExtension, seedHealthyNamespace, type Target } from './seed.js'

export const NODES = 5_000
export const TARGET: Target = {
  name: 'arcml-extension',
  version: '1.0.88',
  settings: {
    enableTraining: 'True',
    enableInference: 'False',
    installNvidiaDevicePlugin: 'False',
    'relayserver.enabled': 'true',
    'nginxIngress.enabled': 'false'
  }
}

/** A run, and the CPU this process (the sandbox's API server) spent serving it. */
export type Served<T> = T & { serverCpuS: number }

/** Where a verify run's wall time went, in ms, from its debug lines' arrival. */
export interface Phases {
  /** Spawn to the Cluster phase: Node start, inputs, sign-in, preflight, the ARM read. */
  start: number
  /** The Cluster phase's lists (two pages in flight) until the last of nodes and pods is in. */
  lists: number
  /** The last list to the verdict line: the first decision on the whole snapshot. */
  decision: number
  /** The verdict to exit: report, outputs, summary. */
  finish: number
}

export interface ScaleResult {
  pods: number
  seedMs: number
  action: Served<ActionRun & { phases: Phases }>[]
  kubectl: Served<Exit>[]
  /** Bytes of `kubectl get pods -o json`'s output, and its item count (checked once). */
  kubectlBytes: number
}

async function served<T>(run: () => Promise<T>): Promise<Served<T>> {
  const before = process.cpuUsage()
  const result = await run()
  const { user, system } = process.cpuUsage(before)
  return { ...result, serverCpuS: (user + system) / 1e6 }
}

/**
 * `runs` verify runs; `kubectlRuns` of them are each followed by a kubectl run (kubectl takes
 * tens of seconds on 20,000 pods here, so fewer of those keep the total near three minutes).
 */
export async function scaleSeries(
  runs: number,
  kubectlRuns: number,
  progress: (line: string) => void
): Promise<ScaleResult> {
  const t0 = performance.now()
  // Every seeded object stays in the watch history: no 410 and no per-write history trimming.
  const sandbox = await startSandbox({ kube: { nodes: NODES, historyLimit: 100_000 } })
  const dir = await mkdtemp(join(tmpdir(), 'bench-scale-'))
  try {
    seedExtension(sandbox, TARGET)
    const pods = seedHealthyNamespace(sandbox, TARGET)
    progress(`scale: ${pods} pods seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    const result: ScaleResult = {
      pods,
      seedMs: performance.now() - t0,
      action: [],
      kubectl: [],
      kubectlBytes: 0
    }
    // Alternating, so that drift in the machine's state weighs on both alike.
    for (let i = 0; i < runs; i++) {
      const action = await served(() => verifyOnce(sandbox, TARGET.name))
      result.action.push(action)
      progress(`scale ${i + 1}/${runs}: action ${took(action)}`)
      if (i >= kubectlRuns) continue
      const kubectl = await served(() => kubectlGet(sandbox, dir, i === 0 ? result : undefined))
      result.kubectl.push(kubectl)
      progress(`scale ${i + 1}/${kubectlRuns}: kubectl ${took(kubectl)}`)
    }
    return result
  } finally {
    await rm(dir, { recursive: true, force: true })
    await sandbox.stop()
  }
}

const took = (e: Exit): string =>
  `${((e.exitedAt - e.spawnedAt) / 1000).toFixed(2)} s, ${e.peakMb?.toFixed(0)} MB`

/** Debug on for the per-list lines that mark the phases (a few dozen lines in all). */
async function verifyOnce(sandbox: Sandbox, name: string) {
  const marks = { cluster: 0, listed: 0, verdict: 0 }
  const onLine = (line: string, at: number) => {
    if (line === '::group::Cluster') marks.cluster = at
    else if (/^::debug::(pods|nodes): listed /.test(line)) marks.listed = at
    else if (VERDICT.test(line)) marks.verdict = at
  }
  const inputs = { mode: 'verify', 'extension-name': name }
  const run = await runAction(sandbox, inputs, { measureMemory: true, debug: true, onLine })
  expectExit('the action (verify at scale)', run)
  if (run.outputs['pods-ready'] !== 'true' || !marks.verdict)
    throw new Error(`verify at scale was not healthy:\n${run.tail.join('\n')}`)
  const phases: Phases = {
    start: marks.cluster - run.spawnedAt,
    lists: marks.listed - marks.cluster,
    decision: marks.verdict - marks.listed,
    finish: run.exitedAt - marks.verdict
  }
  return { ...run, phases }
}

/** Output to a file, the cheapest sink that still makes kubectl print every pod. */
async function kubectlGet(sandbox: Sandbox, dir: string, count?: ScaleResult): Promise<Exit> {
  const out = join(dir, 'pods.json')
  const args = ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', join(dir, 'cache')]
  args.push('get', 'pods', '-n', 'azureml', '-o', 'json')
  const env = { PATH: process.env.PATH ?? '', HOME: dir }
  const exit = await timed(KUBECTL, args, { env, measureMemory: true, stdoutFile: out })
  expectExit('kubectl get pods -o json', exit)
  if (count) {
    const text = await readFile(out, 'utf8')
    const items = (JSON.parse(text) as { items: unknown[] }).items.length
    if (items !== count.pods) throw new Error(`kubectl listed ${items} pods, not ${count.pods}`)
    count.kubectlBytes = Buffer.byteLength(text)
  }
  return exit
}
