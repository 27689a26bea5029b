/**
 * What a run should do to the extension, from the facts gathered before: the inputs' request, the
 * cluster resource, the live extension and what runs on the cluster. Pure: adapters act on it.
 */
import type { ClusterUsage, WorkloadCount } from '../cluster/model.js'
import { EXTENSION_TYPE } from '../names.js'
import type { ClusterFacts } from './desired.js'
import { derivedDrift, planUpdate } from './diff.js'
import type { Difference, ProtectedValues, UpdatePlan } from './diff.js'
import { protectedSettings } from './desired.js'
import { DIGESTS_KEY, recordedSalt } from './digests.js'
import type { LiveExtension } from './live.js'
import type { ExtensionRequest } from './request.js'

export interface ApplyFacts {
  request: ExtensionRequest
  cluster: ClusterFacts
  live: LiveExtension | undefined
  /** What runs on the cluster; undefined when it could not be read. */
  usage: ClusterUsage | undefined
  allowDisruptiveUpdate: boolean
  /** Every protected value a write would send, to tell changed values and keys that would be lost. */
  protect?: ProtectedValues
  /** The AzureML extensions on the cluster by name, read when a create is possible. */
  installed?: string[]
}

export type ApplyDecision =
  /** The live extension already matches; `plan` still lists leftovers worth a note. */
  | { kind: 'none'; plan: UpdatePlan }
  /** PUT the whole body: the extension is absent, or its last operation failed. */
  | { kind: 'create'; replacing?: string }
  /** PATCH only what differs. */
  | { kind: 'update'; plan: UpdatePlan }
  /** Nothing may be written; the reason says why and what to do. */
  | { kind: 'refuse'; reason: RefusalReason; message: string; fix: string }

export type RefusalReason =
  'WrongExtensionType' | 'ImpossibleUpdate' | 'DisruptiveUpdate' | 'AnotherAzureMLExtension'

const isSucceeded = (state: string) => state.toLowerCase() === 'succeeded'
const hasFailed = (state: string) => ['failed', 'canceled'].includes(state.toLowerCase())

/** Whether a run on this live extension may PUT a whole body (absent, or its last operation failed). */
export const mayCreate = (live: LiveExtension | undefined): boolean =>
  !live || hasFailed(live.provisioningState)

export function decideApply(f: ApplyFacts): ApplyDecision {
  const { live } = f
  const other = f.installed?.find(
    n => n.toLowerCase() !== (live?.name ?? f.request.name).toLowerCase()
  )
  if (other && mayCreate(live)) return anotherExtension(other, f.cluster.name)
  if (!live) return { kind: 'create' }
  if (live.extensionType.toLowerCase() !== EXTENSION_TYPE) {
    return {
      kind: 'refuse',
      reason: 'WrongExtensionType',
      message: `An extension named ${live.name} exists on ${f.cluster.name} with type ${live.extensionType}.`,
      fix: 'Choose another extension-name.'
    }
  }
  const plan = planUpdate(f.request, f.cluster, live, f.usage, f.protect)
  const refused = () => guard(plan, f.allowDisruptiveUpdate, f.usage?.workloads)
  // A failed extension gets its whole body again; it still runs what its last good settings
  // installed, so the guard applies to it too.
  if (hasFailed(live.provisioningState)) {
    return refused() ?? { kind: 'create', replacing: live.provisioningState }
  }
  if (plan.impossible.length > 0) {
    return {
      kind: 'refuse',
      reason: 'ImpossibleUpdate',
      message: plan.impossible.join('\n'),
      fix: 'Change the inputs as each line says; nothing was written.'
    }
  }
  return (
    refused() ?? (plan.changes.length === 0 ? { kind: 'none', plan } : { kind: 'update', plan })
  )
}

/**
 * A second AzureML extension fails on Helm's ownership check (the installed release owns the
 * objects in azureml), after ARM has made a resource that then stays Failed: refused before.
 */
function anotherExtension(other: string, cluster: string): ApplyDecision {
  return {
    kind: 'refuse',
    reason: 'AnotherAzureMLExtension',
    message: `${cluster} already has the AzureML extension ${other}: a cluster holds one, whose Helm release owns the azureml namespace.`,
    fix: `Set extension-name: ${other} to manage it, or delete it first (mode: delete with extension-name: ${other}).`
  }
}

/** Refuses disruptive changes unless allowed, saying what each would break and what runs now. */
function guard(
  plan: UpdatePlan,
  allowed: boolean,
  workloads: WorkloadCount | undefined
): ApplyDecision | undefined {
  if (plan.disruptive.length === 0 || allowed) return undefined
  const lines = plan.disruptive.map(d => {
    const { path, actual, desired } = d.difference
    return `- ${path}: ${actual ?? '(unset)'} → ${desired ?? '(unset)'} breaks ${d.breaks}`
  })
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
  const affected = workloads
    ? `The cluster runs ${plural(workloads.trainingJobs, 'training job')} and ${plural(workloads.onlineDeployments, 'online deployment')} now.`
    : 'Running jobs and deployments were not counted: no kubeconfig was given, or the cluster was not reachable.'
  return {
    kind: 'refuse',
    reason: 'DisruptiveUpdate',
    message: `Refusing a disruptive update:\n${lines.join('\n')}\n${affected}`,
    fix: 'Set allow-disruptive-update: true to apply it anyway (at a time the breakage is acceptable).'
  }
}

/** Every difference between the inputs and the live extension, its state included. Pure. */
export function driftOf(
  request: ExtensionRequest,
  cluster: ClusterFacts,
  live: LiveExtension
): Difference[] {
  // The user's own protected values are compared by digest where the live extension recorded
  // them; without a record the action cannot tell, and says nothing. The Relay's are not read.
  const recorded = recordedSalt(live.settings[DIGESTS_KEY])
  const protect = recorded ? { values: protectedSettings(request), salt: recorded } : undefined
  const plan = planUpdate(request, cluster, live, {}, protect)
  const drift = [...plan.changes, ...plan.leftovers, ...derivedDrift(request, cluster, live)]
  if (!isSucceeded(live.provisioningState)) {
    drift.push({ path: 'provisioningState', desired: 'Succeeded', actual: live.provisioningState })
  }
  return drift
}
