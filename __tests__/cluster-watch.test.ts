import { createServer } from 'node:net'
import { KubeConfig } from '@kubernetes/client-node'
import { HEALTHCHECK_POD, type NamespaceSnapshot } from '../src/cluster/model.js'
import { fatalError } from '../src/cluster/api-errors.js'
import { PageQueue } from '../src/cluster/list-pages.js'
import { watchNamespace, type WatchOptions } from '../src/cluster/watch.js'
import type { InstalledExtension } from '../sandbox/contract.js'
import { startKube, type KubeSandbox, type StartKubeOptions } from '../sandbox/kube/index.js'
import { makeTls } from '../sandbox/tls.js'
import { kubeconfigYaml } from '../sandbox/kube/kubeconfig.js'
import { kubeWithClient, sharedTls, testPod } from './sandbox-kube-helpers.js'

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
const FAST: WatchOptions = { tickMs: 50, backoffMs: 10 }
const FEEDS = 10 // namespace, nodes, pods, events, 4 workload kinds, 2 healthcheck configmaps

async function start(opts: Omit<StartKubeOptions, 'tls'> = {}): Promise<KubeConfig> {
  // Helm's atomic timeout generous enough that a loaded machine does not fail the install.
  const started = await kubeWithClient({ podStepMs: 2, helmTimeoutMs: 20_000, ...opts })
  kube = started.kube
  return started.kc
}

/** Every pod but the hook Running and ready, every workload at its desired count. */
function installed(s: NamespaceSnapshot): NamespaceSnapshot | undefined {
  const pods = s.pods.filter(p => p.name !== HEALTHCHECK_POD)
  const done =
    s.healthcheck !== undefined &&
    s.workloads.length > 0 &&
    s.workloads.every(w => w.ready === w.desired) &&
    pods.length > 0 &&
    pods.every(p => p.phase === 'Running' && p.ready?.status === 'True' && !p.terminating)
  return done ? s : undefined
}

/** The snapshot holds exactly what the API server holds. */
function expectMatchesCluster(s: NamespaceSnapshot): void {
  const names = (storage: string) =>
    kube!.store.list(storage, { namespace: 'azureml' }).items.map(o => o.metadata.name)
  const kinds = ['deployments', 'statefulsets', 'daemonsets', 'replicasets']
  expect(s.pods.map(p => p.name).sort()).toEqual(names('pods').sort())
  expect(s.workloads.map(w => w.name).sort()).toEqual(kinds.flatMap(k => names(`apps/${k}`)).sort())
  expect(s.events).toHaveLength(names('events').length)
  expect(s.nodes).toHaveLength(3)
  expect(s.namespacePhase).toBe('Active')
}

async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached')
    await new Promise(r => setTimeout(r, 10))
  }
}

const budget = () => AbortSignal.timeout(8000)

test('sees an install through: decides once every pod is Running and ready, then closes its watches', async () => {
  const kc = await start()
  const phases: (string | undefined)[] = []
  let outcome: ReturnType<KubeSandbox['backend']['applyExtension']> | undefined
  const s = await watchNamespace(kc, FAST).until(snapshot => {
    phases.push(snapshot.namespacePhase)
    outcome ??= kube!.backend.applyExtension(EXT, 'create')
    return installed(snapshot)
  }, budget())
  expect(await outcome).toEqual({ ok: true })
  expect(phases[0]).toBeUndefined() // the first decision came before the install created azureml
  expectMatchesCluster(s)
  const rs = s.workloads.find(w => w.kind === 'ReplicaSet' && w.owner === 'azureml-fe-v2')!
  expect(s.pods.find(p => p.owner?.name === rs.name)).toMatchObject({ phase: 'Running' })
  expect(s.pods.find(p => p.name === HEALTHCHECK_POD)).toMatchObject({ phase: 'Succeeded' })
  expect(s.healthcheck).toHaveProperty('reports-pre-install')
  expect(s.events.some(e => e.reason === 'Scheduled' && e.source === 'default-scheduler')).toBe(
    true
  )
  await eventually(() => kube!.apiFaults.openWatches() === 0)
})

test('dropped watches resume, and forgotten history relists: same outcome, stale objects gone', async () => {
  // No bookmarks: nothing refreshes the resourceVersions, so every resumption after the
  // compaction is too old and gets 410 Gone.
  const kc = await start({ bookmarkIntervalMs: 60_000 })
  kube!.store.create('pods', testPod('stray'))
  const lines: string[] = []
  let outcome: ReturnType<KubeSandbox['backend']['applyExtension']> | undefined
  let step = 0
  const s = await watchNamespace(kc, { ...FAST, onDebug: l => lines.push(l) }).until(snapshot => {
    outcome ??= kube!.backend.applyExtension(EXT, 'create')
    const faults = kube!.apiFaults
    if (step === 0 && snapshot.pods.length >= 2) {
      step = 1
      faults.dropWatches()
    } else if (step === 1 && snapshot.workloads.length > 0) {
      step = 2
      // While the watches are down, a pod goes and the history that would tell of it too.
      faults.dropWatches()
      kube!.store.remove('pods', 'azureml', 'stray')
      faults.expireHistory()
    }
    return step === 2 ? installed(snapshot) : undefined
  }, budget())
  expect(await outcome).toEqual({ ok: true })
  expectMatchesCluster(s)
  expect(s.pods.map(p => p.name)).not.toContain('stray')
  expect(lines).toContainEqual(
    expect.stringMatching(/^pods: watch failed \(.+\), resuming from \d+ in 0 ms$/)
  )
  for (const resource of ['pods', 'nodes']) {
    expect(lines).toContain(`${resource}: 410 Gone, relisting`)
    expect(lines.filter(l => l.startsWith(`${resource}: listed `))).toHaveLength(2)
  }
})

test('decide runs on a timer with no cluster change, so a grace period can end', async () => {
  const kc = await start()
  const rv = kube!.store.resourceVersion
  let first: number | undefined
  let calls = 0
  const waited = await watchNamespace(kc, { tickMs: 50 }).until(() => {
    calls++
    first ??= Date.now()
    const elapsed = Date.now() - first
    return elapsed >= 300 ? elapsed : undefined
  }, budget())
  expect(waited).toBeGreaterThanOrEqual(300)
  expect(calls).toBeGreaterThanOrEqual(3)
  expect(kube!.store.resourceVersion).toBe(rv)
})

test('lists page through everything; a burst of 300 new pods costs a handful of decisions', async () => {
  const kc = await start()
  for (let i = 0; i < 5; i++) kube!.store.create('pods', testPod(`seed-${i}`))
  const lines: string[] = []
  const sizes: number[] = []
  // No timer decisions here: every decision counted is one for a batch of changes.
  const opts = { tickMs: 60_000, pageSize: 2, onDebug: (l: string) => lines.push(l) }
  await watchNamespace(kc, opts).until(s => {
    sizes.push(s.pods.length)
    if (sizes.length === 1)
      for (let i = 0; i < 300; i++) kube!.store.create('pods', testPod(`burst-${i}`))
    return s.pods.length === 305 ? true : undefined
  }, budget())
  // Pages of 2: only following `continue` gets all 5.
  expect(lines).toContainEqual(expect.stringMatching(/^pods: listed 5 at resourceVersion \d+$/))
  expect(lines).toContainEqual(expect.stringMatching(/^nodes: listed 3 /))
  expect(sizes[0]).toBe(5)
  expect(sizes.length).toBeLessThanOrEqual(6)
})

test('a listed page that is not ASCII reads as UTF-8', async () => {
  const kc = await start()
  const pod = testPod('unicode')
  pod.status = { phase: 'Pending', message: 'Größe überschritten — ☕ 容量' }
  kube!.store.create('pods', pod)
  const message = await watchNamespace(kc, FAST).until(
    s => s.pods.find(p => p.name === 'unicode')?.message,
    budget()
  )
  expect(message).toBe('Größe überschritten — ☕ 容量')
})

test('PageQueue: at most `limit` requests in flight, the rest in arrival order', async () => {
  const queue = new PageQueue(2)
  const started: number[] = []
  const finish: (() => void)[] = []
  let inFlight = 0
  let most = 0
  const request = (i: number, fail = false) =>
    queue.run(async () => {
      started.push(i)
      most = Math.max(most, ++inFlight)
      await new Promise<void>(resolve => (finish[i] = resolve))
      inFlight--
      if (fail) throw new Error(`page ${i}`)
      return i
    })
  const results = [request(0, true), request(1), request(2), request(3)]
  await eventually(() => started.length === 2)
  finish[0]!()
  // A failed request frees its slot like any other.
  await expect(results[0]).rejects.toThrow('page 0')
  await eventually(() => started.length === 3)
  finish[1]!()
  finish[2]!()
  await eventually(() => started.length === 4)
  finish[3]!()
  await expect(Promise.all(results.slice(1))).resolves.toEqual([1, 2, 3])
  expect(started).toEqual([0, 1, 2, 3])
  expect(most).toBe(2)
})

test('an abort rejects with its reason and closes every watch', async () => {
  const kc = await start()
  const abort = new AbortController()
  const waiting = watchNamespace(kc, FAST).until(() => undefined, abort.signal)
  await eventually(() => kube!.apiFaults.openWatches() === FEEDS)
  abort.abort(new Error('timed out waiting for the components'))
  await expect(waiting).rejects.toThrow('timed out waiting for the components')
  await eventually(() => kube!.apiFaults.openWatches() === 0)
})

test('an error thrown by decide rejects and stops', async () => {
  const kc = await start()
  const broken = () => {
    throw new Error('assessment bug')
  }
  await expect(watchNamespace(kc, FAST).until(broken, budget())).rejects.toThrow('assessment bug')
})

test.each([
  [
    'watch pods',
    "cannot watch pods in namespace azureml: 403 Forbidden — the kubeconfig's user needs get, list, watch on pods in azureml"
  ],
  [
    'list nodes',
    "cannot list nodes at cluster scope: 403 Forbidden — the kubeconfig's user needs get, list, watch on nodes cluster-wide (a ClusterRole)"
  ],
  ['list deployments.apps', 'cannot list deployments.apps in namespace azureml: 403 Forbidden']
])('a 403 on %s is not retried and names the verb and resource', async (forbidden, message) => {
  const kc = await start({ forbidden: [forbidden] })
  const lines: string[] = []
  const watch = watchNamespace(kc, { ...FAST, onDebug: l => lines.push(l) })
  await expect(watch.until(() => undefined, budget())).rejects.toThrow(message)
  expect(lines.filter(l => l.includes('failed'))).toEqual([])
})

describe('an unreachable cluster', () => {
  function kubeconfig(server: string, caPem = sharedTls().ca): KubeConfig {
    const kc = new KubeConfig()
    kc.loadFromString(kubeconfigYaml({ server, caPem, token: 'token' }))
    return kc
  }

  test('a closed port: retried briefly, then names the refused connection and wait-for-pods', async () => {
    const server = createServer()
    await new Promise<void>(r => server.listen(0, '127.0.0.1', r))
    const { port } = server.address() as { port: number }
    await new Promise(r => server.close(r))
    const lines: string[] = []
    const watch = watchNamespace(kubeconfig(`https://127.0.0.1:${port}`), {
      backoffMs: 5,
      maxFailures: 3,
      onDebug: l => lines.push(l)
    })
    await expect(watch.until(() => true, budget())).rejects.toThrow(
      `cannot reach the Kubernetes API server https://127.0.0.1:${port}: the connection was refused (ECONNREFUSED). ` +
        'A private cluster cannot be reached from this runner: set wait-for-pods: false to skip the cluster checks.'
    )
    expect(lines).toContainEqual(expect.stringMatching(/^pods: list failed \(ECONNREFUSED/))
  })

  test('an untrusted certificate fails at once, naming TLS', async () => {
    // A CA of its own: the run's shared one may be trusted process-wide by another test file.
    kube = await startKube({ tls: makeTls(), podStepMs: 2 })
    const other = kubeconfig(kube.url, '')
    other.clusters[0] = { ...other.clusters[0]!, caData: undefined }
    const lines: string[] = []
    const watch = watchNamespace(other, { onDebug: l => lines.push(l) })
    await expect(watch.until(() => true, budget())).rejects.toThrow(
      /^cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+: its TLS certificate is not trusted \((SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|DEPTH_ZERO_SELF_SIGNED_CERT): .+\); check the kubeconfig's certificate-authority-data\. .*wait-for-pods: false/
    )
    expect(lines.filter(l => l.includes('failed'))).toEqual([])
  })
})

describe('which failures are retried (pure)', () => {
  const op = { verb: 'list' as const, resource: 'pods', namespace: 'azureml' }
  const server = 'https://aks-private.privatelink.eastus.azmk8s.io:443'
  const fetchFailed = (code: string) =>
    new TypeError('fetch failed', { cause: Object.assign(new Error(code), { code }) })

  test.each([
    ['ENOTFOUND', 'its host name does not resolve (DNS, ENOTFOUND)'],
    ['EAI_AGAIN', 'its host name does not resolve (DNS, EAI_AGAIN)'],
    ['UND_ERR_CONNECT_TIMEOUT', 'the connection timed out (UND_ERR_CONNECT_TIMEOUT)'],
    ['EHOSTUNREACH', 'the connection failed (EHOSTUNREACH)']
  ])('%s: retried, then a reachability message', (code, why) => {
    expect(fatalError(fetchFailed(code), op, server, { exhausted: false })).toBeUndefined()
    expect(fatalError(fetchFailed(code), op, server, { exhausted: true })?.message).toBe(
      `cannot reach the Kubernetes API server ${server}: ${why}. ` +
        'A private cluster cannot be reached from this runner: set wait-for-pods: false to skip the cluster checks.'
    )
  })

  test("a watch silent past client-node's 30 s abort is retried, then reported as a timeout", () => {
    const silent = new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    const watch = { ...op, verb: 'watch' as const }
    expect(fatalError(silent, watch, server, { exhausted: false })).toBeUndefined()
    expect(fatalError(silent, watch, server, { exhausted: true })?.message).toMatch(
      /: the connection timed out \(TimeoutError\)\./
    )
  })

  test('a 503 is retried, then reported with its status; a 401 is not retried', () => {
    const unavailable = Object.assign(new Error('HTTP-Code: 503'), { code: 503 })
    expect(fatalError(unavailable, op, server, { exhausted: false })).toBeUndefined()
    expect(fatalError(unavailable, op, server, { exhausted: true })?.message).toBe(
      'cannot list pods in namespace azureml: 503 Service Unavailable'
    )
    const watchError = Object.assign(new Error('Unauthorized'), { statusCode: 401 })
    expect(
      fatalError(watchError, { ...op, verb: 'watch' }, server, { exhausted: false })?.message
    ).toMatch(/^cannot watch pods in namespace azureml: 401 Unauthorized — /)
  })
})
