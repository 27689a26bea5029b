/**
 * The cluster checks end to end: the bundle, run as a runner runs it, against the sandbox's
 * Kubernetes API and extension controller: a healthy install recognised, the healthcheck's
 * evidence, dropped watches, verify and drift, a slow delete, a Terminating namespace.
 */
import { podsIn } from '../sandbox-kube-helpers.js'
import { BOTH, clusterSandbox, componentsOf, problemsOf, TRAINING } from '../helpers/cluster-run.js'

const cluster = clusterSandbox()
const { start, run } = cluster

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

test('a failed healthcheck: ARM reports the failed hook, the cluster adds its report', async () => {
  await start()
  cluster.sandbox.kube.controller.faults.set('healthcheck', {
    kind: 'HealthcheckFailed',
    code: 'E40002'
  })
  const r = await run(BOTH)
  expect(r.failed).toBe(true)
  expect(r.outputs['provisioning-state']).toBe('Failed')
  const reasons = problemsOf(r).map(p => p.reason)
  // ARM's errorInfo stays, and the healthcheck's own finding is added beside it.
  expect(reasons).toEqual(expect.arrayContaining(['ExtensionOperationFailed', 'E40002']))
  expect(problemsOf(r).find(p => p.reason === 'E40002')!.fix).toMatch(/inference-router-ha|node/i)
})

test('dropped watches and 410 Gone during the wait do not change the verdict', async () => {
  // Slow pods: the action watches them through the rollout, while its operation runs.
  await start({ podStepMs: 100, bookmarkIntervalMs: 100 })
  const api = cluster.sandbox.kube.apiFaults
  let drops = 0
  const faults = setInterval(() => {
    if (api.openWatches() === 0) return
    api.dropWatches()
    api.expireHistory()
    drops++
  }, 150)
  try {
    const r = await run(TRAINING)
    expect(r.errors).toEqual([])
    expect(r.outputs['pods-ready']).toBe('true')
    expect(drops).toBeGreaterThan(0)
    expect(r.stdout).toMatch(/relist|410/i)
  } finally {
    clearInterval(faults)
  }
})

test('verify checks a healthy install without writing; drift reports a broken component', async () => {
  await start()
  expect((await run(TRAINING)).outputs['pods-ready']).toBe('true')
  const writes = cluster.sandbox.arm.requests.filter(q => q.method !== 'GET').length
  const verify = await run({ mode: 'verify' })
  expect(verify.errors).toEqual([])
  expect(verify.outputs['pods-ready']).toBe('true')
  cluster.sandbox.kube.controller.faults.set('gateway', { kind: 'CrashLoopBackOff' })
  const drift = await run({ ...TRAINING, mode: 'drift' })
  expect(drift.failed).toBe(true)
  expect(JSON.parse(drift.outputs.drift!)).toEqual([
    {
      path: 'components.gateway',
      desired: 'Ready',
      actual: expect.stringMatching(/^\w+ \(0\/1\)$/)
    }
  ])
  expect(cluster.sandbox.arm.requests.filter(q => q.method !== 'GET').length).toBe(writes)
})

test('delete waits until the extension has left the namespace, pods that take seconds included', async () => {
  await start({ terminationGraceMs: 1500 })
  await run(TRAINING)
  const r = await run({ mode: 'delete' })
  expect(r.errors).toEqual([])
  expect(r.outputs['provisioning-state']).toBe('Deleted')
  expect(r.ms).toBeGreaterThan(1500)
  expect(podsIn(cluster.sandbox.kube)).toEqual([])
  expect(cluster.sandbox.kube.store.get('namespaces', '', 'azureml')).toBeUndefined()
})

test('apply while azureml is still Terminating from a delete: refused before any write', async () => {
  await start({ terminationGraceMs: 5000 })
  await run(TRAINING)
  // Without waiting for the pods to leave, as a workflow with wait-for-pods: false would.
  await run({ mode: 'delete', 'wait-for-pods': 'false' })
  const before = cluster.sandbox.arm.requests.filter(q => q.method !== 'GET').length
  const r = await run(TRAINING)
  expect(r.failed).toBe(true)
  expect(r.errors.join('\n')).toMatch(/azureml namespace is still Terminating.*then run again/)
  expect(cluster.sandbox.arm.requests.filter(q => q.method !== 'GET').length).toBe(before)
})

test('a second AzureML extension under another name: refused before any write; its delete leaves the first alone', async () => {
  await start()
  expect((await run(TRAINING)).errors).toEqual([])
  const running = podsIn(cluster.sandbox.kube).length
  const writes = () => cluster.sandbox.arm.requests.filter(q => q.method !== 'GET').length
  const before = writes()
  const second = await run({ ...TRAINING, 'extension-name': 'ml-1' })
  expect(second.failed).toBe(true)
  expect(second.errors.join('\n')).toMatch(
    /already has the AzureML extension arcml-extension: a cluster holds one.*Fix: Set extension-name: arcml-extension to manage it/s
  )
  expect(writes()).toBe(before)
  const r = await run({ mode: 'delete', 'extension-name': 'ml-1' })
  expect(r.errors).toEqual([])
  expect(r.outputs['provisioning-state']).toBe('NotFound')
  expect(r.stdout).toMatch(
    /azureml also holds Helm release 'arcml-extension' of another extension on this cluster: left in place\./
  )
  expect(podsIn(cluster.sandbox.kube)).toHaveLength(running)
  expect((await run({ mode: 'verify' })).errors).toEqual([])
})
