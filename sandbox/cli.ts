/**
 * `npm run sandbox`: starts one sandbox, prints its environment as NAME=value lines and keeps it
 * running until interrupted (run through sandbox/register-ts.ts, as TypeScript).
 */
import { startSandbox } from './index.js'

const clusterType = process.argv.includes('--aks') ? 'managedClusters' : 'connectedClusters'
const sandbox = await startSandbox({ clusterType })
for (const [name, value] of Object.entries(sandbox.env)) console.log(`${name}=${value}`)
console.error('# sandbox running; Ctrl-C stops it')

const stop = (): void => {
  sandbox.stop().then(
    () => process.exit(0),
    () => process.exit(1)
  )
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
