/**
 * `Retry-After` (delta-seconds or an HTTP date) in ms; undefined when absent or unreadable, so a
 * caller chooses its own default. Negative or past values ask for no wait. Pure.
 */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim()
  if (!text) return undefined
  const seconds = Number(text)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}
