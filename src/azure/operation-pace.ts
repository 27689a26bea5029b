/**
 * Following a long-running ARM operation no sooner than ARM asks. core-lro's pollUntilDone polls
 * again at once after the begin call's own first poll, whatever `Retry-After` that poll answered;
 * this loop waits first, the longer of the poll interval and the last `Retry-After`.
 */

import { setTimeout as pause } from 'node:timers/promises'
import { retryAfterMs } from './retry-after.js'

/** What a poll loop needs of an SDK poller. */
export interface Poller {
  isDone(): boolean
  /** Throws when the operation ended Failed or Canceled. */
  poll(options?: { abortSignal?: AbortSignal }): Promise<void>
}

/** A raw response, as the SDK's `onResponse` option hands it over. */
interface RawResponse {
  headers: { get(name: string): string | undefined }
}

/**
 * The pace of one operation: pass `onResponse` in the begin call's options (the SDK calls it for
 * the first request and for every poll), then follow the poller with `untilDone`.
 */
export function operationPace(intervalMs: number) {
  let asked = 0
  return {
    onResponse: (raw: RawResponse) => {
      asked = retryAfterMs(raw.headers.get('retry-after')) ?? 0
    },
    async untilDone(poller: Poller, abortSignal?: AbortSignal): Promise<void> {
      while (!poller.isDone()) {
        await pause(Math.max(intervalMs, asked), undefined, { signal: abortSignal })
        await poller.poll({ abortSignal })
      }
    }
  }
}
