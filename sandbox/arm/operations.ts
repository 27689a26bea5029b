import { randomUUID } from 'node:crypto'
import type { ArmErrorDetail, ClusterOutcome } from '../contract.js'
import { EXTENSIONS_API_VERSION } from './schema.js'

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled'

/** One async operation on an extension, as `…/operations/{name}` reports it. */
export interface AsyncOperation {
  /** `{extensionId}/operations/{name}`. */
  id: string
  name: string
  extensionId: string
  status: OperationStatus
  error?: ArmErrorDetail
  startTime: string
  endTime?: string
}

/** The body of the operation status GET (OperationStatusResult). */
export function statusBody(op: AsyncOperation): Record<string, unknown> {
  const body: Record<string, unknown> = {
    id: op.id,
    name: op.name,
    status: op.status,
    properties: {}
  }
  if (op.error) body.error = op.error
  return body
}

/**
 * Runs extension operations in the background and answers their status.
 * The work callback updates the stored resource itself, so the resource is final before
 * the status turns terminal (pollers GET the resource right after `Succeeded`).
 */
export class Operations {
  private readonly byKey = new Map<string, AsyncOperation>()
  private readonly running = new Set<Promise<void>>()

  constructor(private readonly origin: () => string) {}

  /** The operation still running on this extension, if any (ARM then answers 409). */
  busy(extensionId: string): AsyncOperation | undefined {
    for (const op of this.byKey.values()) {
      if (op.status === 'InProgress' && same(op.extensionId, extensionId)) return op
    }
    return undefined
  }

  get(extensionId: string, name: string): AsyncOperation | undefined {
    const op = this.byKey.get(name.toLowerCase())
    return op && same(op.extensionId, extensionId) ? op : undefined
  }

  /** Absolute `Azure-AsyncOperation` URL on the sandbox itself. */
  url(op: AsyncOperation): string {
    return `${this.origin()}${op.id}?api-version=${EXTENSIONS_API_VERSION}`
  }

  start(extensionId: string, work: () => Promise<ClusterOutcome>): AsyncOperation {
    const name = randomUUID()
    const op: AsyncOperation = {
      id: `${extensionId}/operations/${name}`,
      name,
      extensionId,
      status: 'InProgress',
      startTime: new Date().toISOString()
    }
    this.byKey.set(name, op)
    const run = work()
      .then(outcome => finish(op, outcome))
      .catch((err: unknown) =>
        finish(op, { ok: false, errorInfo: { code: 'InternalServerError', message: String(err) } })
      )
      .finally(() => this.running.delete(run))
    this.running.add(run)
    return op
  }

  /** Resolves when every operation started so far has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running])
  }

  /** Marks unfinished operations Canceled (the sandbox is stopping). */
  cancelAll(): void {
    for (const op of this.byKey.values()) {
      if (op.status === 'InProgress') op.status = 'Canceled'
    }
  }
}

function finish(op: AsyncOperation, outcome: ClusterOutcome): void {
  if (op.status !== 'InProgress') return
  op.endTime = new Date().toISOString()
  if (outcome.ok) op.status = 'Succeeded'
  else {
    op.status = 'Failed'
    op.error = outcome.errorInfo
  }
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
