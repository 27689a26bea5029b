import { randomBytes } from 'node:crypto'

/** The alphabet of utilrand.String and SafeEncodeString: no vowels, no look-alikes. */
export const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789'

/** The 5 random characters `generateName` gets. */
export function randomSuffix(n = 5): string {
  return [...randomBytes(n)].map(b => NAME_ALPHABET[b % NAME_ALPHABET.length]).join('')
}
