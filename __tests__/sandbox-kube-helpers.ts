/** Shared setup for the Kubernetes stand-in tests: a sandbox, real clients, seeded pods. */
import { request } from 'node:https'
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node'
import { startKube, type KubeSandbox, type StartKubeOptions } from '../sandbox/kube/index.js'
import type { KubeObject } from '../sandbox/kube/types.js'
import { sandboxTls, type TlsMaterial } from '../sandbox/tls.js'

process.env.NO_PROXY = '127.0.0.1,localhost'

/** The test run's CA (made once by the global setup): key generation is the slow part. */
export function sharedTls(): TlsMaterial {
  return sandboxTls()
}

export async function kubeWithClient(
  opts: Omit<StartKubeOptions, 'tls'> = {}
): Promise<{ kube: KubeSandbox; kc: KubeConfig; core: CoreV1Api }> {
  // Helm waits long enough for a loaded machine; tests about its timeout set their own.
  const kube = await startKube({ tls: sharedTls(), podStepMs: 5, helmTimeoutMs: 20_000, ...opts })
  const kc = new KubeConfig()
  kc.loadFromString(kube.kubeconfigYaml)
  return { kube, kc, core: kc.makeApiClient(CoreV1Api) }
}

/** A minimal Pod as a test fixture, stored straight into the sandbox's store. */
export function testPod(
  name: string,
  opts: { labels?: Record<string, string>; phase?: string; node?: string; namespace?: string } = {}
): KubeObject {
  return {
    metadata: { name, namespace: opts.namespace ?? 'azureml', labels: opts.labels ?? {} },
    spec: { containers: [{ name: 'main', image: 'busybox' }], nodeName: opts.node },
    status: { phase: opts.phase ?? 'Running' }
  }
}

/** Raw HTTPS GET against the sandbox, trusting its CA, for wire-level assertions. */
export function rawGet(
  kube: KubeSandbox,
  path: string,
  headers: Record<string, string> = {}
): Promise<{ status: number; body: string; contentType: string }> {
  const token = /token: (\S+)/.exec(kube.kubeconfigYaml)![1]
  return new Promise((resolve, reject) => {
    const req = request(
      kube.url + path,
      { ca: sharedTls().ca, headers: { authorization: `Bearer ${token}`, ...headers } },
      res => {
        const chunks: Buffer[] = []
        res.on('data', c => chunks.push(c))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            contentType: String(res.headers['content-type'])
          })
        )
      }
    )
    req.on('error', reject)
    req.end()
  })
}

/** Resolves when `predicate` holds, checking after every call of the returned `poke`. */
export function waitFor<T>(check: () => T | undefined): { poke: () => void; done: Promise<T> } {
  let resolve!: (v: T) => void
  const done = new Promise<T>(r => (resolve = r))
  const poke = () => {
    const v = check()
    if (v !== undefined) resolve(v)
  }
  return { poke, done }
}

/** Resolves once `check` returns a value, re-checking after every change in the watched buckets. */
export function until<T>(
  kube: KubeSandbox,
  storages: string[],
  check: () => T | undefined | false
): Promise<T> {
  return new Promise(resolve => {
    const unsubscribe: (() => void)[] = []
    const poke = () => {
      const v = check()
      if (v === undefined || v === false) return
      unsubscribe.forEach(u => u())
      resolve(v)
    }
    for (const s of storages) unsubscribe.push(kube.store.subscribe(s, poke))
    poke()
  })
}

export function podsIn(kube: KubeSandbox, namespace = 'azureml'): KubeObject[] {
  return kube.store.list('pods', { namespace }).items
}

export function eventsFor(
  kube: KubeSandbox,
  pod: string
): { reason: string; message: string; type: string; count: number }[] {
  return kube.store
    .list('events', {
      namespace: 'azureml',
      filter: e => (e.involvedObject as { name: string }).name === pod
    })
    .items.map(
      e => e as unknown as { reason: string; message: string; type: string; count: number }
    )
}
