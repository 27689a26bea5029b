import { readFileSync } from 'node:fs'
import { KubeConfig } from '@kubernetes/client-node'

/** The kubeconfig the `kubeconfig` input names: its text, or the path of a file. */
export function loadKubeconfig(input: string): KubeConfig {
  const isText = /\n|^\s*apiVersion:|^\s*\{/.test(input)
  const text = isText ? input : readKubeconfigFile(input.trim())
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
  } catch (err) {
    // Parser messages quote the text around the error, and a kubeconfig holds credentials.
    const mark = (err as { mark?: { line: number; column: number } }).mark
    const where = mark ? ` (YAML error at line ${mark.line + 1}, column ${mark.column + 1})` : ''
    throw new Error(
      `${isText ? 'the kubeconfig text' : input.trim()} is not a valid kubeconfig${where}`
    )
  }
  return kc
}

function readKubeconfigFile(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`)
  }
}

/** Credentials in a kubeconfig that must be masked before anything is logged. Pure. */
export function kubeconfigSecrets(kc: KubeConfig): string[] {
  return kc.users.flatMap(u =>
    [u.token, u.password, u.keyData, u.certData].filter((v): v is string => !!v)
  )
}
