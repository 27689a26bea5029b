/**
 * Everything that talks to Kubernetes, behind one entry that main.ts imports lazily:
 * @kubernetes/client-node is most of the bundle, and only runs that reach a cluster need it.
 */
export { kubeconfigSecrets, loadKubeconfig } from './kubeconfig.js'
export { readClusterUsage } from './usage.js'
export type { KubeConfig } from '@kubernetes/client-node'
