import type { ActionInputs } from '../inputs.js'
import type { Extension, PatchExtension } from '@azure/arm-kubernetesconfiguration'
import type { ExtensionBody } from '../settings/index.js'
import type { Difference, ExtensionPatch } from '../settings/diff.js'
import type { LiveExtension } from '../settings/live.js'
import { Deadline, TimeoutError } from '../deadline.js'
import { sleep } from '../retry.js'
import { OperationFailedError, WriteRejectedError, WriteTimeoutError } from './errors.js'
import { explainFailure } from './failures.js'
import { operationPace } from './operation-pace.js'
import { retryAfterMs } from './retry-after.js'
import type { Arm } from './arm.js'
import { isNotFound } from './arm.js'
import type { ClusterRef } from './cluster.js'
import { CLUSTER_RP } from './cluster.js'
import { EXTENSION_TYPE } from '../names.js'

export interface ExtensionRef {
  cluster: ClusterRef
  name: string
}

/** The extension and cluster the inputs name. */
export function extensionRef(inputs: ActionInputs): ExtensionRef {
  return {
    cluster: {
      resourceGroup: inputs.resourceGroup,
      type: inputs.clusterType,
      name: inputs.clusterName
    },
    name: inputs.extensionName
  }
}

const TERMINAL = ['succeeded', 'failed', 'canceled']

export function isSucceeded(state: string | undefined): boolean {
  return (state ?? '').toLowerCase() === 'succeeded'
}

/** Failed or Canceled: the last operation ended without success. */
export function hasFailed(state: string | undefined): boolean {
  return isTerminal(state) && !isSucceeded(state)
}

/** Succeeded, Failed and Canceled end an operation; anything else (Pending included) is in progress. */
export function isTerminal(state: string | undefined): boolean {
  return TERMINAL.includes((state ?? '').toLowerCase())
}

function args(ref: ExtensionRef) {
  const c = ref.cluster
  return [c.resourceGroup, CLUSTER_RP[c.type].rp, c.type, c.name, ref.name] as const
}

export function toLive(ext: Extension): LiveExtension {
  return {
    id: ext.id ?? '',
    name: ext.name ?? '',
    extensionType: ext.extensionType ?? '',
    version: ext.version ?? undefined,
    currentVersion: ext.currentVersion ?? undefined,
    releaseTrain: ext.releaseTrain ?? undefined,
    autoUpgradeMinorVersion: ext.autoUpgradeMinorVersion ?? undefined,
    provisioningState: ext.provisioningState ?? 'Unknown',
    releaseNamespace: ext.scope?.cluster?.releaseNamespace ?? undefined,
    settings: ext.configurationSettings ?? {},
    protectedKeys: Object.keys(ext.configurationProtectedSettings ?? {}),
    statuses: (ext.statuses ?? []).map(s => ({
      code: s.code,
      level: s.level,
      message: s.message,
      displayStatus: s.displayStatus
    })),
    errorInfo: ext.errorInfo
      ? { code: ext.errorInfo.code, message: ext.errorInfo.message }
      : undefined
  }
}

/** The live extension, or undefined when ARM says 404 (and only then). */
export async function getExtension(
  arm: Arm,
  ref: ExtensionRef
): Promise<LiveExtension | undefined> {
  try {
    return toLive(await arm.client.extensions.get(...args(ref)))
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** The names of the AzureML extensions on a cluster (Helm lets one own the azureml namespace). */
export async function azureMLExtensionNames(arm: Arm, cluster: ClusterRef): Promise<string[]> {
  const names: string[] = []
  const { resourceGroup, type, name } = cluster
  for await (const ext of arm.client.extensions.list(
    resourceGroup,
    CLUSTER_RP[type].rp,
    type,
    name
  )) {
    if (ext.name && ext.extensionType?.toLowerCase() === EXTENSION_TYPE) names.push(ext.name)
  }
  return names
}

/**
 * Polls the extension until no operation runs on it (or it is gone), within the deadline.
 * Used after a 409, after an ambiguous write failure, and by verify.
 */
export async function waitUntilIdle(
  arm: Arm,
  ref: ExtensionRef,
  deadline: Deadline,
  onWait?: (live: LiveExtension) => void
): Promise<LiveExtension | undefined> {
  for (;;) {
    const live = await getExtension(arm, ref)
    if (!live || isTerminal(live.provisioningState)) return live
    onWait?.(live)
    if (deadline.remainingMs() <= arm.pollIntervalMs) {
      throw new TimeoutError(
        `The extension is still ${live.provisioningState} and the timeout is spent.`
      )
    }
    await sleep(arm.pollIntervalMs)
  }
}

/** A write the action sends. */
export type ExtensionWrite =
  | { kind: 'create'; body: ExtensionBody }
  /** `changes` says what the patch changes, for the log and the summary. */
  | { kind: 'update'; patch: ExtensionPatch; changes: Difference[] }
  | { kind: 'delete'; force: boolean }

/** How a write ended, as far as this attempt knows. */
export type WriteOutcome =
  | { kind: 'done' }
  /** ARM refused the request itself (4xx): repeating it would not help. */
  | { kind: 'rejected'; statusCode: number; code: string; message: string }
  /** Busy (409), throttled (429) or ambiguous (5xx, dropped connection, failed poll): read, then decide. */
  | { kind: 'unsure'; reason: string; retryAfterMs: number; mayHaveWritten: boolean }

interface RestLike {
  statusCode?: number
  code?: string
  message: string
  response?: { headers?: { get(name: string): string | undefined } }
}

/**
 * Something watched beside a running operation that can end the wait early with an error, e.g.
 * pods that certainly fail while ARM would wait out Helm's timeout. `stop` ends the watching.
 */
export interface OperationWatch {
  failure: Promise<Error | undefined>
  stop(): void
}

/**
 * Sends one write on the non-retrying client and follows its operation until it ends, or until
 * `watch` reports a failure first (which is thrown as it is).
 */
export async function sendWrite(
  arm: Arm,
  ref: ExtensionRef,
  write: ExtensionWrite,
  deadline: Deadline,
  watch?: OperationWatch
): Promise<WriteOutcome> {
  const interrupted = new AbortController()
  let cause: Error | undefined
  void watch?.failure.then(err => {
    cause = err
    if (err) interrupted.abort(err)
  })
  const pace = operationPace(arm.pollIntervalMs)
  const options = {
    updateIntervalInMs: arm.pollIntervalMs,
    abortSignal: AbortSignal.any([deadline.signal(), interrupted.signal]),
    onResponse: pace.onResponse
  }
  try {
    const ops = arm.writer.extensions
    const poller =
      write.kind === 'create'
        ? await ops.beginCreate(
            ...args(ref),
            { identity: write.body.identity, ...write.body.properties },
            options
          )
        : write.kind === 'update'
          ? // The SDK types `version` as a string, yet its mapper is nullable: null removes a pin.
            await ops.beginUpdate(...args(ref), write.patch as PatchExtension, options)
          : await ops.beginDelete(...args(ref), { ...options, forceDelete: write.force })
    await pace.untilDone(poller, options.abortSignal)
    return { kind: 'done' }
  } catch (err) {
    if (cause) throw cause
    if (deadline.expired()) throw await writeTimedOut(arm, ref, write)
    return classify(err as RestLike)
  } finally {
    watch?.stop()
  }
}

/** How long the last look at an extension may take once the timeout is spent. */
const LAST_LOOK_MS = 1000

/** The timeout ended the wait for a write: one short read says where the extension stands. */
async function writeTimedOut(
  arm: Arm,
  ref: ExtensionRef,
  write: ExtensionWrite
): Promise<WriteTimeoutError> {
  const live = await arm.client.extensions
    .get(...args(ref), { abortSignal: AbortSignal.timeout(LAST_LOOK_MS) })
    .then(toLive, (err: unknown) => (isNotFound(err) ? null : undefined))
  const where = live ? `: the extension is ${live.provisioningState}` : ''
  return new WriteTimeoutError(
    `The ${write.kind} operation did not end within the timeout${where}; ARM goes on with it.`,
    live,
    write.kind
  )
}

/** How ARM words a 409 for a resource that has an operation in progress. */
const BUSY = /\b(conflicting|another) operation\b.*\bin progress\b|\boperation\b.*\bin progress\b/i

function classify(err: RestLike): WriteOutcome {
  const status = err.statusCode
  const asked = retryAfterMs(err.response?.headers?.get('retry-after')) ?? 0
  const unsure = (reason: string, wait: number, mayHaveWritten: boolean): WriteOutcome => ({
    kind: 'unsure',
    reason,
    retryAfterMs: wait,
    mayHaveWritten
  })
  // 409 and 429 mean the request was not carried out. Only a 409 for an operation still running
  // is worth waiting out; any other (MissingSubscriptionRegistration, …) is refused as it is.
  if (status === 409 && BUSY.test(err.message))
    return unsure(`409 ${err.code ?? 'Conflict'}: ${err.message}`, asked, false)
  if (status === 429) return unsure(`429 throttled: ${err.message}`, asked || 5000, false)
  if (status !== undefined && status >= 400 && status < 500) {
    return {
      kind: 'rejected',
      statusCode: status,
      code: err.code ?? String(status),
      message: err.message
    }
  }
  return unsure(status ? `${status}: ${err.message}` : err.message, asked, true)
}

/** A write converge did, and where the extension ended. */
export interface Converged {
  /** The extension after the last write or read; undefined when it is gone. */
  live: LiveExtension | undefined
  /** Whether this run wrote (or may have written) to Azure. */
  changed: boolean
}

const ATTEMPTS = 4

/**
 * The one write loop for PUT, PATCH and DELETE: read the live extension (waiting out a running
 * operation), ask `next` what to write, send it and follow its operation. After a busy, throttled or
 * ambiguous write it pauses, reads the live extension again and asks `next` anew, since the write
 * may have landed. After a write that ended it reads back and asks `next` too: another run may
 * have written meanwhile, and success must mean the request is what is live (no lost update).
 * A write ARM refuses outright, or an operation that ends Failed, stops it.
 */
export interface ConvergeSteps {
  log: (line: string) => void
  /** What to write given the live extension (read again before every attempt); none: done. */
  next: (live: LiveExtension | undefined) => Promise<ExtensionWrite | undefined>
  /** Watched beside each write's operation; may end the wait early with a failure. */
  watch?: (write: ExtensionWrite, live: LiveExtension | undefined) => OperationWatch | undefined
  /** Told just before a write is sent: from then on the run may have changed Azure. */
  sending?: (write: ExtensionWrite) => void
}

export async function converge(
  arm: Arm,
  ref: ExtensionRef,
  deadline: Deadline,
  { log, next, watch, sending }: ConvergeSteps
): Promise<Converged> {
  const idle = () =>
    waitUntilIdle(arm, ref, deadline, l =>
      log(
        `The extension is ${l.provisioningState} from an earlier operation; waiting for it to end.`
      )
    )
  let changed = false
  // Whether the last write ended done: `next` still wanting one means another writer came between.
  let landed: ExtensionWrite | undefined
  let live = await idle()
  for (let attempt = 1; ; attempt++) {
    if (changed && live && hasFailed(live.provisioningState)) {
      throw new OperationFailedError(live, explainFailure(live))
    }
    const write = await next(live)
    if (!write) return { live, changed }
    if (landed) {
      log(
        `The extension changed after this run's ${landed.kind} ended: another run or operation wrote it.`
      )
    }
    if (attempt > ATTEMPTS) throw gaveUp(landed !== undefined)
    sending?.(write)
    const outcome = await sendWrite(arm, ref, write, deadline, watch?.(write, live))
    if (outcome.kind === 'rejected') {
      throw new WriteRejectedError(
        `ARM refused the ${write.kind} (${outcome.statusCode} ${outcome.code}): ${outcome.message}`
      )
    }
    if (outcome.kind === 'done') {
      // Read back, then let `next` confirm: success means this run's request is what is live.
      changed = true
      landed = write
      live = await readBack(arm, ref, write, deadline)
      continue
    }
    landed = undefined
    changed ||= outcome.mayHaveWritten
    const wait = pauseMs(arm, outcome.retryAfterMs, attempt, deadline)
    log(
      `The ${write.kind} did not clearly succeed (${outcome.reason}); reading the extension again in ${wait} ms before deciding.`
    )
    await sleep(wait)
    live = await idle()
  }
}

/** Why a run stops writing: another writer won after each of its writes, or ARM kept failing. */
function gaveUp(overwritten: boolean): Error {
  return new Error(
    overwritten
      ? `The extension kept changing under this run: another run or operation wrote it after each of its ${ATTEMPTS} writes. Run one apply at a time per extension (a workflow concurrency group), then run again.`
      : `The extension could not be written after ${ATTEMPTS} attempts; see the log for each reason.`
  )
}

/** The pause before reading again after an unclear write: Retry-After or a doubling backoff. */
function pauseMs(arm: Arm, retryAfterMs: number, attempt: number, deadline: Deadline): number {
  const backoff = arm.retryDelayMs * 2 ** (attempt - 1)
  return Math.min(Math.max(retryAfterMs, backoff), deadline.remainingMs())
}

/** The extension after a write whose operation ended: gone after a delete, Succeeded otherwise. */
async function readBack(
  arm: Arm,
  ref: ExtensionRef,
  write: ExtensionWrite,
  deadline: Deadline
): Promise<LiveExtension | undefined> {
  if (write.kind === 'delete') {
    const live = await waitUntilIdle(arm, ref, deadline)
    if (live)
      throw new OperationFailedError(
        live,
        explainFailure(live, 'the extension is still there after its delete ended')
      )
    return undefined
  }
  // A replica may still show the operation running (replication lag): read until it has ended.
  const live = await waitUntilIdle(arm, ref, deadline)
  if (!live || !isSucceeded(live.provisioningState)) {
    throw new OperationFailedError(live, explainFailure(live))
  }
  return live
}
