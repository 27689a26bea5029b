/** The run's time budget (`timeout`), shared by provisioning and the cluster checks. */
export class Deadline {
  private readonly end: number

  /** `cancelled` aborts when the workflow is cancelled (SIGINT or SIGTERM). */
  constructor(
    budgetMs: number,
    readonly cancelled: AbortSignal = new AbortController().signal
  ) {
    this.end = Date.now() + budgetMs
  }

  remainingMs(): number {
    return Math.max(0, this.end - Date.now())
  }

  expired(): boolean {
    return this.remainingMs() === 0
  }

  /** Aborts when the budget is spent or the run is cancelled, `graceMs` after the budget at most. */
  signal(graceMs = 0): AbortSignal {
    return AbortSignal.any([
      AbortSignal.timeout(Math.max(1, this.remainingMs() + graceMs)),
      this.cancelled
    ])
  }
}

/** The budget ran out; the message says where the run was. */
export class TimeoutError extends Error {
  override name = 'TimeoutError'
}

/**
 * `work`, or a TimeoutError saying it ran out `where` once the budget is spent, whichever comes
 * first: for work that takes no signal (a client's own retries).
 */
export function withinDeadline<T>(
  work: () => Promise<T>,
  deadline: Deadline,
  where: string
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new TimeoutError(`The timeout ran out ${where}.`)),
      deadline.remainingMs()
    )
    work()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer))
  })
}

/** The workflow was cancelled; `phase` says where the run was. */
export class CancelledError extends Error {
  override name = 'CancelledError'
  constructor(
    readonly signal: string,
    readonly phase: string
  ) {
    super(`The run was cancelled (${signal}) during the ${phase} phase.`)
  }
}

/** `work`, or a CancelledError as soon as `cancelled` aborts, whichever comes first. */
export function unlessCancelled<T>(
  work: () => Promise<T>,
  cancelled: AbortSignal,
  phase: string
): Promise<T> {
  const error = () => new CancelledError(String(cancelled.reason ?? 'cancelled'), phase)
  if (cancelled.aborted) return Promise.reject(error())
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(error())
    cancelled.addEventListener('abort', stop, { once: true })
    work()
      .then(resolve, reject)
      .finally(() => cancelled.removeEventListener('abort', stop))
  })
}
