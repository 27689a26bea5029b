import { randomBytes } from 'node:crypto'
import type { ClusterBackend } from '../contract.js'
import type { TlsMaterial } from '../tls.js'
import { ExtensionController } from '../controller/controller.js'
import { seedNodes, type NodeSeed } from '../controller/nodes.js'
import { AmlWorkloads } from '../controller/custom-resources.js'
import { privilegedScc, SCC_STORAGE } from '../controller/scc.js'
import { kubeconfigYaml } from './kubeconfig.js'
import { ApiServer } from './server.js'
import type { KubeAuth } from './server.js'
import { ObjectStore } from './store.js'

export { ObjectStore } from './store.js'
export type { KubeObject } from './types.js'
export type { NodeSeed } from '../controller/nodes.js'
export type { PodFault, ComponentFaults } from '../controller/faults.js'
export { ExtensionController } from '../controller/controller.js'
export { AmlWorkloads } from '../controller/custom-resources.js'

export interface StartKubeOptions {
  tls: TlsMaterial
  /** Node count (names like aks-nodepool1-…-vmss000000) or explicit nodes with labels. Default 3. */
  nodes?: number | NodeSeed[]
  /** Time per pod lifecycle step (Pending → ContainerCreating → Running → Ready). Default 200 ms. */
  podStepMs?: number
  /** How long an install/upgrade may wait for readiness before failing like Helm's atomic timeout. Default 60 steps. */
  helmTimeoutMs?: number
  /** How long a deleted pod stays Terminating; default 0 (gone on the next controller step). */
  terminationGraceMs?: number
  /** Interval of watch BOOKMARK events when the client allows them. Default 1000 ms. */
  bookmarkIntervalMs?: number
  /** Watch changes kept per resource for resumption; older resourceVersions get 410 Gone. Default 10,000. */
  historyLimit?: number
  /** Server-side watch timeout when the client sends no timeoutSeconds. Default 1800 s. */
  watchTimeoutSeconds?: number
  /** Requests answered 403 Forbidden, as `<verb> <plural>[.<group>]`: `watch pods`, `list nodes`. */
  forbidden?: string[]
  /**
   * An OpenShift cluster: serves SCCs (seeding `privileged` as shipped), and the controller
   * creates no pod whose service account SCC `privileged` does not admit.
   */
  openshift?: boolean
}

export interface KubeSandbox {
  url: string
  kubeconfigYaml: string
  /** The static bearer token of `kubeconfigYaml` (the local account). */
  token: string
  /** Entra tokens, Azure RBAC, local accounts, authorized IP ranges: an AKS cluster's rules. */
  setAuth(auth: KubeAuth | undefined): void
  /** What ARM drives: install/upgrade/delete of the extension, node count. */
  backend: ClusterBackend
  /** The extension controller, with `faults` for pod troubles. */
  controller: ExtensionController
  store: ObjectStore
  /** Training jobs and online endpoints/deployments (amlarc.azureml.com custom resources). */
  workloads: AmlWorkloads
  /** API-level faults. */
  apiFaults: {
    /** Cut every open watch connection (clients resume from their last resourceVersion). */
    dropWatches(): void
    /** Forget the change history: watches resuming from an older resourceVersion get 410 Gone. */
    expireHistory(): void
    openWatches(): number
    /**
     * The API server goes away, as in a restart or a control-plane outage: every open connection
     * (watches included) is cut and new ones are refused (ECONNREFUSED). It comes back on the same
     * address after `ms`, or at `comeBack()`; without either it stays away.
     */
    goAway(ms?: number): Promise<void>
    comeBack(): Promise<void>
  }
  close(): Promise<void>
}

export async function startKube(opts: StartKubeOptions): Promise<KubeSandbox> {
  const store = new ObjectStore(opts.historyLimit)
  const token = randomBytes(24).toString('hex')
  let auth: KubeAuth | undefined
  seedNodes(store, opts.nodes ?? 3)
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    store.create('namespaces', {
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' }
    })
  }
  if (opts.openshift) store.create(SCC_STORAGE, privilegedScc())
  const podStepMs = opts.podStepMs ?? 200
  const controller = new ExtensionController(store, {
    podStepMs,
    helmTimeoutMs: opts.helmTimeoutMs ?? podStepMs * 60,
    terminationGraceMs: opts.terminationGraceMs,
    openshift: opts.openshift
  })
  const api = new ApiServer({
    tls: opts.tls,
    store,
    token,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 1000,
    watchTimeoutMs: (opts.watchTimeoutSeconds ?? 1800) * 1000,
    podLog: (ns, pod, container) => controller.podLog(ns, pod, container),
    forbidden: opts.forbidden,
    openshift: opts.openshift,
    auth: () => auth
  })
  const url = await api.listen()
  // The goAway fault: the closing server while away, and the timer that brings it back.
  let away: Promise<void> | undefined
  let comeBackTimer: NodeJS.Timeout | undefined
  const comeBack = async (): Promise<void> => {
    if (!away) return
    await away
    away = undefined
    await api.listen(Number(new URL(url).port))
  }
  return {
    url,
    kubeconfigYaml: kubeconfigYaml({ server: url, caPem: opts.tls.ca, token }),
    token,
    setAuth: next => (auth = next),
    backend: controller,
    controller,
    store,
    workloads: new AmlWorkloads(store),
    apiFaults: {
      dropWatches: () => api.watches.dropAll(),
      expireHistory: () => store.compact(),
      openWatches: () => api.watches.openCount,
      goAway: async ms => {
        if (away) return
        api.watches.dropAll()
        away = api.close()
        await away
        if (ms !== undefined) comeBackTimer = setTimeout(() => void comeBack(), ms)
      },
      comeBack: () => comeBack()
    },
    async close() {
      clearTimeout(comeBackTimer)
      controller.stop()
      if (away) await away
      else await api.close()
    }
  }
}
