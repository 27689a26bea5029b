/**
 * Readiness detection for `npm run bench`: from the moment the sandbox marks the last
 * extension pod Ready to the action's verdict line, and to `kubectl wait`'s exit, both on the
 * same fresh sandbox in each run.
 *
 * Where the action is at that moment decides what is measured. The verdict comes from the Cluster
 * phase's watch, which opens only once ARM reports the extension Succeeded (apply: after its own
 * operation; verify: after waiting out Creating). The sandbox's ARM reports Succeeded in the very
 * controller tick that makes the last pod Ready (Helm's --wait), so through ARM the action always
 * meets an already-ready namespace on a fresh list, and the delay is the ARM poll interval
 * (AZUREML_ACTION_POLL_MS) plus a list, not detection. The `verify` path therefore has ARM already
 * say Succeeded (as after an earlier install) while the controller rolls the pods out, and the
 * install starts only once the action's watches are open: the watch sees the last pod turn Ready.
 * The `apply` path is the end-to-end figure through ARM, for comparison.
 */
import { installed } from '../sandbox/arm/extension-model.js'
import { startSandbox, type Sandbox } from '../sandbox/index.js'
import type { KubeObject } from '../sandbox/kube/types.js'
import { expectExit, runAction, timed, type ActionRun, type Exit } from './proc.js'
import { seedExtension, type Target } from './seed.js'

export const KUBECTL = '/usr/bin/kubectl'
export const SELECTOR = 'ml.azure.com/amlarc-system=true'
export const NOT_COMPLETED = 'status.phase!=Succeeded'
/**
 * Pods take three steps from creation to Ready: 750 ms for kubectl, started once they exist, to
 * have its first watch open (a Go binary behind the gcloud dispatcher; 0.3-0.5 s on a busy
 * 2-core machine), and the action long since watching.
 */
export const POD_STEP_MS = 250
export const VERDICT = /^All \d+ components of the extension are ready in azureml\.$/

export type ReadinessPath = 'verify' | 'apply'

/** The inputs of the demo's first step; the verify path's ARM settings say the same. */
const APPLY_INPUTS = {
  scenario: 'training-and-inference',
  'inference-router-service-type': 'NodePort',
  'allow-insecure-connections': 'true'
}
const TARGET: Target = {
  name: 'arcml-extension',
  version: '1.1.71',
  settings: {
    enableTraining: 'True',
    enableInference: 'True',
    inferenceRouterServiceType: 'NodePort',
    allowInsecureConnections: 'True'
  }
}

export interface ReadinessRun {
  actionMs: number
  kubectlMs: number
  /** How long before the last Ready kubectl was started, and whether its watch was open then. */
  kubectlLeadMs: number
  kubectlWatching: boolean
  /** Whether the healthcheck hook pod carries the label kubectl selects on. */
  hookLabelled: boolean
  /** With `unfiltered`: kubectl wait without the field selector (this run's sandbox lives on until it exits). */
  unfiltered?: Promise<Exit>
}

interface LastReady {
  at: number
  openWatches: number
}

function ready(pod: KubeObject): boolean {
  const status = pod.status as { conditions?: { type: string; status: string }[] } | undefined
  const conditions = status?.conditions ?? []
  return conditions.some(c => c.type === 'Ready' && c.status === 'True')
}

const isHook = (pod: KubeObject): boolean => !!pod.metadata.annotations?.['helm.sh/hook']

/**
 * When the extension's pods first exist (the controller creates them all in one synchronous pass,
 * and promise callbacks run after it), and when every non-hook pod is first Ready=True.
 */
function podMoments(sandbox: Sandbox) {
  let exist!: (hookLabelled: boolean) => void
  let allReady!: (moment: LastReady) => void
  const podsExist = new Promise<boolean>(r => (exist = r))
  const lastReady = new Promise<LastReady>(r => (allReady = r))
  const unsubscribe = sandbox.kube.store.subscribe('pods', () => {
    const at = performance.now()
    const all = sandbox.kube.store.list('pods', { namespace: 'azureml' }).items
    const pods = all.filter(p => !isHook(p))
    if (pods.length === 0) return
    exist(all.some(p => isHook(p) && p.metadata.labels?.[SELECTOR.split('=')[0]!] === 'true'))
    if (!pods.every(ready)) return
    unsubscribe()
    allReady({ at, openWatches: sandbox.kube.apiFaults.openWatches() })
  })
  return { podsExist, lastReady }
}

export function kubectlWait(sandbox: Sandbox, cacheDir: string, notCompleted: boolean) {
  const args = ['--kubeconfig', sandbox.kubeconfigPath, '--cache-dir', cacheDir, 'wait']
  args.push('--for=condition=Ready', 'pod', '-l', SELECTOR, '-n', 'azureml', '--timeout=60s')
  if (notCompleted) args.push(`--field-selector=${NOT_COMPLETED}`)
  return timed(KUBECTL, args, { env: { PATH: process.env.PATH ?? '', HOME: cacheDir } })
}

/** Resolves once the open watch count is non-zero and has not moved for `quietMs`. */
async function watchesSettled(sandbox: Sandbox, quietMs = 300, limitMs = 30_000): Promise<void> {
  const start = performance.now()
  let last = -1
  let since = start
  while (performance.now() - start < limitMs) {
    const n = sandbox.kube.apiFaults.openWatches()
    if (n !== last) [last, since] = [n, performance.now()]
    else if (n > 0 && performance.now() - since >= quietMs) return
    await new Promise(r => setTimeout(r, 10))
  }
  throw new Error(`the action opened no steady set of watches within ${limitMs} ms`)
}

/**
 * Starts the action; on the verify path also the install, once the action is watching. The run
 * comes back wrapped: an async function returning it bare would wait for its end.
 */
async function start(
  sandbox: Sandbox,
  path: ReadinessPath,
  onLine: (l: string, at: number) => void
): Promise<{ action: Promise<ActionRun> }> {
  if (path === 'apply') return { action: runAction(sandbox, APPLY_INPUTS, { onLine }) }
  const ext = seedExtension(sandbox, TARGET)
  const action = runAction(sandbox, { mode: 'verify', 'extension-name': ext.name }, { onLine })
  const early = action.then(r => {
    throw new Error(`the action ended before watching:\n${r.tail.join('\n')}`)
  })
  await Promise.race([watchesSettled(sandbox), early])
  early.catch(() => undefined)
  void sandbox.kube.backend.applyExtension(installed(ext, TARGET.version), 'create')
  return { action }
}

export async function readinessRun(
  path: ReadinessPath,
  cacheDir: string,
  unfiltered = false
): Promise<ReadinessRun> {
  const sandbox = await startSandbox({ kube: { podStepMs: POD_STEP_MS, helmTimeoutMs: 60_000 } })
  let held: Promise<Exit> | undefined
  try {
    const moments = podMoments(sandbox)
    let verdictAt: number | undefined
    const { action } = await start(sandbox, path, (line, at) => {
      if (VERDICT.test(line)) verdictAt ??= at
    })
    const hookLabelled = await moments.podsExist
    const before = sandbox.kube.apiFaults.openWatches()
    const waiting = kubectlWait(sandbox, cacheDir, true)
    if (unfiltered) held = kubectlWait(sandbox, cacheDir, false)
    const last = await moments.lastReady
    const [run, kubectl] = await Promise.all([action, waiting])
    check(path, run, verdictAt, kubectl)
    return {
      actionMs: verdictAt! - last.at,
      kubectlMs: kubectl.exitedAt - last.at,
      kubectlLeadMs: last.at - kubectl.spawnedAt,
      kubectlWatching: last.openWatches - before >= (held ? 2 : 1),
      hookLabelled,
      unfiltered: held?.finally(() => sandbox.stop())
    }
  } finally {
    if (!held) await sandbox.stop()
  }
}

function check(path: ReadinessPath, run: ActionRun, verdictAt: number | undefined, k: Exit) {
  expectExit(`the action (${path})`, run)
  if (run.outputs['pods-ready'] !== 'true' || verdictAt === undefined)
    throw new Error(`the action (${path}) gave no healthy verdict:\n${run.tail.join('\n')}`)
  expectExit('kubectl wait --field-selector', k)
}
