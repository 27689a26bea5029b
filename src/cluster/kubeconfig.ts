import { readFileSync } from 'node:fs'
import { KubeConfig } from '@kubernetes/client-node'

/**
 * The kubeconfig the `kubeconfig` input names: its text, or the path of a file. Returns undefined
 * when none is given (the cluster checks are then skipped).
 */
export function loadKubeconfig(input: string | undefined): KubeConfig | undefined {
  if (input === undefined || input.trim() === '') return undefined
  const text = /\n|^\s*apiVersion:|^\s*\{/.test(input) ? input : readFileSync(input.trim(), 'utf8')
  const kc = new KubeConfig()
  kc.loadFromString(text)
  return kc
}

/** Credentials in a kubeconfig that must be masked before anything is logged. Pure. */
export function kubeconfigSecrets(kc: KubeConfig): string[] {
  return kc.users.flatMap(u =>
    [u.token, u.password, u.keyData, u.certData].filter((v): v is string => !!v)
  )
}
