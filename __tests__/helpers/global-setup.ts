/**
 * Runs once before all test files: makes the sandbox's TLS material (a CA and a server certificate)
 * and hands it to every worker through a file, instead of each file signing its own.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export default async function globalSetup(): Promise<void> {
  // Loaded by Node itself (it strips the types): jest's module mapping does not apply here.
  const tls: typeof import('../../sandbox/tls.js') = await import(
    new URL('../../sandbox/tls.ts', import.meta.url).href
  )
  const file = join(mkdtempSync(join(tmpdir(), 'sandbox-tls-')), 'tls.json')
  writeFileSync(file, JSON.stringify(tls.makeTls()), { mode: 0o600 })
  process.env[tls.TLS_FILE_ENV] = file
}
