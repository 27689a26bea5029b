/** Text matching for Kubernetes messages: by whole tokens, so `agentpool` never matches `agent`. Pure. */
import type { EventFacts } from './model.js'

/** Lower-case alphanumeric runs: `node(s) didn't match pod anti-affinity` → node s didn t match pod anti affinity. */
export function tokens(text: string | undefined): string[] {
  return (
    String(text ?? '')
      .toLowerCase()
      .match(/[a-z0-9]+/g) ?? []
  )
}

/** The phrase's tokens appear in `text` consecutively. */
export function hasPhrase(text: string | undefined, phrase: string): boolean {
  const want = tokens(phrase)
  const have = tokens(text)
  if (want.length === 0) return false
  outer: for (let i = 0; i + want.length <= have.length; i++) {
    for (let j = 0; j < want.length; j++) if (have[i + j] !== want[j]) continue outer
    return true
  }
  return false
}

export function hasAny(text: string | undefined, phrases: readonly string[]): boolean {
  return phrases.some(p => hasPhrase(text, p))
}

/** ISO 8601 to ms epoch; undefined for absent or unreadable times. */
export function time(iso: string | undefined): number | undefined {
  if (!iso) return undefined
  const t = Date.parse(iso)
  return Number.isNaN(t) ? undefined : t
}

/** The most recent event for which `pick` holds (events without a time count as oldest). */
export function latest(
  events: readonly EventFacts[],
  pick: (e: EventFacts) => boolean
): EventFacts | undefined {
  let best: EventFacts | undefined
  for (const e of events) {
    if (!pick(e)) continue
    if (!best || (time(e.lastSeen) ?? -Infinity) >= (time(best.lastSeen) ?? -Infinity)) best = e
  }
  return best
}

/** Sum of `count` (a repeated event is folded into one with a count). */
export function countOf(events: readonly EventFacts[], pick: (e: EventFacts) => boolean): number {
  let n = 0
  for (const e of events) if (pick(e)) n += Math.max(1, Number(e.count) || 1)
  return n
}
