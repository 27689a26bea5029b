import { startSandbox } from '../../sandbox/index.js'
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js'
import { trustSandboxCa } from '../../sandbox/trust.js'
import { runAction } from './action.js'
import type { ActionRun } from './action.js'

export type { Sandbox }

/** The whole sandbox (Kubernetes included), trusted by this process, with pods that start fast. */
export async function startFullSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  // Helm waits long enough for a loaded machine; tests about its timeout set their own.
  const sandbox = await startSandbox({
    ...opts,
    kube: { podStepMs: 5, helmTimeoutMs: 20_000, ...opts.kube }
  })
  trustSandboxCa(sandbox.ca)
  return sandbox
}

/** The inputs that point the action at the sandbox's cluster. */
export function sandboxInputs(s: Sandbox): Record<string, string> {
  return {
    'subscription-id': s.env.AZURE_SUBSCRIPTION_ID,
    'tenant-id': s.env.AZURE_TENANT_ID,
    'client-id': s.env.AZURE_CLIENT_ID,
    'resource-group': s.env.AZURE_RESOURCE_GROUP,
    'cluster-name': s.env.AZURE_CLUSTER_NAME,
    'cluster-type': s.env.AZURE_CLUSTER_TYPE,
    'arm-endpoint': s.env.ARM_ENDPOINT,
    'authority-host': s.env.AUTHORITY_HOST,
    kubeconfig: s.kubeconfigPath,
    timeout: '2m'
  }
}

export function runInSandbox(s: Sandbox, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction(inputs, {
    ACTIONS_ID_TOKEN_REQUEST_URL: s.env.ACTIONS_ID_TOKEN_REQUEST_URL,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    AZUREML_ACTION_POLL_MS: '10',
    AZUREML_ACTION_RETRY_MS: '10',
    NO_PROXY: '127.0.0.1,localhost'
  })
}
