/**
 * Everything that talks to Kubernetes, behind one entry that main imports lazily:
 * @kubernetes/client-node is most of the bundle, and only runs that reach a cluster need it.
 */
import { CoreV1Api } from '@kubernetes/client-node'
import type { KubeConfig } from '@kubernetes/client-node'
import { AZUREML_NAMESPACE } from '../names.js'
import { fatalError } from './api-errors.js'
import { kubeconfigSecrets } from './kubeconfig.js'
import type { Assessment, ClusterUsage } from './model.js'
import type { SccGrants } from './scc.js'
import { readSccGrants } from './scc-read.js'
import { readClusterUsage } from './usage.js'
import { lookOnce, waitForVerdict, waitUntilGone, watchForFailure } from './verify.js'
import type { CheckOptions, ClusterTarget, ClusterVerdict, LeftBehind } from './verify.js'
import { watchNamespace } from './watch.js'
import { allFeeds, feedsFor } from './watched-resources.js'

export type { CheckOptions, ClusterTarget, ClusterVerdict } from './verify.js'
export { ClusterRequestError } from './api-errors.js'
export { aksKubeconfig, kubeconfigSecrets, parseKubeconfig } from './kubeconfig.js'
export { unanswered } from './answers.js'

/** The cluster, reached through a kubeconfig (given, or built in memory from ARM's credential). */
export interface Cluster {
  /** What runs there that a disruptive update would hit. */
  usage(): Promise<ClusterUsage>
  /** The `azureml` namespace's phase (`Active`, `Terminating`), or undefined when there is none. */
  namespacePhase(): Promise<string | undefined>
  /** Waits until the extension's components are healthy or certainly failed, within the deadline. */
  verdict(target: ClusterTarget, options: CheckOptions): Promise<ClusterVerdict>
  /** Resolves only on a certain failure; quietly undefined once `signal` aborts. */
  failure(
    target: ClusterTarget,
    options: CheckOptions & { signal: AbortSignal }
  ): Promise<Assessment | undefined>
  /** One look, no waiting. */
  look(target: ClusterTarget, options: CheckOptions): Promise<Assessment>
  /** Waits until nothing of the extension's Helm release (named as the extension) is left. */
  gone(release: string, options: CheckOptions): Promise<LeftBehind & { timedOut: boolean }>
  /**
   * OpenShift: who may use SCC `name` (its users, groups and `oc adm policy` bindings in
   * `namespaces`); undefined when the cluster serves no such SCC; SccReadForbidden on a 403.
   * Optional: a way of reaching the cluster that cannot read it leaves it out.
   */
  securityContextConstraint?(
    name: string,
    namespaces: readonly string[]
  ): Promise<SccGrants | undefined>
}

/**
 * Opens the cluster a kubeconfig in memory names (parseKubeconfig, aksKubeconfig); its
 * credentials are handed to `mask` before anything else can print them.
 */
export function openCluster(
  kc: KubeConfig,
  mask: (secret: string) => void,
  debug: (line: string) => void
): Cluster {
  kubeconfigSecrets(kc).forEach(mask)
  const watch = watchNamespace(kc, { onDebug: debug })
  return {
    usage: () => readClusterUsage(kc),
    namespacePhase: async () => {
      const api = kc.makeApiClient(CoreV1Api)
      const ns = await api
        .readNamespace({ name: AZUREML_NAMESPACE })
        .catch((err: { code?: number }) => {
          if (err.code === 404) return undefined
          const op = { verb: 'get' as const, resource: 'namespaces' }
          const server = kc.getCurrentCluster()?.server ?? 'the kubeconfig'
          throw fatalError(err, op, server, { exhausted: true })
        })
      return ns?.status?.phase
    },
    verdict: (target, options) => waitForVerdict(watch, target, options),
    failure: (target, options) => watchForFailure(watch, target, options),
    look: (target, options) => lookOnce(watch, target, options),
    gone: (release, options) => waitUntilGone(watch, release, options),
    securityContextConstraint: (name, namespaces) => readSccGrants(kc, name, namespaces)
  }
}

/**
 * Lists one item of every resource the checks read, so that a refusal (403, 401) shows now,
 * before any write, rather than halfway through the watch. Throws the first refusal.
 */
export async function checkReadable(kc: KubeConfig, namespace = AZUREML_NAMESPACE): Promise<void> {
  const server = kc.getCurrentCluster()?.server ?? 'the kubeconfig'
  const feeds = allFeeds(feedsFor(kc, namespace))
  await Promise.all(
    feeds.map(({ spec }) =>
      spec.list({ limit: 1, fieldSelector: spec.fieldSelector }, {}).catch((err: unknown) => {
        const op = { verb: 'list' as const, resource: spec.resource, namespace: spec.namespace }
        throw fatalError(err, op, server, { exhausted: true }) ?? err
      })
    )
  )
}
