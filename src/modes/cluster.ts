/**
 * The Cluster phase: what each mode checks in `azureml` once the Extension phase is done, and the
 * cluster's evidence beside a failed operation. The verdicts are the pure assessment's.
 */
import { OperationFailedError } from '../azure/errors.js'
import type { ExtensionWrite, OperationWatch } from '../azure/extension.js'
import { ClusterFailedError } from '../cluster/errors.js'
import { DEFAULT_GRACES } from '../cluster/graces.js'
import type { Graces } from '../cluster/graces.js'
import type { CheckOptions, Cluster, ClusterTarget, ClusterVerdict } from '../cluster/index.js'
import type { Assessment, ClusterProblem, ComponentStatus } from '../cluster/model.js'
import type { Difference } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'
import type { ExtensionOutcome, RunContext } from './context.js'

/** What the Cluster phase found. */
export interface ClusterOutcome {
  components: ComponentStatus[]
  podsReady: boolean
  problems: ClusterProblem[]
  /** Drift mode: components missing or unhealthy, as `components.<name>`. */
  drift: Difference[]
  /** How the cluster was checked, or why not: for the summary. */
  note?: string
  /** Checked through AKS Run Command rather than the API server itself. */
  via?: 'run-command'
  failure?: string
}

const NOTHING: ClusterOutcome = { components: [], podsReady: false, problems: [], drift: [] }

/** Why the cluster is not checked in this run, or undefined when it is. Pure. */
export function whyNotChecked(ctx: RunContext): string | undefined {
  const { inputs, cluster, access } = ctx.plan
  if (!inputs.waitForPods) return 'The cluster was not checked: wait-for-pods is false.'
  if (cluster) return undefined
  if (access.way === 'none') return access.note
  // Reached in Preflight (modes/reach.ts), whatever the way.
  return 'The cluster was not checked: the run stopped before reaching it.'
}

export async function checkCluster(
  ctx: RunContext,
  outcome: ExtensionOutcome
): Promise<ClusterOutcome> {
  const skipped = whyNotChecked(ctx)
  if (skipped) {
    ctx.log.info(skipped)
    return { ...NOTHING, note: skipped }
  }
  const cluster = ctx.plan.cluster!
  const mode = ctx.plan.inputs.mode
  if (mode === 'delete') return leftBehind(ctx, cluster)
  if (!outcome.live) return NOTHING
  const target = targetOf(ctx, outcome.live)
  if (mode === 'drift') return driftOf(await cluster.look(target, checkOptions(ctx)))
  return verdictOf(ctx, await cluster.verdict(target, checkOptions(ctx)))
}

/** Beside a failed operation: what the cluster shows (a failed healthcheck, a pod's reason). */
export async function clusterEvidence(
  ctx: RunContext,
  err: unknown
): Promise<ClusterOutcome | undefined> {
  if (!(err instanceof OperationFailedError) || !err.live || whyNotChecked(ctx)) return
  const look = await ctx.plan
    .cluster!.look(targetOf(ctx, err.live), checkOptions(ctx))
    .catch((e: Error) => {
      ctx.log.info(`The cluster could not be read for evidence: ${e.message}`)
      return undefined
    })
  if (!look) return undefined
  // After a failed install Helm removes what it made: absent components say nothing new.
  const problems = look.problems.filter(p => p.reason !== 'Missing')
  return { ...NOTHING, components: look.components, problems }
}

/**
 * For apply: watches the namespace while ARM waits on Helm, so that a failure that is already
 * certain (an image that cannot be pulled, a crash loop) ends the run now rather than after
 * Helm's own timeout.
 */
export function operationWatch(
  ctx: RunContext
): ((write: ExtensionWrite, live: LiveExtension | undefined) => OperationWatch) | undefined {
  if (whyNotChecked(ctx)) return undefined
  const cluster = ctx.plan.cluster!
  return (write, live) => {
    const stop = new AbortController()
    const target = writeTarget(ctx, write, live)
    const failure = target
      ? cluster
          .failure(target, { ...checkOptions(ctx, write), signal: stop.signal })
          .then(a => (a ? failedError(a) : undefined))
          .catch(() => undefined)
      : Promise.resolve(undefined)
    return { failure, stop: () => stop.abort() }
  }
}

function failedError(a: Assessment): ClusterFailedError {
  const n = a.problems.length
  return new ClusterFailedError(
    `The extension's components in azureml are failing (${n} problem${n === 1 ? '' : 's'}); waiting longer cannot help.`,
    a
  )
}

function verdictOf(ctx: RunContext, { assessment, timedOut, via }: ClusterVerdict): ClusterOutcome {
  for (const pod of assessment.unexpected) {
    ctx.log.warning(`Pod ${pod} in azureml belongs to no component the extension should run.`)
  }
  const base = {
    ...NOTHING,
    components: assessment.components,
    problems: assessment.problems,
    ...(via ? { via } : {})
  }
  if (assessment.verdict === 'healthy') {
    const n = assessment.components.filter(c => c.kind !== 'Pod').length
    ctx.log.info(`All ${n} components of the extension are ready in azureml.`)
    return { ...base, podsReady: true }
  }
  if (timedOut) {
    return {
      ...base,
      failure: `The timeout ran out before the components were ready: still waiting for ${assessment.awaiting.join(', ')}.`
    }
  }
  return { ...base, failure: failedError(assessment).message }
}

function driftOf(look: Assessment): ClusterOutcome {
  const drift = look.components
    .filter(c => c.kind !== 'Pod' && c.status !== 'Ready' && c.status !== 'Completed')
    .map(c => ({
      path: `components.${c.name}`,
      desired: 'Ready',
      actual: `${c.status} (${c.ready}/${c.desired})`
    }))
  return { ...NOTHING, components: look.components, drift }
}

async function leftBehind(ctx: RunContext, cluster: Cluster): Promise<ClusterOutcome> {
  const { remaining, timedOut, otherReleases } = await cluster.gone(ctx.ref.name, checkOptions(ctx))
  if (otherReleases.length > 0)
    ctx.log.info(
      `azureml also holds Helm release ${otherReleases.map(r => `'${r}'`).join(', ')} of another extension on this cluster: left in place.`
    )
  if (!timedOut) {
    ctx.log.info('Nothing of the extension is left in azureml.')
    return NOTHING
  }
  return {
    ...NOTHING,
    failure: `${remaining.length} object${remaining.length === 1 ? '' : 's'} of the extension still in azureml after the timeout: ${remaining.slice(0, 10).join(', ')}.`
  }
}

function targetOf(ctx: RunContext, live: LiveExtension): ClusterTarget {
  return {
    extensionName: live.name || ctx.ref.name,
    version: live.currentVersion,
    clusterType: ctx.plan.inputs.clusterType,
    settings: live.settings
  }
}

/** The extension a write is about to make: its settings as they will be once it lands. */
function writeTarget(
  ctx: RunContext,
  write: ExtensionWrite,
  live: LiveExtension | undefined
): ClusterTarget | undefined {
  if (write.kind === 'delete') return undefined
  const settings =
    write.kind === 'create'
      ? write.body.properties.configurationSettings
      : { ...live?.settings, ...write.patch.configurationSettings }
  const version = write.kind === 'create' ? write.body.properties.version : write.patch.version
  return {
    extensionName: ctx.ref.name,
    version: version ?? live?.currentVersion,
    clusterType: ctx.plan.inputs.clusterType,
    settings
  }
}

function checkOptions(ctx: RunContext, write?: ExtensionWrite): CheckOptions {
  return {
    deadline: ctx.deadline,
    graces: gracesWithin(ctx.plan.inputs.tuning.graceMs),
    operation: write ? (write.kind === 'create' ? 'install' : 'upgrade') : undefined,
    progress: line => ctx.log.info(line)
  }
}

/** The sandbox and tests shorten every timed grace to at most `ms`; counts stay as they are. */
function gracesWithin(ms: number | undefined): Partial<Graces> | undefined {
  if (ms === undefined) return undefined
  const entries = Object.entries(DEFAULT_GRACES).filter(([k]) => k.endsWith('Ms'))
  return Object.fromEntries(entries.map(([k, v]) => [k, Math.min(v, ms)]))
}
