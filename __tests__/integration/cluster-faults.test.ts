/**
 * Each injected pod fault ends the bundle's run in failure well before its timeout, with the
 * problem and its fix in the report; a forbidden and an unreachable API server are explained.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { PodFault } from '../../sandbox/controller/faults.js'
import { BOTH, clusterSandbox, componentsOf, problemsOf, TRAINING } from '../helpers/cluster-run.js'

const cluster = clusterSandbox()
const { start, run } = cluster

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
    cluster.sandbox.kube.controller.faults.set(component, fault)
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
  const unreachable = readFileSync(cluster.sandbox.kubeconfigPath, 'utf8').replace(
    /server: https:\/\/127\.0\.0\.1:\d+/,
    `server: https://127.0.0.1:${closed}`
  )
  const r = await run({ ...TRAINING, kubeconfig: unreachable, timeout: '1m' })
  expect(r.failed).toBe(true)
  expect(r.errors.join('\n')).toMatch(/cannot reach the Kubernetes API server/)
  expect(r.errors.join('\n')).toMatch(/wait-for-pods: false/)
  // Found in Preflight: nothing is installed that could not then be verified.
  expect(cluster.sandbox.arm.requests.filter(q => q.method !== 'GET')).toEqual([])
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
