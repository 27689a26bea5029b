import type { SandboxRequest, SandboxResponse } from './http.js'

/** Which requests a fault applies to. Omitted fields match everything. */
export interface FaultMatch {
  method?: string
  /** Substring (case-insensitive) or pattern tested against the request path. */
  path?: string | RegExp
  /** Fire on the Nth matching request, 1-based (default 1: the next one). */
  nth?: number
  /** How many consecutive matching requests fail once it fires (default 1). */
  times?: number
}

/** How the server misbehaves once a fault fires. */
export type FaultEffect =
  /** `body` replaces the service's usual answer for the status (another ARM error code, …). */
  { kind: 'status'; status: number; retryAfter?: number; body?: unknown } | { kind: 'drop' }

/** Builds the body a given service answers with for an injected status. */
export type FaultBody = (status: number) => unknown

/** Whether a request is one `match` names (its `nth` and `times` aside). */
export function matches(match: FaultMatch, req: Pick<SandboxRequest, 'method' | 'path'>): boolean {
  if (match.method && match.method.toUpperCase() !== req.method) return false
  if (match.path === undefined) return true
  if (typeof match.path === 'string') {
    return req.path.toLowerCase().includes(match.path.toLowerCase())
  }
  return match.path.test(req.path)
}

/** Counts matching requests and says when a fault fires (the Nth, then `times` in a row). */
export class Trigger {
  private seen = 0
  private left: number

  constructor(private readonly match: FaultMatch) {
    this.left = match.times ?? 1
  }

  get spent(): boolean {
    return this.left <= 0
  }

  fires(req: SandboxRequest): boolean {
    if (this.spent || !matches(this.match, req)) return false
    this.seen += 1
    if (this.seen < (this.match.nth ?? 1)) return false
    this.left -= 1
    return true
  }
}

/**
 * Faults armed on one server: throttling, errors on the Nth call, dropped connections.
 * Each service supplies the error body it would really send.
 */
export class Faults {
  private armed: { trigger: Trigger; effect: FaultEffect }[] = []

  constructor(private readonly body: FaultBody) {}

  /** 429 with `Retry-After: <seconds>` on the matching call(s). */
  throttle(match: FaultMatch = {}, retryAfter = 1): void {
    this.add(match, { kind: 'status', status: 429, retryAfter })
  }

  /** An HTTP error status (5xx usually) on the matching call(s). */
  fail(status: number, match: FaultMatch = {}, body?: unknown): void {
    this.add(match, { kind: 'status', status, body })
  }

  /** The socket is destroyed before any reply on the matching call(s). */
  drop(match: FaultMatch = {}): void {
    this.add(match, { kind: 'drop' })
  }

  add(match: FaultMatch, effect: FaultEffect): void {
    this.armed.push({ trigger: new Trigger(match), effect })
  }

  clear(): void {
    this.armed = []
  }

  /** Faults armed and not yet spent. */
  get pending(): number {
    return this.armed.length
  }

  /** The reply to send instead of the real one, if a fault fires for this request. */
  check(req: SandboxRequest): SandboxResponse | undefined {
    const fired = this.armed.find(fault => fault.trigger.fires(req))
    this.armed = this.armed.filter(fault => !fault.trigger.spent)
    return fired && this.reply(fired.effect)
  }

  private reply(effect: FaultEffect): SandboxResponse {
    if (effect.kind === 'drop') return { drop: true }
    const headers: Record<string, string> = {}
    if (effect.retryAfter !== undefined) headers['retry-after'] = String(effect.retryAfter)
    return { status: effect.status, headers, body: effect.body ?? this.body(effect.status) }
  }
}
