import { createHash } from 'node:crypto'

/**
 * The az CLI's resource-name rule: alphanumerics only; when too long, cut to `max − n` characters
 * and append the first `n` hex digits of the MD5 of the original text. Pure.
 */
export function cliResourceName(text: string, n: number, max: number): string {
  const clean = text.replace(/[^A-Za-z0-9]/g, '')
  if (clean.length <= max) return clean
  return clean.slice(0, max - n) + createHash('md5').update(text, 'utf8').digest('hex').slice(0, n)
}

/** The Relay namespace the az CLI creates for an Arc cluster. */
export function relayNamespaceName(
  cluster: string,
  subscriptionId: string,
  resourceGroup: string
): string {
  return cliResourceName(`${cluster}-${subscriptionId}-${resourceGroup}-relay`, 6, 50)
}
