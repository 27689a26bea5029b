/**
 * Whether a protected value changed, told without storing it. ARM never returns protected values,
 * so the action keeps, as one public setting, a salted and deliberately slow digest (scrypt) of
 * each protected value it sent; a later run digests its own values with the same salt and
 * compares. A digest reveals nothing practical: the salt defeats precomputed tables and scrypt
 * makes each guess cost tens of milliseconds and megabytes of memory. Pure.
 */
import { scryptSync } from 'node:crypto'

export const DIGESTS_KEY = 'azuremlExtensionAction.protectedDigests'

const ALGORITHM = 'scrypt-N16384-r8-p1'
const PARAMS = { N: 16384, r: 8, p: 1 }

interface Recorded {
  alg: string
  salt: string
  digests: Record<string, string>
}

/** The key goes into the hash too: two values swapped between keys are a change. */
function digest(key: string, value: string, salt: string): string {
  return scryptSync(`${key}\0${value}`, Buffer.from(salt, 'base64'), 16, PARAMS).toString('base64')
}

function parse(setting: string | undefined): Recorded | undefined {
  if (!setting) return undefined
  try {
    const r = JSON.parse(setting) as Recorded
    return r.alg === ALGORITHM && typeof r.salt === 'string' && r.digests ? r : undefined
  } catch {
    return undefined
  }
}

/** The salt a live setting was made with, to compare against and to keep on the next write. */
export function recordedSalt(setting: string | undefined): string | undefined {
  return parse(setting)?.salt
}

/** The public setting recording `values`, keys sorted so that equal values give equal text. */
export function digestSetting(values: Record<string, string>, salt: string): string {
  const digests = Object.fromEntries(
    Object.keys(values)
      .sort()
      .map(k => [k, digest(k, values[k]!, salt)])
  )
  return JSON.stringify({ alg: ALGORITHM, salt, digests })
}

/**
 * The keys of `values` whose value differs from what the live setting recorded; every key when
 * nothing usable was recorded (an extension made by the az CLI, or by an older action).
 */
export function changedProtectedKeys(
  values: Record<string, string>,
  setting: string | undefined
): string[] {
  const recorded = parse(setting)
  return Object.keys(values)
    .sort()
    .filter(k => {
      const was = recorded?.digests[k]
      return was === undefined || was !== digest(k, values[k]!, recorded!.salt)
    })
}
