import type { Deadline } from '../deadline.js'
import type { Arm } from '../azure/arm.js'
import type { ExtensionRef } from '../azure/extension.js'
import type { ClusterUsage } from '../cluster/model.js'
import type { RunPlan } from '../plan.js'
import type { Log } from '../runner.js'
import type { ClusterFacts } from '../settings/index.js'
import type { Difference } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'

/** What the preflight learned before any write. */
export interface PreflightFacts {
  cluster: ClusterFacts
  /** Work running on the cluster (apply with a kubeconfig); undefined when not read. */
  usage?: ClusterUsage
}

/** What every step after sign-in works with. */
export interface RunContext {
  plan: RunPlan
  arm: Arm
  ref: ExtensionRef
  deadline: Deadline
  log: Log
  mask: (secret: string) => void
  /** Records the live extension each time it is read, so a failure still reports where it stands. */
  seen: (live: LiveExtension | undefined) => void
  /** Records that a write is about to go out, so a cancelled run still reports `changed`. */
  sending: () => void
}

/** Where the Extension phase left the extension, and what it did. */
export interface ExtensionOutcome {
  live: LiveExtension | undefined
  /** What no extension means: never there, or removed by this run. */
  absent: 'NotFound' | 'Deleted'
  changed: boolean
  /** What an update sent. */
  changes?: Difference[]
  /** Drift mode: every difference between the inputs and the live extension. */
  drift?: Difference[]
}
