/**
 * The cluster checks end to end: the bundle, run as a runner runs it, against the sandbox's
 * Kubernetes API and extension controller. Healthy installs are recognised; each injected pod
 * fault ends in failure well before the timeout, with the problem and its fix in the report.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { startSandbox } from '../sandbox/index.js'
import type { Sandbox, SandboxOptions } from '../sandbox/index.js'
import type { PodFault } from '../sandbox/controller/faults.js'
import { runBundle } from './helpers/bundle-run.js'
import type { BundleRun } from './helpers/bundle-run.js'
import { sandboxInputs } from './helpers/sandbox-run.js'
import { podsIn } from './sandbox-kube-helpers.js'

let sandbox: Sandbox
afterEach(async () => {
  await sandbox?.stop()
})

async function start(opts: SandboxOptions['kube'] = {}): Promise<void> {
  // Helm waits 60 s, far past when the action must have given its verdict.
  sandbox = await startSandbox({ kube: { podStepMs: 20, helmTimeoutMs: 60_000, ...opts } })
}

const TRAINING = { scenario: 'training' }
const BOTH = {
  scenario: 'training-and-inference',
  'inference-router-service-type': 'NodePort',
  'allow-insecure-connections': 'true'
}
// Graces shortened to 1 s; the action's timeout stays at 2 minutes.
const FAST = { AZUREML_ACTION_GRACE_MS: '1000' }

const run = (inputs: Record<string, string>): Promise<BundleRun> =>
  runBundle(sandbox, { ...sandboxInputs(sandbox), ...inputs }, FAST)

interface Component {
  name: string
  kind: string
  status: string
  ready: number
  desired: number
  pods: { name: string; phase: string }[]
}
const componentsOf = (r: BundleRun) => JSON.parse(r.outputs.components!) as Component[]
const problemsOf = (r: BundleRun) =>
  JSON.parse(r.outputs.report!).problems as {
    component: string
    pod?: string
    reason: string
    message: string
    fix: string
  }[]

test('a healthy install is recognised: every component ready, reported in outputs and summary', async () => {
  await start()
  const r = await run(BOTH)
  expect(r.errors).toEqual([])
  expect(r.outputs['pods-ready']).toBe('true')
  const components = componentsOf(r)
  expect(components.map(c => c.name)).toEqual(
    expect.arrayContaining(['healthcheck', 'gateway', 'aml-operator', 'azureml-fe-v2'])
  )
  for (const c of components) {
    expect(c.status).toBe(c.kind === 'Hook' ? 'Completed' : 'Ready')
    expect(c.ready).toBe(c.desired)
  }
  // The Arc sandbox has 3 nodes: HA on, one router replica per node.
  expect(components.find(c => c.name === 'azureml-fe-v2')).toMatchObject({ ready: 3, desired: 3 })
  expect(r.summary).toContain('### Components')
  expect(r.summary).toMatch(/\| ✅ Ready \| azureml-fe-v2 \| Deployment \| 3\/3 \|/)
  expect(r.summary).toMatch(/<details><summary>azureml-fe-v2: 3 pods<\/summary>/)
})

test.each<[string, string, PodFault, Record<string, string>, string, RegExp]>([
  [
    'an image that cannot be pulled',
    'gateway',
    { kind: 'ImagePullBackOff' },
    TRAINING,
    'ImagePullBackOff',
    /mcr\.microsoft\.com/
  ],
  [
    'a crash loop',
    'aml-operator',
    { kind: 'CrashLoopBackOff' },
    TRAINING,
    'CrashLoopBackOff',
    /log|restart/i
  ],
  [
    'router replicas the scheduler cannot place (HA on a small cluster)',
    'azureml-fe-v2',
    { kind: 'Unschedulable', reason: 'anti-affinity' },
    BOTH,
    'Unschedulable',
    /inference-router-ha: false/
  ],
  [
    'pods too big for the nodes',
    'volcano-scheduler',
    { kind: 'Unschedulable', reason: 'insufficient-cpu' },
    TRAINING,
    'Unschedulable',
    /cpu|node/i
  ],
  [
    'a component Helm never creates',
    'volcano-admission',
    { kind: 'NeverAppears' },
    TRAINING,
    'Missing',
    /./
  ]
])(
  'apply fails fast on %s, naming the component and the fix',
  async (_name, component, fault, inputs, reason, fix) => {
    await start()
    sandbox.kube.controller.faults.set(component, fault)
    const r = await run(inputs)
    expect(r.failed).toBe(true)
    expect(r.ms).toBeLessThan(30_000)
    expect(r.outputs['pods-ready']).toBe('false')
    // Where the extension stands when the cluster gave its verdict: ARM still waits on Helm.
    expect(r.outputs['provisioning-state']).toMatch(/^(Creating|Succeeded)$/)
    expect(r.outputs.changed).toBe('true')
    const problem = problemsOf(r).find(p => p.component === component)
    expect(problem).toMatchObject({ reason })
    expect(problem!.fix).toMatch(fix)
    expect(r.errors.join('\n')).toContain(component)
    expect(componentsOf(r).find(c => c.name === component)?.status).toMatch(/Failed|Missing/)
  }
)

test('a failed healthcheck: ARM reports the failed hook, the cluster adds its report', async () => {
  await start()
  sandbox.kube.controller.faults.set('healthcheck', { kind: 'HealthcheckFailed', code: 'E40002' })
  const r = await run(BOTH)
  expect(r.failed).toBe(true)
  expect(r.outputs['provisioning-state']).toBe('Failed')
  const reasons = problemsOf(r).map(p => p.reason)
  // ARM's errorInfo stays, and the healthcheck's own finding is added beside it.
  expect(reasons).toEqual(expect.arrayContaining(['ExtensionOperationFailed', 'E40002']))
  expect(problemsOf(r).find(p => p.reason === 'E40002')!.fix).toMatch(/inference-router-ha|node/i)
})

test('dropped watches and 410 Gone during the wait do not change the verdict', async () => {
  await start({ podStepMs: 60, bookmarkIntervalMs: 100 })
  const faults = setInterval(() => {
    sandbox.kube.apiFaults.dropWatches()
    sandbox.kube.apiFaults.expireHistory()
  }, 300)
  try {
    const r = await run(TRAINING)
    expect(r.errors).toEqual([])
    expect(r.outputs['pods-ready']).toBe('true')
    expect(r.stdout).toMatch(/relist|410/i)
  } finally {
    clearInterval(faults)
  }
})

test('verify checks a healthy install without writing; drift reports a broken component', async () => {
  await start()
  expect((await run(TRAINING)).outputs['pods-ready']).toBe('true')
  const writes = sandbox.arm.requests.filter(q => q.method !== 'GET').length
  const verify = await run({ mode: 'verify' })
  expect(verify.errors).toEqual([])
  expect(verify.outputs['pods-ready']).toBe('true')
  sandbox.kube.controller.faults.set('gateway', { kind: 'CrashLoopBackOff' })
  const drift = await run({ ...TRAINING, mode: 'drift' })
  expect(drift.failed).toBe(true)
  expect(JSON.parse(drift.outputs.drift!)).toEqual([
    {
      path: 'components.gateway',
      desired: 'Ready',
      actual: expect.stringMatching(/^\w+ \(0\/1\)$/)
    }
  ])
  expect(sandbox.arm.requests.filter(q => q.method !== 'GET').length).toBe(writes)
})

test('delete waits until the extension has left the namespace, pods that take seconds included', async () => {
  await start({ terminationGraceMs: 1500 })
  await run(TRAINING)
  const r = await run({ mode: 'delete' })
  expect(r.errors).toEqual([])
  expect(r.outputs['provisioning-state']).toBe('Deleted')
  expect(r.ms).toBeGreaterThan(1500)
  expect(podsIn(sandbox.kube)).toEqual([])
  expect(sandbox.kube.store.get('namespaces', '', 'azureml')).toBeUndefined()
})

test('a kubeconfig user without watch on pods: the run names the verb, the resource and the role', async () => {
  await start({ forbidden: ['watch pods'] })
  const r = await run({ ...TRAINING, 'wait-for-pods': 'true' })
  expect(r.failed).toBe(true)
  expect(r.errors.join('\n')).toMatch(/cannot watch pods in namespace azureml: 403/)
  expect(r.errors.join('\n')).toMatch(/get, list, watch on pods/)
})

test('an API server the runner cannot reach: said plainly, with wait-for-pods: false for private clusters', async () => {
  await start()
  const closed = await closedPort()
  const unreachable = readFileSync(sandbox.kubeconfigPath, 'utf8').replace(
    /server: https:\/\/127\.0\.0\.1:\d+/,
    `server: https://127.0.0.1:${closed}`
  )
  const r = await run({ ...TRAINING, kubeconfig: unreachable, timeout: '1m' })
  expect(r.failed).toBe(true)
  expect(r.errors.join('\n')).toMatch(/cannot reach the Kubernetes API server/)
  expect(r.errors.join('\n')).toMatch(/wait-for-pods: false/)
  // Found in Preflight: nothing is installed that could not then be verified.
  expect(sandbox.arm.requests.filter(q => q.method !== 'GET')).toEqual([])
})

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise(resolve => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

test('apply while azureml is still Terminating from a delete: refused before any write', async () => {
  await start({ terminationGraceMs: 5000 })
  await run(TRAINING)
  // Without waiting for the pods to leave, as a workflow with wait-for-pods: false would.
  await run({ mode: 'delete', 'wait-for-pods': 'false' })
  const before = sandbox.arm.requests.filter(q => q.method !== 'GET').length
  const r = await run(TRAINING)
  expect(r.failed).toBe(true)
  expect(r.errors.join('\n')).toMatch(/azureml namespace is still Terminating.*then run again/)
  expect(sandbox.arm.requests.filter(q => q.method !== 'GET').length).toBe(before)
})
