import { startSandbox } from '../../sandbox/index.js'
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js'
import { targetInputs } from '../../sandbox/step.js'
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
  return { ...targetInputs(s), timeout: '2m' }
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
