/**
 * Everything that talks to Kubernetes, behind one entry that main imports lazily:
 * @kubernetes/client-node is most of the bundle, and only runs that reach a cluster need it.
 */
import { kubeconfigSecrets, loadKubeconfig } from './kubeconfig.js'
import type { ClusterUsage } from './model.js'
import { readClusterUsage } from './usage.js'

/** The cluster, reached through a kubeconfig. */
export interface Cluster {
  /** What runs there that a disruptive update would hit. */
  usage(): Promise<ClusterUsage>
}

/**
 * Opens the cluster a kubeconfig (text or path) names; its credentials are handed to `mask`
 * before anything else can print them. Throws when the kubeconfig cannot be used.
 */
export function openCluster(kubeconfig: string, mask: (secret: string) => void): Cluster {
  const kc = loadKubeconfig(kubeconfig)
  kubeconfigSecrets(kc).forEach(mask)
  return { usage: () => readClusterUsage(kc) }
}
