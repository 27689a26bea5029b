import { KubeConfig } from '@kubernetes/client-node'
import type { User } from '@kubernetes/client-node'

/** Kubeconfig text parsed in memory; `what` names it in the error. */
export function parseKubeconfig(text: string, what: string): KubeConfig {
  const kc = new KubeConfig()
  try {
    kc.loadFromString(text)
  } catch (err) {
    // Parser messages quote the text around the error, and a kubeconfig holds credentials.
    const mark = (err as { mark?: { line: number; column: number } }).mark
    const where = mark ? ` (YAML error at line ${mark.line + 1}, column ${mark.column + 1})` : ''
    throw new Error(`${what} is not a valid kubeconfig${where}`)
  }
  return kc
}

/** Credentials in a kubeconfig that must be masked before anything is logged. Pure. */
export function kubeconfigSecrets(kc: KubeConfig): string[] {
  return kc.users.flatMap(u =>
    [u.token, u.password, u.keyData, u.certData].filter((v): v is string => !!v)
  )
}

const ENTRA_PROVIDER = 'azureml-action-entra'

/**
 * A kubeconfig in memory for the cluster an AKS user credential names: its server and CA only,
 * and either the credential's own local user (token or client certificate; never an exec plugin
 * or a file) or, on an Entra-integrated cluster, a bearer token fetched from `entraToken` for
 * each request (the identity's own credential refreshes it; no kubelogin).
 */
export function aksKubeconfig(
  credential: KubeConfig,
  entraToken?: () => Promise<string>
): KubeConfig {
  const from = credential.getCurrentCluster()
  if (!from?.server || !from.caData) {
    throw new Error('the credential names no API server with its certificate authority')
  }
  const user = entraToken ? { name: 'entra', authProvider: { name: ENTRA_PROVIDER } } : local()
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [{ name: 'aks', server: from.server, caData: from.caData, skipTLSVerify: false }],
    users: [user],
    contexts: [{ name: 'aks', cluster: 'aks', user: user.name }],
    currentContext: 'aks'
  })
  if (entraToken) {
    kc.addAuthenticator({
      isAuthProvider: u => u.authProvider?.name === ENTRA_PROVIDER,
      applyAuthentication: async (_u, opts) => {
        opts.headers = { ...opts.headers, Authorization: `Bearer ${await entraToken()}` }
      }
    })
  }
  return kc

  function local(): User {
    const u = credential.getCurrentUser()
    if (!u?.token && !(u?.certData && u.keyData)) {
      throw new Error('the credential holds neither a token nor a client certificate')
    }
    return { name: 'local', token: u.token, certData: u.certData, keyData: u.keyData }
  }
}
