/**
 * `npm run sandbox`: starts one sandbox, prints its environment as NAME=value lines and keeps it
 * running until interrupted. Node runs this file as TypeScript directly; the resolve hook lets the
 * sources' `.js` import specifiers find their `.ts` files.
 */
import { registerHooks } from 'node:module'

registerHooks({
  resolve(specifier, context, next) {
    try {
      return next(specifier, context)
    } catch (err) {
      if (!/^\.\.?\/.*\.js$/.test(specifier)) throw err
      return next(specifier.replace(/\.js$/, '.ts'), context)
    }
  }
})

const { startSandbox } = await import('./index.js')
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
