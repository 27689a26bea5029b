import { appendFileSync, readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { readInputs } from './inputs.js'
import type { ActionInputs } from './inputs.js'
import type { Problem } from './problems.js'
import { Redactor } from './secrets.js'

/** Log lines, as every phase writes them. */
export interface Log {
  info(line: string): void
  /** Shown only with debug logging on (RUNNER_DEBUG): request ids and timings, never secrets. */
  debug(line: string): void
  notice(line: string): void
  warning(line: string): void
}

/** Everything the action asks of the GitHub runner. Tests and the demo use the real one. */
export interface Runner extends Log {
  readInputs(): { inputs: ActionInputs; problems: Problem[] }
  /** Registers a secret, in every form it could be printed in, with the log masking. */
  mask(secret: string): void
  /** The GitHub OIDC token for an audience (the job needs `id-token: write`). */
  idToken(audience: string): Promise<string>
  /** Runs one phase of the run as a collapsible log group that ends with its elapsed time. */
  phase<T>(name: string, work: () => Promise<T>): Promise<T>
  /** An error annotation, titled (e.g. with the input it is about). */
  error(message: string, title?: string): void
  setOutputs(outputs: Record<string, string>): void
  appendSummary(markdown: string): void
  fail(message: string): void
}

/**
 * The runner as `@actions/core` presents it: the only place that imports it. Every text it writes
 * is redacted of the secrets registered so far: an error quoting one input's value must not show
 * a secret that happens to equal it, even where the runner's masking would not apply.
 */
export function actionsRunner(): Runner {
  const secrets = new Redactor()
  const r = (text: string) => secrets.redact(text)
  return {
    readInputs: () =>
      readInputs({
        get: name => core.getInput(name),
        env: process.env,
        readFile: path => readFileSync(path, 'utf8')
      }),
    mask: secret => secrets.add(secret).forEach(s => core.setSecret(s)),
    idToken: audience => core.getIDToken(audience),
    info: line => core.info(r(line)),
    debug: line => core.debug(r(line)),
    notice: line => core.notice(r(line)),
    warning: line => core.warning(r(line)),
    error: (message, title) => core.error(r(message), title ? { title: r(title) } : {}),
    phase: async (name, work) => {
      const started = Date.now()
      core.startGroup(name)
      try {
        return await work()
      } finally {
        core.info(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
        core.endGroup()
      }
    },
    setOutputs: outputs => Object.entries(outputs).forEach(([k, v]) => core.setOutput(k, r(v))),
    // Appended directly: core.summary.write() keeps the first file path it ever saw.
    appendSummary: markdown => {
      if (process.env.GITHUB_STEP_SUMMARY)
        appendFileSync(process.env.GITHUB_STEP_SUMMARY, r(markdown))
    },
    fail: message => core.setFailed(r(message))
  }
}
