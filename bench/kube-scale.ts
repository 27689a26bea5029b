/**
 * Scale benchmark for the Kubernetes stand-in (not a test): 5,000 nodes and 20,000 pods in
 * `azureml`, listed and watched through @kubernetes/client-node.
 *
 *   npm run bench:scale -- [pods] [nodes]
 */
import { get } from 'node:https'

process.env.NO_PROXY = '127.0.0.1,localhost'
const { CoreV1Api, KubeConfig, ListWatch, Watch } = await import('@kubernetes/client-node')
const { startKube } = await import('../sandbox/kube/index.js')
const { makeTls } = await import('../sandbox/tls.js')
const { podObject } = await import('../sandbox/controller/pod-manifest.js')
const { aksNodeName } = await import('../sandbox/controller/nodes.js')

const PODS = Number(process.argv[2] ?? 20_000)
const NODES = Number(process.argv[3] ?? 5_000)

async function timed<T>(label: string, fn: () => Promise<T> | T): Promise<T> {
  const t0 = performance.now()
  const result = await fn()
  console.log(`${label.padEnd(58)} ${(performance.now() - t0).toFixed(0).padStart(6)} ms`)
  return result
}

const tls = makeTls()
const kube = await timed(`startKube with ${NODES} nodes`, () =>
  startKube({ tls, nodes: NODES, historyLimit: PODS * 2 })
)
kube.store.create('namespaces', { metadata: { name: 'azureml' }, status: { phase: 'Active' } })

await timed(`seed ${PODS} realistic pods (fluent-bit DaemonSet-like)`, () => {
  const now = new Date().toISOString()
  for (let i = 0; i < PODS; i++) {
    const runtime = {
      name: `fluent-bit-${i.toString(36).padStart(5, '0')}`,
      uid: crypto.randomUUID(),
      component: 'fluent-bit',
      hook: false,
      containers: ['fluent-bit', 'sidecar'],
      images: [
        'mcr.microsoft.com/azureml/amlarc/docker/fluent-bit:1.1.71',
        'mcr.microsoft.com/azureml/amlarc/docker/sidecar:1.1.71'
      ],
      stage: 'Ready' as const,
      ticksInStage: 0,
      node: aksNodeName(i % NODES),
      restarts: 0,
      startedAt: now
    }
    const labels = {
      app: 'fluent-bit',
      shard: String(i % 10),
      'ml.azure.com/amlarc-system': 'true'
    }
    kube.store.create(
      'pods',
      podObject(runtime, { labels, nodeSelector: {}, serviceAccount: 'fluent-bit' }, undefined, now)
    )
  }
})

const kc = new KubeConfig()
kc.loadFromString(kube.kubeconfigYaml)
const core = kc.makeApiClient(CoreV1Api)

/** Server cost alone: the raw HTTPS body, read but not parsed. */
function rawBytes(path: string, accept = 'application/json'): Promise<number> {
  const token = /token: (\S+)/.exec(kube.kubeconfigYaml)![1]
  return new Promise((resolve, reject) => {
    get(
      kube.url + path,
      { ca: tls.ca, headers: { authorization: `Bearer ${token}`, accept } },
      res => {
        let n = 0
        res.on('data', (c: Buffer) => (n += c.length))
        res.on('end', () => resolve(n))
      }
    ).on('error', reject)
  })
}
const bytes = await timed(`raw HTTPS list of ${PODS} pods (server side only)`, () =>
  rawBytes('/api/v1/namespaces/azureml/pods')
)
console.log(`  body: ${(bytes / 1e6).toFixed(1)} MB`)
await timed(`raw HTTPS list of ${PODS} pods as a kubectl Table`, () =>
  rawBytes(
    '/api/v1/namespaces/azureml/pods',
    'application/json;as=Table;v=v1;g=meta.k8s.io,application/json'
  )
)

const all = await timed(`list ${PODS} pods in one response (client-node)`, () =>
  core.listNamespacedPod({ namespace: 'azureml' })
)
console.log(`  items: ${all.items.length}`)
await timed('list pods in pages of 500 (client-node)', async () => {
  let token: string | undefined
  let n = 0
  do {
    const page = await core.listNamespacedPod({
      namespace: 'azureml',
      limit: 500,
      _continue: token
    })
    n += page.items.length
    token = page.metadata?._continue
  } while (token)
  if (n !== PODS) throw new Error(`paged ${n}`)
})
await timed('list pods with labelSelector shard=3 (1/10)', () =>
  core.listNamespacedPod({ namespace: 'azureml', labelSelector: 'shard=3' })
)
await timed('list pods with fieldSelector spec.nodeName (one node)', () =>
  core.listNamespacedPod({ namespace: 'azureml', fieldSelector: `spec.nodeName=${aksNodeName(7)}` })
)
await timed(`list ${NODES} nodes (client-node)`, () => core.listNode())

await timed(`watch: ${PODS} MODIFIED events delivered to client-node Watch`, async () => {
  const rv = all.metadata!.resourceVersion!
  let seen = 0
  let abort: AbortController | undefined
  const done = new Promise<void>(resolve => {
    void new Watch(kc)
      .watch(
        '/api/v1/namespaces/azureml/pods',
        { resourceVersion: rv },
        () => {
          if (++seen === PODS) resolve()
        },
        () => resolve()
      )
      .then(c => (abort = c))
  })
  await new Promise(r => setTimeout(r, 50))
  for (const p of all.items) {
    kube.store.update(
      'pods',
      'azureml',
      p.metadata!.name!,
      o => void (o.metadata.labels!.touched = 'yes')
    )
  }
  await done
  abort?.abort()
  if (seen !== PODS) throw new Error(`watch saw ${seen}`)
})

await timed('ListWatch (informer) initial list + watch start', async () => {
  const lw = new ListWatch(
    '/api/v1/namespaces/azureml/pods',
    new Watch(kc),
    () => core.listNamespacedPod({ namespace: 'azureml' }),
    false
  )
  await lw.start()
  if (lw.list('azureml').length !== PODS) throw new Error('informer incomplete')
  await lw.stop()
})

await timed(`watch from rv 0: ${PODS} initial ADDED events`, async () => {
  let seen = 0
  let abort: AbortController | undefined
  await new Promise<void>(resolve => {
    void new Watch(kc)
      .watch(
        '/api/v1/namespaces/azureml/pods',
        { resourceVersion: '0' },
        () => {
          if (++seen === PODS) resolve()
        },
        () => resolve()
      )
      .then(c => (abort = c))
  })
  abort?.abort()
})

await kube.close()
