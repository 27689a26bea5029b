import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { readInputs } from './inputs.js'
import type { ValidationError } from './problems.js'
import { secretForms } from './secrets.js'

/** Reads the inputs the way the runner hands them over. */
export function runnerInputs(): ReturnType<typeof readInputs> {
  return readInputs({
    get: name => core.getInput(name),
    env: process.env,
    readFile: path => readFileSync(path, 'utf8')
  })
}

/** Registers a secret, in every form it could be printed in, with the runner's log masking. */
export function mask(secret: string): void {
  secretForms(secret).forEach(s => core.setSecret(s))
}

/** Shows each problem as an error annotation naming the input, and fails the step. */
export function reportProblems(err: ValidationError): void {
  for (const p of err.problems) {
    core.error(`${p.message} Fix: ${p.fix}`, { title: `Input '${p.input}'` })
  }
  const n = err.problems.length
  core.setFailed(
    `${n} input problem${n === 1 ? '' : 's'}; nothing was changed in Azure or on the cluster.`
  )
}
