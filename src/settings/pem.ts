import { createPrivateKey, X509Certificate } from 'node:crypto'
import type { KeyObject } from 'node:crypto'

/** What is wrong with a PEM certificate/key pair, if anything. Pure: parses text, reads no file. */
export type PemCheck =
  | { ok: true; cert: X509Certificate }
  | { ok: false; part: 'cert' | 'key' | 'pair'; message: string; fix: string }

export function checkPemPair(certPem: string, keyPem: string): PemCheck {
  let cert: X509Certificate
  try {
    cert = new X509Certificate(certPem)
  } catch {
    return {
      ok: false,
      part: 'cert',
      message: 'is not a PEM certificate.',
      fix: 'Give the PEM text that starts with -----BEGIN CERTIFICATE-----.'
    }
  }
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(keyPem)) {
    return {
      ok: false,
      part: 'key',
      message: 'is encrypted with a passphrase, which the extension cannot use.',
      fix: 'Decrypt it first, e.g. openssl pkey -in key.pem -out plain.pem, and store that as a secret.'
    }
  }
  let key: KeyObject
  try {
    key = createPrivateKey(keyPem)
  } catch {
    return {
      ok: false,
      part: 'key',
      message: 'is not a PEM private key.',
      // Not spelled with its dashes: a private key's header line in a log looks like a leak.
      fix: 'Give the PEM text of the key, whose first line reads BEGIN PRIVATE KEY (or BEGIN RSA/EC PRIVATE KEY) between five dashes.'
    }
  }
  if (!cert.checkPrivateKey(key)) {
    return {
      ok: false,
      part: 'pair',
      message: 'The private key does not belong to the certificate.',
      fix: 'Give the key the certificate was issued for.'
    }
  }
  return { ok: true, cert }
}

/** The DNS names a certificate is for, for messages. */
export function certificateNames(cert: X509Certificate): string[] {
  const sans = (cert.subjectAltName ?? '')
    .split(/,\s*/)
    .filter(s => s.startsWith('DNS:'))
    .map(s => s.slice(4))
  const cn = /CN=([^\n,]+)/.exec(cert.subject)?.[1]
  return sans.length > 0 ? sans : cn ? [cn] : []
}
