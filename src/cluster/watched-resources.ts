/** Which resources are watched, how each object reduces to facts, and how they make a snapshot. */
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node'
import type { ConfigurationOptions, KubeConfig } from '@kubernetes/client-node'
import {
  daemonSetFacts,
  deploymentFacts,
  eventFacts,
  healthcheckData,
  namespacePhase,
  nodeFacts,
  podFacts,
  replicaSetFacts,
  statefulSetFacts
} from './facts.js'
import { HEALTHCHECK_CONFIGMAPS, type NamespaceSnapshot } from './model.js'
import { Feed, type ListQuery, type Listed } from './watch-feed.js'

type List<Q> = (query: Q, options: ConfigurationOptions) => Promise<Listed>

export function feedsFor(kc: KubeConfig, namespace: string) {
  const core = kc.makeApiClient(CoreV1Api)
  const apps = kc.makeApiClient(AppsV1Api)
  // The typed client wants the namespace in every namespaced query.
  const inNs = <T, F>(
    resource: string,
    list: List<ListQuery & { namespace: string }>,
    reduce: (obj: T) => F,
    fieldSelector?: string
  ) => feed(resource, namespace, (q, o) => list({ namespace, ...q }, o), reduce, fieldSelector)
  return {
    namespace: feed(
      'namespaces',
      undefined,
      (q, o) => core.listNamespace(q, o),
      namespacePhase,
      `metadata.name=${namespace}`
    ),
    nodes: feed('nodes', undefined, (q, o) => core.listNode(q, o), nodeFacts),
    pods: inNs('pods', (q, o) => core.listNamespacedPod(q, o), podFacts),
    events: inNs('events', (q, o) => core.listNamespacedEvent(q, o), eventFacts),
    workloads: [
      inNs('deployments.apps', (q, o) => apps.listNamespacedDeployment(q, o), deploymentFacts),
      inNs('statefulsets.apps', (q, o) => apps.listNamespacedStatefulSet(q, o), statefulSetFacts),
      inNs('daemonsets.apps', (q, o) => apps.listNamespacedDaemonSet(q, o), daemonSetFacts),
      inNs('replicasets.apps', (q, o) => apps.listNamespacedReplicaSet(q, o), replicaSetFacts)
    ],
    healthcheck: HEALTHCHECK_CONFIGMAPS.map(name =>
      inNs(
        'configmaps',
        (q, o) => core.listNamespacedConfigMap(q, o),
        healthcheckData,
        `metadata.name=${name}`
      )
    )
  }
}

export type Feeds = ReturnType<typeof feedsFor>

/** `resource` as RBAC names it; all are v1, so the name gives the REST path. */
function feed<T, F>(
  resource: string,
  namespace: string | undefined,
  list: List<ListQuery>,
  reduce: (obj: T) => F,
  fieldSelector?: string
): Feed<F> {
  const [plural, group] = resource.split('.')
  const api = group ? `/apis/${group}/v1` : '/api/v1'
  const path = `${api}${namespace ? `/namespaces/${namespace}` : ''}/${plural}`
  return new Feed<F>({ resource, namespace, path, fieldSelector, list, reduce })
}

export function allFeeds(f: Feeds): Feed<unknown>[] {
  return [f.namespace, f.nodes, f.pods, f.events, ...f.workloads, ...f.healthcheck]
}

export function snapshotOf(f: Feeds): NamespaceSnapshot {
  return {
    namespacePhase: f.namespace.values()[0],
    pods: f.pods.values(),
    workloads: f.workloads.flatMap(w => w.values()),
    nodes: f.nodes.values(),
    events: f.events.values(),
    healthcheck: f.healthcheck.map(h => h.values()[0]).find(d => d !== undefined)
  }
}
