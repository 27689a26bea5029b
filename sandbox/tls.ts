import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import forge from 'node-forge'

/** A throwaway CA and one server certificate for 127.0.0.1, made fresh for each sandbox. */
export interface TlsMaterial {
  /** PEM of the CA certificate: what clients must trust (NODE_EXTRA_CA_CERTS, kubeconfig). */
  ca: string
  /** PEM of the server certificate (SAN IP:127.0.0.1, DNS:localhost), signed by the CA. */
  cert: string
  /** PEM of the server key. */
  key: string
}

// Keys come from node's native generator: forge's pure-JS RSA keygen takes seconds.
function rsaKeys(): {
  publicKey: forge.pki.PublicKey
  privateKey: forge.pki.rsa.PrivateKey
  pem: string
} {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString()
  return {
    publicKey: forge.pki.publicKeyFromPem(
      publicKey.export({ type: 'spki', format: 'pem' }).toString()
    ),
    privateKey: forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey,
    pem
  }
}

function certificate(
  subjectCN: string,
  publicKey: forge.pki.PublicKey,
  issuer: forge.pki.CertificateField[],
  extensions: object[]
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = publicKey
  cert.serialNumber = '01' + randomBytes(8).toString('hex')
  cert.validity.notBefore = new Date(Date.now() - 60_000)
  cert.validity.notAfter = new Date(Date.now() + 7 * 24 * 3600_000)
  cert.setSubject([{ name: 'commonName', value: subjectCN }])
  cert.setIssuer(issuer)
  cert.setExtensions(extensions)
  return cert
}

let shared: TlsMaterial | undefined

/** Where the test run's TLS material is kept, made once by jest's global setup for every worker. */
export const TLS_FILE_ENV = 'AZUREML_SANDBOX_TLS_FILE'

/**
 * The process's sandbox TLS material: the test run's (see TLS_FILE_ENV), else made on first use.
 * One CA serves every sandbox in a process: signing with forge takes about 2 s under jest's module
 * VM, and one trusted CA cannot be confused with another.
 */
export function sandboxTls(): TlsMaterial {
  const file = process.env[TLS_FILE_ENV]
  return (shared ??= file ? (JSON.parse(readFileSync(file, 'utf8')) as TlsMaterial) : makeTls())
}

/** A new CA and server certificate. */
export function makeTls(): TlsMaterial {
  const caKeys = rsaKeys()
  // A unique subject per CA: OpenSSL picks a trusted CA by subject, so two sandboxes in one process must not share one.
  const caSubject = [
    {
      name: 'commonName',
      value: `azureml-extension-action sandbox CA ${randomBytes(4).toString('hex')}`
    }
  ]
  const caCert = certificate(caSubject[0]!.value, caKeys.publicKey, caSubject, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
  ])
  caCert.sign(caKeys.privateKey, forge.md.sha256.create())

  const serverKeys = rsaKeys()
  const serverCert = certificate('127.0.0.1', serverKeys.publicKey, caCert.subject.attributes, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' }
      ]
    }
  ])
  serverCert.sign(caKeys.privateKey, forge.md.sha256.create())

  return {
    ca: forge.pki.certificateToPem(caCert),
    cert: forge.pki.certificateToPem(serverCert),
    key: serverKeys.pem
  }
}
