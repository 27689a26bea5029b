/**
 * Runs of the action side by side in this process: each gets its own Runner (inputs, log, outputs)
 * instead of process.env and stdout, which one in-process run at a time may own.
 */
import { run } from '../../src/main.js'
import { readInputs } from '../../src/inputs.js'
import type { Runner } from '../../src/runner.js'
import { secretForms } from '../../src/secrets.js'
import { expectNoLeaks } from '../helpers/action.js'
import type { AzureWorld } from '../helpers/azure-run.js'
import { worldInputs } from '../helpers/azure-run.js'
import { githubToken } from '../sandbox-arm-helpers.js'
import type { TimedRun } from './fault-run.js'
import { TIMEOUT_S } from './fault-run.js'

const TUNING = { AZUREML_ACTION_POLL_MS: '10', AZUREML_ACTION_RETRY_MS: '10' }

/** A runner that keeps everything the action tells it, in the forms @actions/core prints. */
function recordingRunner(inputs: Record<string, string>, world: AzureWorld) {
  const lines: string[] = []
  const outputs: Record<string, string> = {}
  const state = { failed: false, summary: '' }
  const runner: Runner = {
    readInputs: () =>
      readInputs({
        get: name => inputs[name] ?? '',
        env: { ...process.env, ...TUNING },
        readFile: () => {
          throw new Error('no files in side-by-side runs')
        }
      }),
    mask: secret => secretForms(secret).forEach(s => lines.push(`::add-mask::${s}`)),
    idToken: audience => githubToken(world.oidc, audience),
    info: line => lines.push(line),
    debug: line => lines.push(`::debug::${line}`),
    notice: line => lines.push(`::notice::${line}`),
    warning: line => lines.push(`::warning::${line}`),
    error: message => lines.push(`::error::${message}`),
    phase: async (name, work) => {
      lines.push(`::group::${name}`)
      try {
        return await work()
      } finally {
        lines.push('::endgroup::')
      }
    },
    setOutputs: o => Object.assign(outputs, o),
    appendSummary: markdown => (state.summary += markdown),
    fail: message => {
      state.failed = true
      lines.push(`::error::${message}`)
    }
  }
  return { runner, lines, outputs, state }
}

/** One run on its own runner; `ms` is its wall time. */
export async function sideRun(
  world: AzureWorld,
  inputs: Record<string, string>
): Promise<TimedRun> {
  const r = recordingRunner({ ...worldInputs(world), timeout: `${TIMEOUT_S}s`, ...inputs }, world)
  const started = Date.now()
  await run(r.runner)
  const stdout = r.lines.map(l => l.replace(/\n/g, '%0A')).join('\n')
  const result: TimedRun = {
    stdout,
    outputs: r.outputs,
    summary: r.state.summary,
    failed: r.state.failed,
    errors: stdout.split('\n').filter(l => l.startsWith('::error')),
    ms: Date.now() - started
  }
  expectNoLeaks(result)
  return result
}

/**
 * Several runs at once, the Nth started `staggerMs * N` after the first. The GitHub token
 * endpoint is the world's; the action checks that the runner offers one.
 */
export async function sideBySide(
  world: AzureWorld,
  runs: Record<string, string>[],
  staggerMs = 0
): Promise<TimedRun[]> {
  const saved = process.env.ACTIONS_ID_TOKEN_REQUEST_URL
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = world.oidc.requestUrl
  try {
    return await Promise.all(
      runs.map(async (inputs, i) => {
        await new Promise(resolve => setTimeout(resolve, staggerMs * i))
        return sideRun(world, inputs)
      })
    )
  } finally {
    if (saved === undefined) delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL
    else process.env.ACTIONS_ID_TOKEN_REQUEST_URL = saved
  }
}
