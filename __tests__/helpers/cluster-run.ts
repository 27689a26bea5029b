/** Shared by the cluster end-to-end files: a sandbox per test, and the bundle run against it. */
import { startSandbox } from '../../sandbox/index.js'
import type { Sandbox, SandboxOptions } from '../../sandbox/index.js'
import { runBundle } from './bundle-run.js'
import type { BundleRun } from './bundle-run.js'
import { sandboxInputs } from './sandbox-run.js'

export const TRAINING = { scenario: 'training' }
export const BOTH = {
  scenario: 'training-and-inference',
  'inference-router-service-type': 'NodePort',
  'allow-insecure-connections': 'true'
}
// Graces shortened to 1 s; the action's timeout stays at 2 minutes.
const FAST = { AZUREML_ACTION_GRACE_MS: '1000' }

/** A fresh sandbox per test (stopped after it), with Helm waiting far past any verdict. */
export function clusterSandbox(): {
  start(opts?: SandboxOptions['kube']): Promise<Sandbox>
  run(inputs: Record<string, string>): Promise<BundleRun>
  readonly sandbox: Sandbox
} {
  let current: Sandbox | undefined
  afterEach(async () => {
    await current?.stop()
    current = undefined
  })
  return {
    start: async (opts = {}) => {
      current = await startSandbox({ kube: { podStepMs: 20, helmTimeoutMs: 60_000, ...opts } })
      return current
    },
    run: inputs => runBundle(current!, { ...sandboxInputs(current!), ...inputs }, FAST),
    get sandbox() {
      return current!
    }
  }
}

interface Component {
  name: string
  kind: string
  status: string
  ready: number
  desired: number
  pods: { name: string; phase: string }[]
}
export const componentsOf = (r: BundleRun) => JSON.parse(r.outputs.components!) as Component[]
export const problemsOf = (r: BundleRun) =>
  JSON.parse(r.outputs.report!).problems as {
    component: string
    pod?: string
    reason: string
    message: string
    fix: string
  }[]
