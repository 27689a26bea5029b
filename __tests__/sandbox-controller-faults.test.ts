import type { InstalledExtension } from '../sandbox/contract.js'
import type { KubeSandbox } from '../sandbox/kube/index.js'
import { summarizePod } from '../sandbox/kube/pod-status.js'
import type { KubeObject } from '../sandbox/kube/types.js'
import { eventsFor, kubeWithClient, podsIn, until } from './sandbox-kube-helpers.js'

/** Each pod fault shows the signals a real cluster shows: waiting reasons, events, conditions, restarts, reports. */

let kube: KubeSandbox
afterEach(() => kube.close())

const EXT: InstalledExtension = {
  name: 'azml',
  clusterType: 'managedClusters',
  version: '1.1.71',
  settings: { enableTraining: 'True', enableInference: 'True', inferenceRouterHA: 'false' },
  protectedKeys: []
}

async function start(nodes = 3) {
  ;({ kube } = await kubeWithClient({ nodes, podStepMs: 2, helmTimeoutMs: 400 }))
}

interface ContainerStatus {
  name: string
  restartCount: number
  state: {
    waiting?: { reason: string; message: string }
    terminated?: { exitCode: number; reason: string }
  }
  lastState: { terminated?: { exitCode: number; reason: string } }
}
const statuses = (p: KubeObject) =>
  (p.status as { containerStatuses?: ContainerStatus[] }).containerStatuses ?? []
const condition = (p: KubeObject, type: string) =>
  (
    p.status as {
      conditions: { type: string; status: string; reason?: string; message?: string }[]
    }
  ).conditions.find(c => c.type === type)
const podOf = (prefix: string) => () =>
  podsIn(kube).find(p => p.metadata.name.startsWith(prefix + '-'))

test('ImagePullBackOff: ErrImagePull then ImagePullBackOff, Failed/BackOff events, then Helm times out', async () => {
  await start()
  kube.controller.faults.set('gateway', { kind: 'ImagePullBackOff' })
  const outcome = kube.backend.applyExtension(EXT, 'create')
  const pod = await until(kube, ['pods'], () => {
    const p = podOf('gateway')()
    return p && statuses(p)[0]?.state.waiting?.reason === 'ImagePullBackOff' ? p : undefined
  })
  expect(summarizePod(pod as never)).toMatchObject({ status: 'ImagePullBackOff', ready: '1/2' })
  expect((pod.status as { phase: string }).phase).toBe('Pending')
  const image = statuses(pod)[0]!
  expect(image.state.waiting!.message).toMatch(
    /^Back-off pulling image "mcr\.microsoft\.com\/azureml\/amlarc\/docker\/gateway:1\.1\.71"$/
  )
  const events = eventsFor(kube, pod.metadata.name).map(e => `${e.type} ${e.reason}: ${e.message}`)
  expect(events).toEqual(
    expect.arrayContaining([
      expect.stringMatching(
        /^Warning Failed: Failed to pull image "mcr\.microsoft\.com\/azureml\/amlarc\/docker\/gateway:1\.1\.71": .*i\/o timeout$/
      ),
      'Warning Failed: Error: ErrImagePull',
      'Normal BackOff: Back-off pulling image "mcr.microsoft.com/azureml/amlarc/docker/gateway:1.1.71"',
      'Warning Failed: Error: ImagePullBackOff'
    ])
  )
  const result = await outcome
  expect(result).toMatchObject({ ok: false, errorInfo: { code: 'ExtensionOperationFailed' } })
  expect(!result.ok && result.errorInfo.message).toMatch(
    /release azml failed, and has been uninstalled due to atomic being set: context deadline exceeded/
  )
})

test('CrashLoopBackOff: restarts climb, lastState terminated, BackOff events', async () => {
  await start()
  kube.controller.faults.set('aml-operator', { kind: 'CrashLoopBackOff' })
  void kube.backend.applyExtension(EXT, 'create')
  const pod = await until(kube, ['pods'], () => {
    const p = podOf('aml-operator')()
    const s = p && statuses(p)[0]
    return s && s.restartCount >= 3 && s.state.waiting?.reason === 'CrashLoopBackOff'
      ? p
      : undefined
  })
  const s = statuses(pod)[0]!
  expect(s.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' })
  expect(s.state.waiting!.message).toMatch(
    new RegExp(
      `^back-off \\d+s restarting failed container=aml-operator pod=${pod.metadata.name}_azureml\\(${pod.metadata.uid}\\)$`
    )
  )
  expect(summarizePod(pod as never)).toMatchObject({ status: 'CrashLoopBackOff', ready: '1/2' })
  expect(summarizePod(pod as never).restarts).toMatch(/^\d+ \(\d+s ago\)$/)
  expect((pod.status as { phase: string }).phase).toBe('Running')
  const backOff = eventsFor(kube, pod.metadata.name).find(e => e.reason === 'BackOff')!
  expect(backOff).toMatchObject({
    type: 'Warning',
    message: `Back-off restarting failed container aml-operator in pod ${pod.metadata.name}_azureml(${pod.metadata.uid})`
  })
  expect(backOff.count).toBeGreaterThanOrEqual(2)
})

test('Unschedulable by anti-affinity: azureml-fe-v2 with HA on a 2-node cluster', async () => {
  await start(2)
  void kube.backend.applyExtension(
    { ...EXT, settings: { ...EXT.settings, inferenceRouterHA: 'true' } },
    'create'
  )
  const pending = await until(kube, ['pods'], () =>
    podsIn(kube).find(
      p =>
        p.metadata.name.startsWith('azureml-fe-v2-') &&
        condition(p, 'PodScheduled')?.status === 'False'
    )
  )
  const message =
    "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod."
  expect(condition(pending, 'PodScheduled')).toMatchObject({ reason: 'Unschedulable', message })
  expect(summarizePod(pending as never).status).toBe('Pending')
  expect(eventsFor(kube, pending.metadata.name)).toEqual([
    expect.objectContaining({ type: 'Warning', reason: 'FailedScheduling', message })
  ])
  const fe = await until(kube, ['apps/deployments'], () =>
    kube.store.get('apps/deployments', 'azureml', 'azureml-fe-v2')
  )
  expect(fe.spec).toMatchObject({ replicas: 3 })
})

test('Unschedulable for lack of cpu', async () => {
  await start(3)
  kube.controller.faults.set('gateway', { kind: 'Unschedulable', reason: 'insufficient-cpu' })
  void kube.backend.applyExtension(EXT, 'create')
  const pod = await until(kube, ['pods'], () => {
    const p = podOf('gateway')()
    return p && condition(p, 'PodScheduled')?.status === 'False' ? p : undefined
  })
  expect(condition(pod, 'PodScheduled')!.message).toBe(
    '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.'
  )
  expect((pod.spec as { nodeName?: string }).nodeName).toBeUndefined()
})

test('failed healthcheck: hook pod Error, Failed report with the error code, ExtensionOperationFailed', async () => {
  await start()
  kube.controller.faults.set('healthcheck', { kind: 'HealthcheckFailed', code: 'E40001' })
  const result = await kube.backend.applyExtension(EXT, 'create')
  expect(result).toMatchObject({ ok: false, errorInfo: { code: 'ExtensionOperationFailed' } })
  expect(!result.ok && result.errorInfo.message).toMatch(
    /^Error: \{failed pre-install: 1 error occurred:\n\t\* pod healthcheck failed\} occurred while doing the operation : \{Installing the extension\} on the config/
  )
  const hook = kube.store.get('pods', 'azureml', 'healthcheck')!
  expect(summarizePod(hook as never)).toEqual({ ready: '0/1', status: 'Error', restarts: '0' })
  expect((hook.status as { phase: string }).phase).toBe('Failed')
  const data = kube.store.get('configmaps', 'azureml', 'arcml-healthcheck')!.data as Record<
    string,
    string
  >
  expect(Object.keys(data).sort()).toEqual(['reports-pre-delete', 'reports-pre-install'])
  expect(data['reports-pre-install']).toMatch(
    /\nStatus: Failed\nName: service\nErrorCode: E40001 ErrorMessage: \S.*\n/
  )
  expect(data['reports-pre-install']).toMatch(
    /^Report:\n {2}Duration: [\d.]+s\n {2}Date: \S+\n {2}K8sDistribution: aks\n/
  )
  // A failed pre-install hook stops the release before any workload is created.
  expect(kube.store.count('apps/deployments')).toBe(0)
})

test('a component that never appears: Helm does not wait for it, the install succeeds without it', async () => {
  await start()
  kube.controller.faults.set('gateway', { kind: 'NeverAppears' })
  expect(await kube.backend.applyExtension(EXT, 'create')).toEqual({ ok: true })
  expect(kube.store.get('apps/deployments', 'azureml', 'gateway')).toBeUndefined()
  expect(podOf('gateway')()).toBeUndefined()
  expect(kube.store.get('apps/deployments', 'azureml', 'aml-operator')).toBeDefined()
})
