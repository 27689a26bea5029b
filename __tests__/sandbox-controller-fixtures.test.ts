import type { InstalledExtension } from '../sandbox/contract.js'
import type { KubeSandbox } from '../sandbox/kube/index.js'
import { summarizePod } from '../sandbox/kube/pod-status.js'
import { kubeWithClient, podsIn } from './sandbox-kube-helpers.js'

/**
 * The controller's pods match the real listings of reference §11 in names, kinds, replicas and
 * READY counts. Names are compared by component prefix: hashes and suffixes are random.
 */

/** `gateway-7f969684dc-2lxzh` → `gateway`, `prometheus-prom-prometheus-0` → `prometheus-prom-prometheus`. */
function component(pod: string): string {
  if (/-\d+$/.test(pod)) return pod.replace(/-\d+$/, '')
  const parts = pod.split('-')
  // Deployment pods end in -<hash>-<5>, DaemonSet pods in -<5>.
  return /^[a-z0-9]{8,10}$/.test(parts.at(-2) ?? '') && /\d/.test(parts.at(-2)!)
    ? parts.slice(0, -2).join('-')
    : parts.slice(0, -1).join('-')
}

/** "NAME READY" rows of a fixture → sorted "component READY" lines. */
function fromFixture(table: string): string[] {
  return table
    .trim()
    .split('\n')
    .map(l => l.trim().split(/\s+/))
    .map(([name, ready]) => `${name === 'healthcheck' ? name : component(name!)} ${ready}`)
    .sort()
}

function fromSandbox(kube: KubeSandbox): string[] {
  return podsIn(kube)
    .map(
      p =>
        `${p.metadata.name === 'healthcheck' ? 'healthcheck' : componentOf(p)} ${summarizePod(p as never).ready}`
    )
    .sort()
}

/** The owning workload's name, from owner references (how a verifier should match, §8.4). */
function componentOf(p: {
  metadata: { name: string; ownerReferences?: { kind: string; name: string }[] }
}): string {
  const owner = p.metadata.ownerReferences?.[0]
  if (!owner) return p.metadata.name
  return owner.kind === 'ReplicaSet' ? owner.name.replace(/-[a-z0-9]+$/, '') : owner.name
}

async function install(
  ext: Partial<InstalledExtension> & { settings: Record<string, string> },
  nodes: number
) {
  // Helm's wait is generous: under a loaded CI machine the default (60 steps) can run out.
  const { kube } = await kubeWithClient({ nodes, podStepMs: 2, helmTimeoutMs: 20_000 })
  const outcome = await kube.backend.applyExtension(
    { name: 'azml', clusterType: 'managedClusters', version: '1.1.71', protectedKeys: [], ...ext },
    'create'
  )
  return { kube, outcome }
}

const FIXTURE_1 = `
aml-operator-6f9fbb5c6-hlf7f 2/2
amlarc-identity-controller-68cf5dd8b5-srshb 2/2
amlarc-identity-proxy-5d5bb99f56-jbrrx 2/2
azml-kube-state-metrics-bbb9b749c-nvvgs 1/1
azml-prometheus-operator-7f6466cc44-wxpwv 1/1
azureml-fe-v2-76b9b8bfff-4rmhc 4/4
azureml-fe-v2-76b9b8bfff-rw5mt 4/4
azureml-fe-v2-76b9b8bfff-zjqkn 4/4
azureml-ingress-nginx-controller-58c8c98cd9-66zhm 1/1
gateway-7f969684dc-2lxzh 2/2
healthcheck 0/1
inference-operator-controller-manager-5f5bd65867-c6c4r 2/2
metrics-controller-manager-7c6d7dcdf4-ph4x9 2/2
prometheus-prom-prometheus-0 2/2
volcano-admission-665df9d565-c9k94 1/1
volcano-controllers-5555c45f8d-qxprn 1/1
volcano-scheduler-694d688b9-mfphc 1/1`

const FIXTURE_2 = `
aml-operator-6f99cc458c-zpwsw 2/2
amlarc-identity-controller-cb86645b9-qhmhc 2/2
amlarc-identity-proxy-5dd64f65f4-ds8t2 2/2
azureml-fe-v2-5868d64648-6jk9c 4/4
azureml-ingress-nginx-controller-7db4bf4cc7-qnm9c 1/1
gateway-7d4c4f7d77-5spfc 2/2
healthcheck 0/1
inference-operator-controller-manager-58f676cdcd-77p5r 2/2
metrics-controller-manager-5df854d9d6-4xk5s 2/2
mllab-kube-state-metrics-766cd6dcc-m692j 1/1
mllab-prometheus-operator-8ffbc49bb-wqd2q 1/1
prometheus-prom-prometheus-0 2/2
volcano-admission-76695cb547-mch2n 1/1
volcano-controllers-7fb464574c-6ghkk 1/1
volcano-scheduler-754747f8d8-cb6dz 1/1`

const FIXTURE_3 = `
healthcheck 0/1
metrics-controller-manager-54dcd8c5b-lxc2h 2/2
prometheus-prom-prometheus-0 2/2
relayserver-6dc46db4cf-5mf76 2/2
relayserver-6dc46db4cf-wl7vg 2/2
volcano-admission-79ccc96f98-99hrj 1/1
volcano-controllers-695dd87b59-j59m4 1/1
volcano-scheduler-65dcb7666-t7j96 1/1`

const FIXTURE_4 = `
aml-operator-6676d6c959-8kmcj 1/1
amlarc-identity-controller-95d7cb964-d2lbj 1/1
amlarc-identity-proxy-597b94d56-j4mqx 1/1
azureml-fe-v2-b8c86749f-4gfbw 3/3
azureml-ingress-nginx-controller-5996df8ddd-rtkzl 1/1
cluster-status-reporter-55f9f744dd-jc5fp 1/1
fluent-bit-dfhwl 1/1
fluent-bit-gnpz5 1/1
fluent-bit-vq72l 1/1
gateway-7b58dc99cd-c6c4s 1/1
healthcheck 0/1
inference-operator-controller-manager-56d97d6445-8spg9 1/1
metrics-controller-manager-794b997d78-872lm 1/1
prometheus-prom-prometheus-0 2/2
relayserver-6995b6594d-2f4km 1/1
relayserver-6995b6594d-t5zrj 1/1
tomaskubicaaml-kube-state-metrics-785d98c5d5-dfbqc 1/1
tomaskubicaaml-prometheus-operator-6c978c7968-prsvl 1/1
volcano-admission-74f559c556-5l9np 1/1
volcano-controllers-56894dd996-fl5qx 1/1
volcano-scheduler-774bd78f4-cgsm4 1/1`

const both = {
  enableTraining: 'True',
  enableInference: 'True',
  inferenceRouterServiceType: 'LoadBalancer',
  allowInsecureConnections: 'True'
}

test('fixture 1: AKS, 3 nodes, training + inference, HA on', async () => {
  const { kube, outcome } = await install(
    { settings: { ...both, inferenceRouterHA: 'true', 'nginxIngress.enabled': 'true' } },
    3
  )
  expect(outcome).toEqual({ ok: true })
  expect(fromSandbox(kube)).toEqual(fromFixture(FIXTURE_1))
  // One azureml-fe-v2 replica per node (required anti-affinity).
  const feNodes = podsIn(kube)
    .filter(p => p.metadata.name.startsWith('azureml-fe-v2-'))
    .map(p => (p.spec as { nodeName: string }).nodeName)
  expect(new Set(feNodes).size).toBe(3)
  await kube.close()
})

test('fixture 2: AKS, 2 nodes, training + inference, extension mllab, HA off', async () => {
  const { kube, outcome } = await install(
    { name: 'mllab', settings: { ...both, inferenceRouterHA: 'false' } },
    2
  )
  expect(outcome).toEqual({ ok: true })
  expect(fromSandbox(kube)).toEqual(fromFixture(FIXTURE_2))
  const deployments = kube.store.list('apps/deployments', { namespace: 'azureml' }).items
  expect(deployments).toHaveLength(13)
  expect(deployments.every(d => (d.status as { readyReplicas: number }).readyReplicas === 1)).toBe(
    true
  )
  expect(
    kube.store.list('apps/statefulsets', { namespace: 'azureml' }).items.map(s => s.metadata.name)
  ).toEqual(['prometheus-prom-prometheus'])
  expect(kube.store.count('apps/daemonsets')).toBe(0)
  await kube.close()
})

test('fixture 3: Arc, training only (the fixture is abridged: it omits four always-on components)', async () => {
  const { kube, outcome } = await install(
    { name: 'arc-k8s-ml', clusterType: 'connectedClusters', settings: { enableTraining: 'True' } },
    1
  )
  expect(outcome).toEqual({ ok: true })
  const sandbox = fromSandbox(kube)
  const fixture = fromFixture(FIXTURE_3)
  expect(sandbox).toEqual(expect.arrayContaining(fixture))
  expect(sandbox.filter(x => !fixture.includes(x))).toEqual([
    'aml-operator 2/2',
    'arc-k8s-ml-kube-state-metrics 1/1',
    'arc-k8s-ml-prometheus-operator 1/1',
    'gateway 2/2'
  ])
  await kube.close()
})

test('fixture 4: early 1.1.x AKS with fluent-bit DaemonSet, relay and cluster-status-reporter', async () => {
  const settings = { ...both, inferenceLoadBalancerHA: 'False', 'relayserver.enabled': 'true' }
  const { kube, outcome } = await install({ name: 'tomaskubicaaml', version: '1.1.6', settings }, 3)
  expect(outcome).toEqual({ ok: true })
  expect(fromSandbox(kube)).toEqual(fromFixture(FIXTURE_4))
  const ds = kube.store.get('apps/daemonsets', 'azureml', 'fluent-bit')!
  expect(ds.status).toMatchObject({
    desiredNumberScheduled: 3,
    numberReady: 3,
    currentNumberScheduled: 3
  })
  await kube.close()
})
