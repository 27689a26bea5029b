/** Deployment / ReplicaSet / StatefulSet / DaemonSet objects with status derived from their pods. Pure. */
import type { KubeObject, OwnerReference } from '../kube/types.js'
import type { ComponentSpec } from './components.js'
import type { PodRuntime } from './pod-lifecycle.js'

export interface WorkloadIds {
  uid: string
  /** ReplicaSet of a Deployment. */
  rsName?: string
  rsUid?: string
  hash: string
  generation: number
}

export function ownerRef(
  apiVersion: string,
  kind: string,
  name: string,
  uid: string
): OwnerReference {
  return { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true }
}

interface PodCounts {
  total: number
  ready: number
}

function counts(pods: PodRuntime[]): PodCounts {
  const live = pods.filter(p => !p.terminating)
  return { total: live.length, ready: live.filter(p => p.stage === 'Ready').length }
}

function template(
  spec: ComponentSpec,
  labels: Record<string, string>,
  nodeSelector: Record<string, string>
) {
  return {
    metadata: { labels },
    spec: {
      containers: spec.containers.map(c => ({ name: c })),
      ...(Object.keys(nodeSelector).length ? { nodeSelector } : {})
    }
  }
}

function condition(type: string, ok: boolean, reason: string, message: string, at: string) {
  return {
    type,
    status: ok ? 'True' : 'False',
    reason,
    message,
    lastUpdateTime: at,
    lastTransitionTime: at
  }
}

function deploymentStatus(spec: ComponentSpec, ids: WorkloadIds, c: PodCounts, now: string) {
  const available = c.ready >= spec.replicas - Math.floor(spec.replicas / 4)
  const done = c.ready === spec.replicas && c.total === spec.replicas
  return {
    observedGeneration: ids.generation,
    replicas: c.total,
    updatedReplicas: c.total,
    ...(c.ready ? { readyReplicas: c.ready, availableReplicas: c.ready } : {}),
    ...(c.total - c.ready > 0 ? { unavailableReplicas: c.total - c.ready } : {}),
    conditions: [
      available
        ? condition(
            'Available',
            true,
            'MinimumReplicasAvailable',
            'Deployment has minimum availability.',
            now
          )
        : condition(
            'Available',
            false,
            'MinimumReplicasUnavailable',
            'Deployment does not have minimum availability.',
            now
          ),
      done
        ? condition(
            'Progressing',
            true,
            'NewReplicaSetAvailable',
            `ReplicaSet "${ids.rsName}" has successfully progressed.`,
            now
          )
        : condition(
            'Progressing',
            true,
            'ReplicaSetUpdated',
            `ReplicaSet "${ids.rsName}" is progressing.`,
            now
          )
    ]
  }
}

export interface WorkloadContext {
  spec: ComponentSpec
  ids: WorkloadIds
  pods: PodRuntime[]
  nodeSelector: Record<string, string>
  /** DaemonSets: nodes the DaemonSet should run on. */
  desiredNodes: number
  extName: string
  now: string
}

function baseMeta(ctx: WorkloadContext, name: string, uid: string) {
  return {
    name,
    namespace: 'azureml',
    uid,
    generation: ctx.ids.generation,
    labels: { 'app.kubernetes.io/managed-by': 'Helm', ...ctx.spec.labels },
    annotations: {
      'meta.helm.sh/release-name': ctx.extName,
      'meta.helm.sh/release-namespace': 'azureml'
    }
  }
}

/** Every object that represents the component (the pods excluded), storage name → object. */
export function workloadObjects(ctx: WorkloadContext): [string, KubeObject][] {
  const { spec, ids } = ctx
  const c = counts(ctx.pods)
  const selector = { matchLabels: { app: spec.labels.app ?? spec.name } }
  switch (spec.kind) {
    case 'Deployment': {
      const podLabels = { ...spec.labels, 'pod-template-hash': ids.hash }
      const deploy = {
        metadata: {
          ...baseMeta(ctx, spec.name, ids.uid),
          annotations: {
            ...baseMeta(ctx, spec.name, ids.uid).annotations,
            'deployment.kubernetes.io/revision': String(ids.generation)
          }
        },
        spec: {
          replicas: spec.replicas,
          selector,
          template: template(spec, spec.labels, ctx.nodeSelector),
          strategy: { type: 'RollingUpdate' }
        },
        status: deploymentStatus(spec, ids, c, ctx.now)
      }
      const rs = {
        metadata: {
          ...baseMeta(ctx, ids.rsName!, ids.rsUid!),
          labels: podLabels,
          ownerReferences: [ownerRef('apps/v1', 'Deployment', spec.name, ids.uid)]
        },
        spec: {
          replicas: spec.replicas,
          selector: { matchLabels: { ...selector.matchLabels, 'pod-template-hash': ids.hash } },
          template: template(spec, podLabels, ctx.nodeSelector)
        },
        status: {
          replicas: c.total,
          fullyLabeledReplicas: c.total,
          readyReplicas: c.ready,
          availableReplicas: c.ready,
          observedGeneration: 1
        }
      }
      return [
        ['apps/deployments', deploy],
        ['apps/replicasets', rs]
      ]
    }
    case 'StatefulSet':
      return [
        [
          'apps/statefulsets',
          {
            metadata: baseMeta(ctx, spec.name, ids.uid),
            spec: {
              replicas: spec.replicas,
              serviceName: 'prometheus-operated',
              selector,
              template: template(spec, spec.labels, ctx.nodeSelector),
              podManagementPolicy: 'Parallel'
            },
            status: {
              observedGeneration: ids.generation,
              replicas: c.total,
              readyReplicas: c.ready,
              currentReplicas: c.total,
              updatedReplicas: c.total,
              availableReplicas: c.ready,
              currentRevision: `${spec.name}-${ids.hash}`,
              updateRevision: `${spec.name}-${ids.hash}`,
              collisionCount: 0
            }
          }
        ]
      ]
    case 'DaemonSet': {
      const scheduled = ctx.pods.filter(p => p.node && !p.terminating).length
      return [
        [
          'apps/daemonsets',
          {
            metadata: baseMeta(ctx, spec.name, ids.uid),
            spec: {
              selector,
              template: template(spec, spec.labels, ctx.nodeSelector),
              updateStrategy: { type: 'RollingUpdate' }
            },
            status: {
              observedGeneration: ids.generation,
              desiredNumberScheduled: ctx.desiredNodes,
              currentNumberScheduled: scheduled,
              updatedNumberScheduled: scheduled,
              numberMisscheduled: 0,
              numberReady: c.ready,
              numberAvailable: c.ready,
              ...(ctx.desiredNodes - c.ready > 0
                ? { numberUnavailable: ctx.desiredNodes - c.ready }
                : {})
            }
          }
        ]
      ]
    }
  }
}
