/** Runs `action` until it succeeds, `retryable` says no, or the attempts are used up. */
export interface RetryOptions {
  attempts: number
  /** Delay before the second attempt; doubles each time. */
  firstDelayMs: number
  retryable: (err: unknown) => boolean
  /** Called before each wait, for a log line. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms))

export async function withRetry<T>(action: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await action()
    } catch (err) {
      if (attempt >= options.attempts || !options.retryable(err)) throw err
      const delay = options.firstDelayMs * 2 ** (attempt - 1)
      options.onRetry?.(err, attempt, delay)
      await sleep(delay)
    }
  }
}
