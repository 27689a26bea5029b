import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node'
import type { KubeConfig } from '@kubernetes/client-node'
import { AML_CRD_GROUP } from '../names.js'
import type { ClusterUsage } from './model.js'

// The custom resources the AzureML extension runs jobs and online deployments as.
const VERSION = 'v1alpha1'
const ACTIVE_JOB = new Set(['Queued', 'Running', 'Provisioning', 'Preparing', 'Starting'])
const PAGE = 500

interface Listed {
  items?: { status?: { state?: string } }[]
  metadata?: { _continue?: string; continue?: string }
}

async function listAll(kc: KubeConfig, plural: string): Promise<Listed['items']> {
  const api = kc.makeApiClient(CustomObjectsApi)
  const items: NonNullable<Listed['items']> = []
  let token: string | undefined
  do {
    const page = (await api
      .listCustomObjectForAllNamespaces({
        group: AML_CRD_GROUP,
        version: VERSION,
        resourcePlural: plural,
        limit: PAGE,
        _continue: token
      })
      .catch((err: { code?: number }) => {
        // No CRD means the extension never ran such work here.
        if (err.code === 404) return { items: [] }
        throw err
      })) as Listed
    items.push(...(page.items ?? []))
    token = page.metadata?.continue ?? page.metadata?._continue
  } while (token)
  return items
}

/** Running pods that hold GPUs, in any namespace. */
async function gpuInUse(kc: KubeConfig): Promise<boolean> {
  const api = kc.makeApiClient(CoreV1Api)
  let token: string | undefined
  do {
    const page = await api.listPodForAllNamespaces({
      fieldSelector: 'status.phase=Running',
      limit: PAGE,
      _continue: token
    })
    const holds = page.items.some(p =>
      p.spec?.containers.some(
        c =>
          Number(
            c.resources?.limits?.['nvidia.com/gpu'] ??
              c.resources?.requests?.['nvidia.com/gpu'] ??
              0
          ) > 0
      )
    )
    if (holds) return true
    token = page.metadata?._continue
  } while (token)
  return false
}

/** What a disruptive update would hit: active training jobs, online deployments, GPUs in use. */
export async function readClusterUsage(kc: KubeConfig): Promise<ClusterUsage> {
  const [jobs, deployments, gpus] = await Promise.all([
    listAll(kc, 'amljobs'),
    listAll(kc, 'onlinedeployments'),
    gpuInUse(kc)
  ])
  return {
    gpuInUse: gpus,
    workloads: {
      trainingJobs: (jobs ?? []).filter(j => ACTIVE_JOB.has(j.status?.state ?? '')).length,
      onlineDeployments: (deployments ?? []).length
    }
  }
}
