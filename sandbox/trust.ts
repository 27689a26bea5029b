import tls from 'node:tls'

/**
 * Trusts a sandbox CA in this process (Node 24), for code that cannot restart with
 * NODE_EXTRA_CA_CERTS. Each sandbox CA has its own subject, so several can be trusted at once.
 */
export function trustSandboxCa(ca: string): void {
  const current = tls.getCACertificates('default')
  if (!current.includes(ca)) tls.setDefaultCACertificates([...current, ca])
  process.env.NO_PROXY = '127.0.0.1,localhost'
}
