/**
 * What a workflow step running the action sees, pointed at a sandbox: the inputs that name its
 * cluster, the runner's environment (GitHub OIDC, the sandbox CA, no proxy for loopback), and the
 * step outputs read back. Shared by the demo, the benchmarks and the end-to-end tests.
 */
import type { Sandbox } from './index.js'

/** The inputs that point the action at the sandbox's cluster, identity and endpoints. */
export function targetInputs(sandbox: Sandbox): Record<string, string> {
  const env = sandbox.env
  return {
    'subscription-id': env.AZURE_SUBSCRIPTION_ID,
    'tenant-id': env.AZURE_TENANT_ID,
    'client-id': env.AZURE_CLIENT_ID,
    'resource-group': env.AZURE_RESOURCE_GROUP,
    'cluster-name': env.AZURE_CLUSTER_NAME,
    'cluster-type': env.AZURE_CLUSTER_TYPE,
    'arm-endpoint': env.ARM_ENDPOINT,
    'authority-host': env.AUTHORITY_HOST,
    kubeconfig: sandbox.kubeconfigPath
  }
}

/** The environment a runner gives the step: its OIDC token endpoint, trust, proxy bypass. */
export function stepEnv(sandbox: Sandbox): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ACTIONS_ID_TOKEN_REQUEST_URL: sandbox.env.ACTIONS_ID_TOKEN_REQUEST_URL,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: sandbox.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    NODE_EXTRA_CA_CERTS: sandbox.env.NODE_EXTRA_CA_CERTS,
    NO_PROXY: sandbox.env.NO_PROXY
  }
}

/** `INPUT_*` variables, as the runner passes `with:` values. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, '_').toUpperCase()}`, v])
  )
}

/** The step outputs, from the GITHUB_OUTPUT file's heredoc format. */
export function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of text.matchAll(/^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm))
    out[m[1]!] = m[3]!
  return out
}
