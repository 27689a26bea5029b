/** Removes the TLS material the global setup made. */
import { rmSync } from 'node:fs'
import { dirname } from 'node:path'

export default function globalTeardown(): void {
  const file = process.env.AZUREML_SANDBOX_TLS_FILE
  if (file) rmSync(dirname(file), { recursive: true, force: true })
}
