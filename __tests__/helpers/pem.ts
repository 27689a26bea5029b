import { generateKeyPairSync } from 'node:crypto'
import forge from 'node-forge'

export interface PemPair {
  cert: string
  key: string
}

/** A self-signed certificate for `names` (first one is the CN) with its key, as a user would store them. */
export function makeCertificate(...names: string[]): PemPair {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.publicKeyFromPem(
    publicKey.export({ type: 'spki', format: 'pem' }).toString()
  )
  cert.serialNumber = '01'
  cert.validity.notBefore = new Date(Date.now() - 3600_000)
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000)
  const subject = [{ name: 'commonName', value: names[0] }]
  cert.setSubject(subject)
  cert.setIssuer(subject)
  cert.setExtensions([
    { name: 'subjectAltName', altNames: names.map(value => ({ type: 2, value })) }
  ])
  cert.sign(
    forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    forge.md.sha256.create()
  )
  // forge writes CRLF; users' PEM files end lines with LF.
  return { cert: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), key: keyPem }
}
