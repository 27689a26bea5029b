import { resolveCloud } from '../azure/cloud.js'
import type { ActionInputs, Mode } from '../inputs.js'
import type { Problem } from '../problems.js'
import type { Difference } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'
import type { ClusterProblem, ComponentStatus } from '../cluster/model.js'
import type { ClusterOutcome } from '../modes/cluster.js'
import type { ExtensionOutcome } from '../modes/context.js'

/** A reason the run did not succeed: what, where, the evidence, and what to do. */
export type ReportedProblem = ClusterProblem

/** Where the run was aimed; known once the inputs are read. */
export interface Target {
  mode: Mode
  clusterName: string
  clusterType: string
  resourceGroup: string
  extensionName: string
  /** The cloud's Azure portal and the tenant, for links to the extension. */
  portal: string
  tenantId: string
}

/**
 * Everything a run found out, filled as the run goes and published once at the end (on success,
 * failure and cancellation alike). Every output and the job summary come from it.
 */
export class Report {
  target?: Target
  /** `provisioningState` of the extension; `NotFound` or `Deleted` when there is none. */
  provisioningState = ''
  extensionId = ''
  extensionVersion = ''
  /** Whether this run wrote to Azure. */
  changed = false
  /** A write went out; if the run stops before its answer, it may have changed Azure. */
  writeSent = false
  /** What this run's update sent: setting, was, now (protected values never appear). */
  changes: Difference[] = []
  drift: Difference[] = []
  /** Set when drift was looked for (drift mode); otherwise the summary leaves it out. */
  driftChecked = false
  components: ComponentStatus[] = []
  podsReady = false
  /** How the cluster was verified, or why not: shown in the summary. */
  clusterNote?: string
  /** Set when the cluster was read through AKS Run Command (a private AKS cluster). */
  clusterVia?: 'run-command'
  problems: ReportedProblem[] = []
  /** Why the run stopped short, in one message. */
  private stopped?: string
  /** Drift mode with fail-on-drift: drift fails the step. */
  private failOnDrift = false

  begin(inputs: ActionInputs): void {
    this.target = {
      mode: inputs.mode,
      clusterName: inputs.clusterName,
      clusterType: inputs.clusterType,
      resourceGroup: inputs.resourceGroup,
      extensionName: inputs.extensionName,
      portal: resolveCloud(inputs.environment).portal,
      tenantId: inputs.tenantId
    }
    this.failOnDrift = inputs.mode === 'drift' && inputs.failOnDrift
  }

  /** The extension as last read; `absent` names what no extension means in this mode. */
  extension(live: LiveExtension | undefined, absent: 'NotFound' | 'Deleted' = 'NotFound'): void {
    this.provisioningState = live?.provisioningState ?? absent
    this.extensionId = live?.id ?? this.extensionId
    this.extensionVersion = live?.currentVersion ?? (live ? '' : this.extensionVersion)
  }

  /** What the Extension phase did and where it left the extension. */
  record(outcome: ExtensionOutcome): void {
    this.extension(outcome.live, outcome.absent)
    this.changed ||= outcome.changed
    this.changes = outcome.changes ?? []
    if (outcome.drift) {
      this.drift = outcome.drift
      this.driftChecked = true
    }
  }

  /** What the Cluster phase found. */
  cluster(outcome: ClusterOutcome | undefined): void {
    if (!outcome) return
    this.components = outcome.components
    this.podsReady = outcome.podsReady
    this.problems.push(...outcome.problems)
    this.drift.push(...outcome.drift)
    this.clusterNote = outcome.note ?? this.clusterNote
    this.clusterVia = outcome.via ?? this.clusterVia
    if (outcome.failure) this.fail(outcome.failure)
  }

  inputProblems(problems: readonly Problem[]): void {
    this.problems.push(
      ...problems.map(p => ({
        component: p.input,
        reason: 'InvalidInput',
        message: p.message,
        fix: p.fix
      }))
    )
  }

  fail(message: string, problem?: ReportedProblem): void {
    this.stopped ??= message
    if (problem) this.problems.push(problem)
  }

  get drifted(): boolean {
    return this.drift.length > 0
  }

  /** Why the step fails: what stopped the run, or the drift found when fail-on-drift is set. */
  get failure(): string | undefined {
    if (this.stopped || !this.failOnDrift || !this.drifted) return this.stopped
    const n = this.drift.length
    return `${n} difference${n === 1 ? '' : 's'} between the inputs and the live extension or cluster (fail-on-drift is true).`
  }
}

/** How a problem is titled in an annotation and the summary: which input, or which component and pod. */
export function problemTitle(p: ReportedProblem): string {
  if (p.reason === 'InvalidInput') return `Input '${p.component}'`
  return p.pod ? `${p.component} · ${p.pod}` : p.component
}
