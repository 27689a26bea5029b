/** AzureML training jobs and online endpoints/deployments (amlarc.azureml.com) that the action counts. */
import { randomUUID } from 'node:crypto'
import { AMLARC_GROUP } from '../kube/resources.js'
import type { ObjectStore } from '../kube/store.js'
import type { KubeObject } from '../kube/types.js'

const JOBS = `${AMLARC_GROUP}/amljobs`
const ENDPOINTS = `${AMLARC_GROUP}/onlineendpoints`
const DEPLOYMENTS = `${AMLARC_GROUP}/onlinedeployments`

export type JobState = 'Queued' | 'Running' | 'Completed' | 'Failed'

export class AmlWorkloads {
  constructor(private readonly store: ObjectStore) {}

  /** An AmlJob in a compute namespace (default `default`); active while Queued or Running. */
  addTrainingJob(name: string, opts: { namespace?: string; state?: JobState } = {}): KubeObject {
    return this.store.create(JOBS, {
      metadata: {
        name,
        namespace: opts.namespace ?? 'default',
        labels: { 'ml.azure.com/job-type': 'command' }
      },
      spec: { runId: randomUUID(), workers: 1 },
      status: { state: opts.state ?? 'Running' }
    })
  }

  /** An OnlineEndpoint with one OnlineDeployment (e.g. endpoint `my-endpoint`, deployment `blue`). */
  addOnlineDeployment(
    endpoint: string,
    deployment: string,
    opts: { namespace?: string; replicas?: number } = {}
  ): KubeObject {
    const namespace = opts.namespace ?? 'default'
    if (!this.store.get(ENDPOINTS, namespace, endpoint)) {
      this.store.create(ENDPOINTS, {
        metadata: { name: endpoint, namespace },
        spec: { authMode: 'Key' },
        status: { state: 'Succeeded' }
      })
    }
    return this.store.create(DEPLOYMENTS, {
      metadata: {
        name: `${endpoint}-${deployment}`,
        namespace,
        labels: {
          'ml.azure.com/endpoint-name': endpoint,
          'ml.azure.com/deployment-name': deployment
        }
      },
      spec: { endpointName: endpoint, deploymentName: deployment, replicas: opts.replicas ?? 1 },
      status: { state: 'Succeeded', readyReplicas: opts.replicas ?? 1 }
    })
  }

  setJobState(name: string, state: JobState, namespace = 'default'): void {
    this.store.update(JOBS, namespace, name, job => {
      job.status = { state }
    })
  }
}

/** The CRDs the chart installs (Helm keeps CRDs on uninstall, so they outlive the extension). */
export function crdObjects(): KubeObject[] {
  const crd = (plural: string, kind: string, namespaced: boolean): KubeObject => ({
    metadata: { name: `${plural}.${AMLARC_GROUP}` },
    spec: {
      group: AMLARC_GROUP,
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      scope: namespaced ? 'Namespaced' : 'Cluster',
      versions: [{ name: 'v1alpha1', served: true, storage: true }]
    },
    status: {
      conditions: [{ type: 'Established', status: 'True', reason: 'InitialNamesAccepted' }]
    }
  })
  return [
    crd('amljobs', 'AmlJob', true),
    crd('onlineendpoints', 'OnlineEndpoint', true),
    crd('onlinedeployments', 'OnlineDeployment', true),
    crd('instancetypes', 'InstanceType', false)
  ]
}
