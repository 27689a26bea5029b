import { ListWatch, Watch, type KubernetesObject, type V1Pod } from '@kubernetes/client-node'
import type { KubeSandbox } from '../sandbox/kube/index.js'
import { kubeWithClient, rawGet, testPod, waitFor } from './sandbox-kube-helpers.js'
import type { CoreV1Api, KubeConfig } from '@kubernetes/client-node'

let kube: KubeSandbox
let kc: KubeConfig
let core: CoreV1Api

beforeEach(async () => {
  ;({ kube, kc, core } = await kubeWithClient({ bookmarkIntervalMs: 50 }))
  kube.store.create('namespaces', { metadata: { name: 'azureml' }, status: { phase: 'Active' } })
  for (let i = 0; i < 30; i++) {
    const app = ['gateway', 'fe', 'volcano'][i % 3]!
    const labels: Record<string, string> = { app, 'ml.azure.com/amlarc-system': 'true' }
    if (i % 5 === 0) labels.canary = 'yes'
    const phase = i % 4 === 0 ? 'Pending' : 'Running'
    kube.store.create(
      'pods',
      testPod(`pod-${String(i).padStart(2, '0')}`, { labels, phase, node: `node-${i % 2}` })
    )
  }
})

afterEach(() => kube.close())

const names = (pods: { metadata?: { name?: string } }[]) => pods.map(p => p.metadata!.name!)

describe('list through @kubernetes/client-node', () => {
  test('labelSelector supports =, !=, in, notin, exists and !exists', async () => {
    const ls = async (labelSelector: string) =>
      names((await core.listNamespacedPod({ namespace: 'azureml', labelSelector })).items)
    expect(await ls('app=gateway')).toHaveLength(10)
    expect(await ls('app!=gateway')).toHaveLength(20)
    expect(await ls('app in (fe, volcano),canary')).toEqual([
      'pod-05',
      'pod-10',
      'pod-20',
      'pod-25'
    ])
    expect(await ls('app notin (fe,volcano),!canary')).toHaveLength(8)
    expect(await ls('missing!=x')).toHaveLength(30)
  })

  test('fieldSelector on status.phase, spec.nodeName and metadata.name', async () => {
    const fs = async (fieldSelector: string) =>
      names((await core.listNamespacedPod({ namespace: 'azureml', fieldSelector })).items)
    expect(await fs('status.phase=Pending')).toHaveLength(8)
    expect(await fs('status.phase!=Pending,spec.nodeName=node-1')).toHaveLength(15)
    expect(await fs('metadata.name=pod-07')).toEqual(['pod-07'])
    await expect(fs('spec.unknownField=x')).rejects.toMatchObject({ code: 400 })
  })

  test('limit/continue pages through a consistent, ordered list', async () => {
    const seen: string[] = []
    const versions = new Set<string>()
    let token: string | undefined
    let pages = 0
    do {
      const page = await core.listNamespacedPod({
        namespace: 'azureml',
        limit: 7,
        _continue: token
      })
      seen.push(...names(page.items))
      versions.add(page.metadata!.resourceVersion!)
      token = page.metadata!._continue
      pages++
      // A write between pages does not change the reported list resourceVersion.
      if (pages === 1) kube.store.create('pods', testPod('zz-late'))
    } while (token)
    expect(pages).toBe(5)
    expect(versions.size).toBe(1)
    expect(seen).toEqual([...seen].sort())
    expect(new Set(seen).size).toBe(31)
  })

  test('GET of a missing pod is a 404 Status object', async () => {
    const res = await rawGet(kube, '/api/v1/namespaces/azureml/pods/nope')
    expect(res.status).toBe(404)
    expect(JSON.parse(res.body)).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      message: 'pods "nope" not found'
    })
    await expect(
      core.readNamespacedPod({ namespace: 'azureml', name: 'nope' })
    ).rejects.toMatchObject({
      code: 404
    })
  })
})

/** Collects watch events until `until` says stop; resolves with them and the done() error. */
function watchUntil(
  path: string,
  params: Record<string, string | number | boolean | undefined>,
  until: (events: { type: string; obj: KubernetesObject }[]) => boolean
) {
  const events: { type: string; obj: KubernetesObject }[] = []
  let abort: AbortController | undefined
  let stopped = false
  const result = new Promise<{ events: typeof events; err: unknown }>(resolve => {
    const onEvent = (type: string, obj: KubernetesObject) => {
      events.push({ type, obj })
      if (!stopped && until(events)) {
        stopped = true
        abort?.abort()
        resolve({ events, err: null })
      }
    }
    void new Watch(kcForWatch)
      .watch(path, params, onEvent, err => resolve({ events, err }))
      .then(c => {
        abort = c
        if (stopped) c.abort()
      })
  })
  // The events so far, for a test that must act once one has arrived.
  return Object.assign(result, { events })
}
let kcForWatch: KubeConfig
beforeEach(() => (kcForWatch = kc))

describe('watch through @kubernetes/client-node', () => {
  const path = '/api/v1/namespaces/azureml/pods'

  test('streams ADDED/MODIFIED/DELETED; a label change out of the selector arrives as DELETED', async () => {
    const rv = (await core.listNamespacedPod({ namespace: 'azureml' })).metadata!.resourceVersion
    const got = watchUntil(
      path,
      { resourceVersion: rv, labelSelector: 'app=gateway' },
      ev => ev.length === 4
    )
    kube.store.create('pods', testPod('new-gw', { labels: { app: 'gateway' } }))
    kube.store.create('pods', testPod('new-fe', { labels: { app: 'fe' } }))
    kube.store.update(
      'pods',
      'azureml',
      'new-gw',
      p => void ((p.status as { phase: string }).phase = 'Failed')
    )
    kube.store.update('pods', 'azureml', 'pod-00', p => void (p.metadata.labels!.app = 'fe'))
    kube.store.remove('pods', 'azureml', 'new-gw')
    const { events } = await got
    expect(events.map(e => `${e.type} ${e.obj.metadata!.name}`)).toEqual([
      'ADDED new-gw',
      'MODIFIED new-gw',
      'DELETED pod-00',
      'DELETED new-gw'
    ])
  })

  test('without a resourceVersion the current state comes first as ADDED events', async () => {
    const { events } = await watchUntil(
      path,
      { fieldSelector: 'spec.nodeName=node-0' },
      ev => ev.length === 15
    )
    expect(events.every(e => e.type === 'ADDED')).toBe(true)
  })

  test('bookmarks carry the current resourceVersion when allowWatchBookmarks is set', async () => {
    const { events } = await watchUntil(
      path,
      { resourceVersion: String(kube.store.resourceVersion), allowWatchBookmarks: true },
      ev => ev.some(e => e.type === 'BOOKMARK')
    )
    const bookmark = events.find(e => e.type === 'BOOKMARK')!.obj
    expect(bookmark).toMatchObject({ kind: 'Pod', apiVersion: 'v1' })
    expect(Number(bookmark.metadata!.resourceVersion)).toBe(kube.store.resourceVersion)
  })

  test('timeoutSeconds ends the stream cleanly', async () => {
    const { err, events } = await watchUntil(
      path,
      { resourceVersion: '1', timeoutSeconds: 1 },
      () => false
    )
    expect(err).toBeNull()
    expect(events.length).toBeGreaterThan(0)
  })

  test('a watch resumed from its last resourceVersion after a drop gets exactly what it missed', async () => {
    const rv = (await core.listNamespacedPod({ namespace: 'azureml' })).metadata!.resourceVersion!
    const first = watchUntil(path, { resourceVersion: rv }, () => false)
    kube.store.create('pods', testPod('before-drop'))
    // Dropped only once the event has arrived: a fixed pause lost that race on a busy machine.
    while (first.events.length === 0) await new Promise(r => setTimeout(r, 10))
    kube.apiFaults.dropWatches()
    const dropped = await first
    expect(dropped.err).toBeTruthy()
    const last = dropped.events.at(-1)!.obj.metadata!.resourceVersion
    kube.store.create('pods', testPod('during-gap'))
    kube.store.remove('pods', 'azureml', 'pod-01')
    const resumed = await watchUntil(path, { resourceVersion: last }, ev => ev.length === 2)
    expect(resumed.events.map(e => `${e.type} ${e.obj.metadata!.name}`)).toEqual([
      'ADDED during-gap',
      'DELETED pod-01'
    ])
  })

  test('a resourceVersion older than the kept history gets an in-stream 410 Expired Status', async () => {
    const rv = (await core.listNamespacedPod({ namespace: 'azureml' })).metadata!.resourceVersion!
    kube.store.create('pods', testPod('after'))
    kube.apiFaults.expireHistory()
    const { events, err } = await watchUntil(path, { resourceVersion: rv }, () => false)
    expect(err).toBeNull()
    expect(events).toHaveLength(1)
    expect(events[0]!.type).toBe('ERROR')
    expect(events[0]!.obj).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' })
  })
})

describe('ListWatch (informer cache)', () => {
  function informer() {
    let lists = 0
    const listFn = () => {
      lists++
      return core.listNamespacedPod({ namespace: 'azureml' })
    }
    const lw = new ListWatch<V1Pod>('/api/v1/namespaces/azureml/pods', new Watch(kc), listFn, false)
    let running = true
    // client-node reports a broken stream as an error; restarting resumes from the cached rv.
    lw.on('error', () => void (running && lw.start()))
    const stop = async () => {
      running = false
      await lw.stop()
    }
    return { lw, lists: () => lists, stop }
  }

  test('resumes from its last resourceVersion after a dropped connection, without relisting', async () => {
    const { lw, lists, stop } = informer()
    const seen = waitFor(() => (lw.get('after-drop', 'azureml') ? true : undefined))
    lw.on('add', seen.poke)
    await lw.start()
    expect(lw.list('azureml')).toHaveLength(30)
    kube.apiFaults.dropWatches()
    kube.store.create('pods', testPod('after-drop'))
    await seen.done
    await stop()
    expect(lists()).toBe(1)
  })

  test('relists after 410 Gone and drops objects deleted meanwhile', async () => {
    const { lw, lists, stop } = informer()
    const deleted = waitFor(() =>
      lists() === 2 && !lw.get('pod-02', 'azureml') ? true : undefined
    )
    lw.on('delete', deleted.poke)
    await lw.start()
    // Cut the stream, change state, and compact history so the resumed watch is too old.
    kube.apiFaults.dropWatches()
    kube.store.remove('pods', 'azureml', 'pod-02')
    kube.apiFaults.expireHistory()
    await deleted.done
    await stop()
    expect(lw.list('azureml')).toHaveLength(29)
  })
})
