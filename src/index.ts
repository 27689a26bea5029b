import { run } from './main.js'

// A cancelled workflow sends SIGINT, then SIGTERM: stop, and say what is known.
const cancel = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => cancel.abort(signal))
}
await run(undefined, cancel.signal)
// Whatever a cancelled or timed-out phase left running (a watch, an operation's poll, a client's
// own retries) must not hold the exit: the report is written.
process.exit()
