import type { Problem } from './problems.js'

/** Pure parsers for input text. Each returns a value or a Problem naming the input. */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: Problem }

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const bad = <T>(input: string, message: string, fix: string): Parsed<T> => ({
  ok: false,
  problem: { input, message, fix }
})

/** `true`/`false` in any case; anything else is an error, never a silent false. */
export function parseBoolean(input: string, raw: string): Parsed<boolean> {
  const v = raw.trim().toLowerCase()
  if (v === 'true') return ok(true)
  if (v === 'false') return ok(false)
  return bad(input, `'${raw}' is not a boolean.`, `Use true or false.`)
}

/** One of a fixed set of values, matched case-insensitively and returned in canonical spelling. */
export function parseChoice<T extends string>(
  input: string,
  raw: string,
  choices: readonly T[]
): Parsed<T> {
  const found = choices.find(c => c.toLowerCase() === raw.trim().toLowerCase())
  if (found) return ok(found)
  return bad(
    input,
    `'${raw}' is not one of the accepted values.`,
    `Use one of: ${choices.join(', ')}.`
  )
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** `90s`, `15m`, `1h`, `1h30m`; a bare number has no unit and is refused. */
export function parseDuration(input: string, raw: string): Parsed<number> {
  const text = raw.trim().toLowerCase()
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)]
  const consumed = parts.map(p => p[0]).join('')
  if (parts.length === 0 || consumed !== text) {
    return bad(input, `'${raw}' is not a duration.`, `Write a number with a unit: 90s, 15m or 1h.`)
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2]!]!, 0)
  if (ms <= 0) return bad(input, `'${raw}' is zero.`, `Give a positive duration such as 20m.`)
  if (ms > 24 * UNIT_MS.h!) return bad(input, `'${raw}' is over 24h.`, `Give at most 24h.`)
  return ok(ms)
}

export interface KeyValue {
  key: string
  value: string
  /** 1-based line in the input, for messages. */
  line: number
}

/**
 * Newline-separated `key=value` lines: split on the first `=`, blank lines and `#` comments skipped.
 * Every malformed line and every repeated key is reported.
 */
export function parseKeyValues(
  input: string,
  raw: string,
  shape = 'key=value'
): { entries: KeyValue[]; problems: Problem[] } {
  const entries: KeyValue[] = []
  const problems: Problem[] = []
  const seen = new Map<string, number>()
  raw.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1
    const trimmed = text.trim()
    if (trimmed === '' || trimmed.startsWith('#')) return
    const eq = trimmed.indexOf('=')
    const key = eq < 0 ? '' : trimmed.slice(0, eq).trim()
    if (eq < 0 || key === '') {
      problems.push({
        input,
        message: `line ${line} is not ${shape}.`,
        fix: `Write one ${shape} per line (comments start with #).`
      })
      return
    }
    const first = seen.get(key)
    if (first !== undefined) {
      problems.push({
        input,
        message: `'${key}' is given twice (lines ${first} and ${line}).`,
        fix: `Keep one line for '${key}'.`
      })
      return
    }
    seen.set(key, line)
    entries.push({ key, value: trimmed.slice(eq + 1).trim(), line })
  })
  return { entries, problems }
}
