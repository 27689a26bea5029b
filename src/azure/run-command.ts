/**
 * AKS Run Command: a command run inside the cluster by AKS (in a pod of its own), through ARM.
 * For private clusters, whose API server the runner cannot reach. POST `runCommand` answers 202
 * with a `Location` to `commandResults/{id}`, polled (honouring Retry-After) until it answers 200.
 *
 * The ContainerService client is imported when the first command runs: runs that never use Run
 * Command do not load it.
 */
import type { ContainerServiceClient, RunCommandResult } from '@azure/arm-containerservice'
import { TimeoutError } from '../deadline.js'
import type { Deadline } from '../deadline.js'
import type { Arm } from './arm.js'
import type { ClusterRef } from './cluster.js'
import { retryAfterMs } from './retry-after.js'

/** What a command ended with: its exit code and its log (stdout and stderr, as one text). */
export interface CommandResult {
  exitCode: number
  logs: string
}

export interface RunCommandOptions {
  /**
   * A token for the AKS server app (Entra-integrated clusters need one in the request). A
   * secret: the caller masks it; this module never logs it nor keeps it past the request.
   */
  clusterToken?: () => Promise<string>
  deadline: Deadline
  debug?: (line: string) => void
}

/** AKS said the command could not run (its pod failed), or ARM refused it. */
export class RunCommandError extends Error {
  override name = 'RunCommandError'
}

// az aks command invoke polls every 5 s; Retry-After, when ARM sends it, takes precedence.
const POLL_MS = 5_000

/** Built with the run's ARM identity, endpoint, retries and request log (`arm.clientOptions`). */
async function containerService(arm: Arm): Promise<ContainerServiceClient> {
  const { ContainerServiceClient } = await import('@azure/arm-containerservice')
  return new ContainerServiceClient(arm.credential, arm.subscriptionId, arm.clientOptions)
}

/**
 * Runs commands in `cluster` through AKS Run Command, one at a time as the caller asks. Each
 * resolves with the command's exit code and log, or rejects with a RunCommandError (AKS could
 * not run it, or ARM refused), a TimeoutError (the deadline passed) or the cancellation.
 */
export function aksCommandRunner(
  arm: Arm,
  cluster: ClusterRef,
  options: RunCommandOptions
): (command: string) => Promise<CommandResult> {
  let client: Promise<ContainerServiceClient> | undefined
  let count = 0
  return async command => {
    client ??= containerService(arm)
    const api = await client
    const n = ++count
    const started = Date.now()
    const result = await submit(
      api,
      cluster,
      command,
      options,
      Math.min(arm.pollIntervalMs, POLL_MS)
    )
    const outcome = outcomeOf(result, command)
    const took = Date.now() - started
    options.debug?.(
      `Run Command ${n} (${command.split(' ', 3).join(' ')}) → exit ${outcome.exitCode}, ${outcome.logs.length} chars in ${took} ms`
    )
    return outcome
  }
}

async function submit(
  api: ContainerServiceClient,
  cluster: ClusterRef,
  command: string,
  options: RunCommandOptions,
  updateIntervalInMs: number
): Promise<RunCommandResult> {
  const { deadline } = options
  // Outside the try: a token Entra refuses is the provider's error to tell, not ARM's refusal.
  const clusterToken = await options.clusterToken?.()
  const abortSignal = deadline.signal()
  try {
    // The SDK polls at once after the POST; the POST's Retry-After (or the interval) comes first.
    let firstPollMs = updateIntervalInMs
    const poller = api.managedClusters.runCommand(
      cluster.resourceGroup,
      cluster.name,
      { command, ...(clusterToken ? { clusterToken } : {}) },
      {
        abortSignal,
        updateIntervalInMs,
        onResponse: r => (firstPollMs = retryAfterMs(r.headers.get('retry-after')) ?? firstPollMs)
      }
    )
    await poller.submitted()
    if (!poller.isDone) await delay(firstPollMs, abortSignal)
    return await poller.pollUntilDone({ abortSignal })
  } catch (err) {
    if (deadline.cancelled.aborted) throw err
    if (deadline.expired()) {
      throw new TimeoutError(
        `The timeout ran out while AKS Run Command ran \`${firstWords(command)}\` in ${cluster.name}.`
      )
    }
    throw refused(err, cluster)
  }
}

/**
 * ARM's refusal as a new error carrying only status, code and message: the SDK's error holds the
 * request, whose body has the cluster token, and must not travel to any log.
 */
function refused(err: unknown, cluster: ClusterRef): RunCommandError {
  const e = err as { statusCode?: number; code?: string; message?: string }
  const status = e.statusCode ? `${e.statusCode} ` : ''
  const code = e.code ? `${e.code}: ` : ''
  const hint =
    e.statusCode === 403
      ? ' The identity needs Microsoft.ContainerService/managedClusters/runCommand/action and Microsoft.ContainerService/managedClusters/commandResults/read on the cluster (Contributor has both).'
      : ''
  return new RunCommandError(
    `AKS Run Command on ${cluster.name} was refused: ${status}${code}${e.message ?? String(err)}${hint}`
  )
}

/** The command's exit code and log; AKS's own failure to run it becomes a RunCommandError. */
export function outcomeOf(result: RunCommandResult | undefined, command: string): CommandResult {
  const state = result?.provisioningState?.toLowerCase()
  if (state === 'succeeded' && typeof result?.exitCode === 'number') {
    return { exitCode: result.exitCode, logs: result.logs ?? '' }
  }
  const what = `AKS Run Command could not run \`${firstWords(command)}\``
  if (state === 'failed') {
    const reason = result?.reason || 'no reason given'
    throw new RunCommandError(
      `${what}: ${reason}. AKS runs each command in a pod of namespace aks-command: its nodes must be able to pull the command image and schedule the pod.`
    )
  }
  throw new RunCommandError(
    `${what}: it ended ${result?.provisioningState ?? 'without a state'}${state === 'succeeded' ? ' without an exit code' : ''}.`
  )
}

/** The command as a message quotes it: enough to tell commands apart. */
function firstWords(command: string): string {
  return command.length > 120 ? `${command.slice(0, 120)}…` : command
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop)
      resolve()
    }, ms)
    signal.addEventListener('abort', stop, { once: true })
  })
}
