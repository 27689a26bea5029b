/** apply with the cluster reachable: the guard counts what a disruptive update would hit. */
import { readFileSync } from 'node:fs'
import { runInSandbox, sandboxInputs, startFullSandbox } from './helpers/sandbox-run.js'
import type { Sandbox } from './helpers/sandbox-run.js'
import { visibleLog } from './helpers/action.js'

let sandbox: Sandbox
beforeAll(async () => {
  sandbox = await startFullSandbox({ clusterType: 'managedClusters' })
})
afterAll(async () => {
  await sandbox.stop()
})

const BOTH = {
  scenario: 'training-and-inference',
  'allow-insecure-connections': 'true',
  'wait-for-pods': 'false'
}

test('the refusal counts the active training jobs and online deployments in the cluster', async () => {
  const created = await runInSandbox(sandbox, { ...sandboxInputs(sandbox), ...BOTH })
  expect(created.errors).toEqual([])
  sandbox.kube.workloads.addTrainingJob('train-1')
  sandbox.kube.workloads.addTrainingJob('train-2', { state: 'Queued' })
  sandbox.kube.workloads.addTrainingJob('old', { state: 'Completed' })
  sandbox.kube.workloads.addOnlineDeployment('scoring', 'blue')
  const run = await runInSandbox(sandbox, {
    ...sandboxInputs(sandbox),
    ...BOTH,
    scenario: 'inference'
  })
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toContain('The cluster runs 2 training jobs and 1 online deployment now.')
})

test('turning the GPU device plugin off is not disruptive when no pod holds a GPU', async () => {
  // The extension the first test installed (a cluster holds one): the plugin on, then off.
  const on = await runInSandbox(sandbox, {
    ...sandboxInputs(sandbox),
    ...BOTH,
    config: 'installNvidiaDevicePlugin=true'
  })
  expect(on.errors).toEqual([])
  const run = await runInSandbox(sandbox, {
    ...sandboxInputs(sandbox),
    ...BOTH,
    config: 'installNvidiaDevicePlugin=false'
  })
  expect(run.errors).toEqual([])
  expect(run.outputs.changed).toBe('true')
})

test('a kubeconfig that cannot be read is an input problem, before Azure is called', async () => {
  const before = sandbox.arm.requests.length
  const run = await runInSandbox(sandbox, {
    ...sandboxInputs(sandbox),
    ...BOTH,
    kubeconfig: '/nowhere/kubeconfig'
  })
  expect(run.errors.join('\n')).toMatch(
    /Input 'kubeconfig'::cannot be used: \/nowhere\/kubeconfig cannot be read \(ENOENT\)/
  )
  expect(sandbox.arm.requests.length).toBe(before)
})

test('a malformed kubeconfig is refused without quoting it: its credentials stay out of the log', async () => {
  const broken =
    'apiVersion: v1\nusers:\n- name: ci\n  user:\n    token: SUPERSECRETTOKEN123\n  : [unbalanced\n'
  const run = await runInSandbox(sandbox, {
    ...sandboxInputs(sandbox),
    ...BOTH,
    kubeconfig: broken
  })
  expect(run.errors.join('\n')).toMatch(
    /Input 'kubeconfig'::cannot be used: the kubeconfig text is not a valid kubeconfig \(YAML error at line \d+/
  )
  expect(visibleLog(run)).not.toContain('SUPERSECRETTOKEN123')
})

test('the kubeconfig token is masked before anything is logged', async () => {
  const run = await runInSandbox(sandbox, {
    ...sandboxInputs(sandbox),
    ...BOTH,
    kubeconfig: readFileSync(sandbox.kubeconfigPath, 'utf8')
  })
  const token = /token: (\S+)/.exec(readFileSync(sandbox.kubeconfigPath, 'utf8'))![1]!
  expect(run.stdout).toContain(`::add-mask::${token}`)
  expect(visibleLog(run)).not.toContain(token)
})
