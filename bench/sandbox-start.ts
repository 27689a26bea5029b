/**
 * How long the whole sandbox takes to start and stop (not a test): `npm run bench:start`.
 * The first start includes making the CA; later ones reuse it, as tests in one process do.
 */
import { startSandbox } from '../sandbox/index.js'

const RUNS = 5
for (let i = 1; i <= RUNS; i++) {
  const t0 = performance.now()
  const sandbox = await startSandbox()
  const started = performance.now() - t0
  const t1 = performance.now()
  await sandbox.stop()
  const stopped = performance.now() - t1
  console.log(
    `run ${i}: start ${started.toFixed(0).padStart(5)} ms, stop ${stopped.toFixed(0).padStart(4)} ms`
  )
}
