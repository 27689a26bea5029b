import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { KubeSandbox } from '../../sandbox/kube/index.js'
import { kubeWithClient } from '../sandbox-kube-helpers.js'

/**
 * The real kubectl (1.32 on the machine image) against the sandbox. No skip: a missing kubectl
 * must fail this suite loudly.
 */

let kube: KubeSandbox
let dir: string

interface Run {
  code: number
  stdout: string
  stderr: string
}

// Async on purpose: the API server runs in this process, a sync exec would starve it.
function kubectl(...args: string[]): Promise<Run> {
  const base = ['--kubeconfig', join(dir, 'config'), '--cache-dir', join(dir, 'cache')]
  return new Promise((resolve, reject) => {
    execFile('kubectl', [...base, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new Error('kubectl is not on PATH: these tests need the real kubectl 1.32'))
      }
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
    })
  })
}

beforeAll(async () => {
  ;({ kube } = await kubeWithClient({ podStepMs: 5 }))
  dir = mkdtempSync(join(tmpdir(), 'kubectl-'))
  writeFileSync(join(dir, 'config'), kube.kubeconfigYaml)
  const outcome = await kube.backend.applyExtension(
    {
      name: 'azml',
      clusterType: 'managedClusters',
      version: '1.1.71',
      settings: { enableTraining: 'True', enableInference: 'True', inferenceRouterHA: 'true' },
      protectedKeys: []
    },
    'create'
  )
  expect(outcome).toEqual({ ok: true })
})

afterAll(async () => {
  await kube.close()
  rmSync(dir, { recursive: true, force: true })
})

test('kubectl is on PATH', async () => {
  const r = await kubectl('version', '--client')
  expect(r.stdout).toMatch(/Client Version: v1\.\d+/)
})

test('kubectl get pods,deploy,sts,ds prints server-side tables', async () => {
  const r = await kubectl('get', 'pods,deploy,sts,ds', '-n', 'azureml')
  expect(r.stderr).toBe('')
  const lines = r.stdout.split('\n')
  expect(lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/)
  expect(r.stdout).toMatch(/^pod\/healthcheck\s+0\/1\s+Completed\s+0\s+\d+s$/m)
  expect(r.stdout).toMatch(/^pod\/azureml-fe-v2-[a-z0-9]{9,10}-[a-z0-9]{5}\s+4\/4\s+Running\s+0/m)
  expect(r.stdout).toMatch(/^pod\/prometheus-prom-prometheus-0\s+2\/2\s+Running/m)
  expect(r.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m)
  expect(r.stdout).toMatch(/^deployment\.apps\/azureml-fe-v2\s+3\/3\s+3\s+3\s/m)
  expect(r.stdout).toMatch(/^statefulset\.apps\/prometheus-prom-prometheus\s+1\/1\s/m)
  // A current default install has no DaemonSets (reference §8.2).
  expect(r.stdout).not.toMatch(/daemonset\.apps/)
})

test('kubectl get events lists kubelet and scheduler events', async () => {
  const r = await kubectl('get', 'events', '-n', 'azureml')
  expect(r.stdout.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/)
  expect(r.stdout).toMatch(
    /Normal\s+Scheduled\s+pod\/gateway-\S+\s+Successfully assigned azureml\/gateway-/
  )
  expect(r.stdout).toMatch(/Normal\s+Started\s+pod\/healthcheck\s+Started container healthcheck/)
  const ev = await kubectl('get', 'events.v1.events.k8s.io', '-n', 'azureml', '-o', 'json')
  const items = JSON.parse(ev.stdout).items as { regarding: { name: string }; note: string }[]
  expect(
    items.some(i => i.regarding.name === 'healthcheck' && /Started container/.test(i.note))
  ).toBe(true)
})

test('kubectl wait for Ready succeeds for the running pods', async () => {
  // Like real users: the completed hook pod is excluded, it never becomes Ready.
  const r = await kubectl(
    'wait',
    '--for=condition=Ready',
    'pod',
    '--all',
    '-n',
    'azureml',
    '--field-selector=status.phase!=Succeeded',
    '--timeout=15s'
  )
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  expect(r.stdout.trim().split('\n')).toHaveLength(16)
  expect(r.stdout).toMatch(/pod\/gateway-\S+ condition met/)
})

test('the literal `kubectl wait --for=condition=Ready pod --all -n azureml` behaves as on a real cluster', async () => {
  // kubectl waits pod by pod in name order: those before the Completed hook pod meet the
  // condition, then it times out on the hook pod, which never becomes Ready (on a real cluster too).
  const r = await kubectl(
    'wait',
    '--for=condition=Ready',
    'pod',
    '--all',
    '-n',
    'azureml',
    '--timeout=3s'
  )
  const met = r.stdout.trim().split('\n')
  expect(met.length).toBeGreaterThanOrEqual(5)
  for (const line of met) expect(line).toMatch(/^pod\/[a-g]\S+ condition met$/)
  // The budget is spent on the hook pod; kubectl reports the rest as timed out too.
  const timedOut = r.stderr.trim().split('\n')
  expect(timedOut[0]).toBe('timed out waiting for the condition on pods/healthcheck')
  for (const line of timedOut)
    expect(line).toMatch(/^timed out waiting for the condition on pods\//)
  expect(r.code).not.toBe(0)
})

test('kubectl wait on the Completed healthcheck pod times out, as on a real cluster', async () => {
  const r = await kubectl(
    'wait',
    '--for=condition=Ready',
    'pod/healthcheck',
    '-n',
    'azureml',
    '--timeout=1s'
  )
  expect(r.code).not.toBe(0)
  expect(r.stderr).toMatch(/timed out waiting for the condition on pods\/healthcheck/)
})

test('kubectl reads the healthcheck report and the AzureML custom resources', async () => {
  const cm = await kubectl(
    'get',
    'configmap',
    'arcml-healthcheck',
    '-n',
    'azureml',
    '-o',
    'jsonpath={.data.reports-pre-install}'
  )
  expect(cm.stdout).toMatch(/^Report:\n/)
  expect(cm.stdout).toMatch(/Status: Passed\nName: clusterresource/)
  const logs = await kubectl('logs', 'healthcheck', '-n', 'azureml')
  expect(logs.stdout).toMatch(/TroubleShootingGuide: https:\/\/aka\.ms\/arcmltsg/)
  kube.workloads.addTrainingJob('train-1')
  const jobs = await kubectl('get', 'amljobs.amlarc.azureml.com', '-A')
  expect(jobs.stdout).toMatch(/^NAMESPACE\s+NAME\s+AGE\ndefault\s+train-1\s+\d+s/)
})
