/** Generated object names the way Kubernetes controllers make them. Pure apart from randomness. */
import { createHash } from 'node:crypto'
import { NAME_ALPHABET as ALPHABET, randomSuffix } from '../kube/names.js'

/** A pod-template-hash-like string (9–10 chars) that is stable for the same template. */
export function templateHash(...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\0')).digest()
  const length = 9 + (digest[0]! % 2)
  return [...digest.subarray(1, 1 + length)].map(b => ALPHABET[b % ALPHABET.length]).join('')
}

/**
 * `generateName` + 5 random chars, with the base cut to 58 chars first so the result fits in 63
 * (long extension names lose part of the template hash, spec/azureml-extension.md §8.4).
 */
export function generatedName(generateName: string): string {
  return generateName.slice(0, 58) + randomSuffix()
}
