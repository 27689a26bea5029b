import { CustomObjectsApi } from '@kubernetes/client-node'
import type { InstalledExtension } from '../sandbox/contract.js'
import { expectedComponents } from '../sandbox/controller/components.js'
import type { KubeSandbox, NodeSeed } from '../sandbox/kube/index.js'
import { kubeWithClient, podsIn, until } from './sandbox-kube-helpers.js'

let kube: KubeSandbox | undefined
afterEach(async () => {
  await kube?.close()
  kube = undefined
})

const EXT: InstalledExtension = {
  name: 'azml',
  clusterType: 'managedClusters',
  version: '1.1.71',
  settings: { enableTraining: 'True', enableInference: 'True', inferenceRouterHA: 'false' },
  protectedKeys: []
}
const names = (specs: { name: string; kind: string; replicas: number }[]) =>
  specs.map(c => `${c.kind} ${c.name} ${c.replicas}`)

describe('expected components (pure)', () => {
  test('Arc defaults: relayserver with 2 replicas, no nginx; AKS defaults: nginx, no relay', () => {
    const arc = names(expectedComponents({ ...EXT, clusterType: 'connectedClusters' }))
    expect(arc).toContain('Deployment relayserver 2')
    expect(arc.some(c => c.includes('nginx'))).toBe(false)
    const aks = names(expectedComponents(EXT))
    expect(aks).toContain('Deployment azureml-ingress-nginx-controller 1')
    expect(aks.some(c => c.includes('relayserver'))).toBe(false)
  })

  test('toggles: installPromOp, installVolcano, GPU DaemonSets, fluent-bit before 1.1.17', () => {
    const off = names(
      expectedComponents({
        ...EXT,
        settings: { enableTraining: 'true', installPromOp: 'false', installVolcano: 'False' }
      })
    )
    expect(off.filter(c => /prometheus-operator|volcano/.test(c))).toEqual([])
    const gpu = names(
      expectedComponents({
        ...EXT,
        settings: {
          ...EXT.settings,
          installNvidiaDevicePlugin: 'true',
          installDcgmExporter: 'TRUE'
        }
      })
    )
    expect(gpu).toEqual(
      expect.arrayContaining([
        'DaemonSet nvidia-device-plugin-daemonset 0',
        'DaemonSet azml-dcgm-exporter 0'
      ])
    )
    expect(names(expectedComponents({ ...EXT, version: '1.1.16' }))).toContain(
      'DaemonSet fluent-bit 0'
    )
    expect(
      names(expectedComponents({ ...EXT, version: '1.1.17' })).some(c => c.includes('fluent-bit'))
    ).toBe(false)
  })

  test('HA decides azureml-fe-v2 replicas; a non-"true" value counts as false', () => {
    const fe = (v: string) =>
      expectedComponents({
        ...EXT,
        settings: { enableInference: 'true', inferenceRouterHA: v }
      }).find(c => c.name === 'azureml-fe-v2')!.replicas
    expect([fe('true'), fe('TRUE'), fe('false'), fe('Ture')]).toEqual([3, 3, 1, 1])
  })
})

describe('controller operations', () => {
  test('nodeSelector settings narrow DaemonSet pods and Deployment placement to matching nodes', async () => {
    const nodes = [0, 1, 2, 3, 4].map((i): NodeSeed => (i < 2 ? { labels: { pool: 'ml' } } : {}))
    ;({ kube } = await kubeWithClient({ nodes, podStepMs: 2 }))
    const settings = { enableTraining: 'true', 'nodeSelector.pool': 'ml' }
    expect(
      await kube.backend.applyExtension({ ...EXT, version: '1.1.10', settings }, 'create')
    ).toEqual({ ok: true })
    const mlNodes = ['aks-nodepool1-10287945-vmss000000', 'aks-nodepool1-10287945-vmss000001']
    const fluent = podsIn(kube).filter(p => p.metadata.name.startsWith('fluent-bit-'))
    expect(fluent.map(p => (p.spec as { nodeName: string }).nodeName).sort()).toEqual(mlNodes)
    expect(kube.store.get('apps/daemonsets', 'azureml', 'fluent-bit')!.status).toMatchObject({
      desiredNumberScheduled: 2,
      numberReady: 2
    })
    expect(
      podsIn(kube).every(p => mlNodes.includes((p.spec as { nodeName: string }).nodeName))
    ).toBe(true)
    expect(kube.backend.nodeCount()).toBe(5)
  })

  test('an update that turns inference off removes its workloads and keeps training', async () => {
    ;({ kube } = await kubeWithClient({ podStepMs: 2 }))
    expect(await kube.backend.applyExtension(EXT, 'create')).toEqual({ ok: true })
    expect(kube.store.get('apps/deployments', 'azureml', 'azureml-fe-v2')).toBeDefined()
    const update = { ...EXT, settings: { ...EXT.settings, enableInference: 'False' } }
    expect(await kube.backend.applyExtension(update, 'update')).toEqual({ ok: true })
    const deployments = kube.store
      .list('apps/deployments', { namespace: 'azureml' })
      .items.map(d => d.metadata.name)
    expect(deployments).not.toEqual(expect.arrayContaining(['azureml-fe-v2']))
    expect(deployments.filter(d => /identity|inference|fe-v2|nginx/.test(d))).toEqual([])
    expect(deployments).toContain('aml-operator')
    expect(
      podsIn(kube).filter(p => /^(azureml-fe-v2|amlarc-identity)/.test(p.metadata.name))
    ).toEqual([])
    const data = kube.store.get('configmaps', 'azureml', 'arcml-healthcheck')!.data as Record<
      string,
      string
    >
    expect(Object.keys(data).sort()).toEqual(['reports-pre-install', 'reports-pre-upgrade'])
    const releases = kube.store
      .list('secrets', { namespace: 'azureml' })
      .items.map(s => s.metadata.name)
      .sort()
    expect(releases).toEqual(['sh.helm.release.v1.azml.v1', 'sh.helm.release.v1.azml.v2'])
  })

  test('a second release under another name fails on Helm ownership; the first is untouched', async () => {
    ;({ kube } = await kubeWithClient({ podStepMs: 2 }))
    expect(await kube.backend.applyExtension(EXT, 'create')).toEqual({ ok: true })
    const pods = podsIn(kube).length
    const second = await kube.backend.applyExtension({ ...EXT, name: 'ml-1' }, 'create')
    expect(second).toMatchObject({ ok: false })
    expect(JSON.stringify(second)).toMatch(
      /invalid ownership metadata; annotation validation error: key \\"meta.helm.sh\/release-name\\" must equal \\"ml-1\\": current value is \\"azml\\"/
    )
    expect(await kube.backend.deleteExtension('ml-1')).toEqual({ ok: true })
    expect(podsIn(kube)).toHaveLength(pods)
    const annotations = kube.store.get('apps/deployments', 'azureml', 'aml-operator')!.metadata
      .annotations as Record<string, string>
    expect(annotations['meta.helm.sh/release-name']).toBe('azml')
  })

  test('delete ends while pods still stop in a Terminating namespace; then all is gone but the CRDs', async () => {
    ;({ kube } = await kubeWithClient({ podStepMs: 2, terminationGraceMs: 50 }))
    await kube.backend.applyExtension(EXT, 'create')
    expect(await kube.backend.deleteExtension('azml')).toEqual({ ok: true })
    expect(kube.store.get('namespaces', '', 'azureml')?.status).toEqual({ phase: 'Terminating' })
    expect(podsIn(kube).length).toBeGreaterThan(0)
    expect(await kube.backend.applyExtension(EXT, 'create')).toMatchObject({
      ok: false,
      errorInfo: { message: expect.stringMatching(/being terminated/) }
    })
    const k = kube
    await until(k, ['namespaces'], () => !k.store.get('namespaces', '', 'azureml'))
    expect(kube.store.count('pods')).toBe(0)
    expect(kube.store.count('apps/deployments') + kube.store.count('apps/replicasets')).toBe(0)
    expect(
      kube.store.get(
        'apiextensions.k8s.io/customresourcedefinitions',
        '',
        'amljobs.amlarc.azureml.com'
      )
    ).toBeDefined()
  })

  test('training jobs and online deployments are served once the extension has installed its CRDs', async () => {
    let kc
    ;({ kube, kc } = await kubeWithClient({ podStepMs: 2 }))
    const custom = kc.makeApiClient(CustomObjectsApi)
    const listJobs = () =>
      custom.listClusterCustomObject({
        group: 'amlarc.azureml.com',
        version: 'v1alpha1',
        plural: 'amljobs'
      })
    await expect(listJobs()).rejects.toMatchObject({ code: 404 })
    await kube.backend.applyExtension(EXT, 'create')
    kube.workloads.addTrainingJob('job-a')
    kube.workloads.addTrainingJob('job-b', { namespace: 'team', state: 'Completed' })
    kube.workloads.addOnlineDeployment('scoring', 'blue')
    const jobs = (await listJobs()) as {
      items: { metadata: { name: string }; status: { state: string } }[]
    }
    expect(jobs.items.map(j => `${j.metadata.name} ${j.status.state}`)).toEqual([
      'job-a Running',
      'job-b Completed'
    ])
    const od = (await custom.listNamespacedCustomObject({
      group: 'amlarc.azureml.com',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'onlinedeployments'
    })) as {
      items: { spec: { endpointName: string } }[]
    }
    expect(od.items.map(d => d.spec.endpointName)).toEqual(['scoring'])
  })
})
