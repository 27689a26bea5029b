/** The run's time budget (`timeout`), shared by provisioning and the cluster checks. */
export class Deadline {
  private readonly end: number

  constructor(budgetMs: number) {
    this.end = Date.now() + budgetMs
  }

  remainingMs(): number {
    return Math.max(0, this.end - Date.now())
  }

  expired(): boolean {
    return this.remainingMs() === 0
  }

  /** Aborts when the budget is spent. */
  signal(): AbortSignal {
    return AbortSignal.timeout(Math.max(1, this.remainingMs()))
  }
}

/** The budget ran out; the message says where the run was. */
export class TimeoutError extends Error {
  override name = 'TimeoutError'
}
