import { X509Certificate } from 'node:crypto'
import { makeTls } from '../sandbox/tls.js'

test('the sandbox certificate is for 127.0.0.1 and signed by its CA', () => {
  const tls = makeTls()
  const ca = new X509Certificate(tls.ca)
  const cert = new X509Certificate(tls.cert)
  expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1')
  expect(cert.verify(ca.publicKey)).toBe(true)
  expect(ca.ca).toBe(true)
})
