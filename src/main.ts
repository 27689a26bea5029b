import { readFileSync } from 'node:fs'
import * as core from '@actions/core'
import { readInputs } from './inputs.js'
import type { ActionInputs } from './inputs.js'
import { ValidationError } from './problems.js'
import { inputSecrets, secretForms } from './secrets.js'
import { planRequest } from './settings/index.js'
import type { PlannedRequest } from './settings/index.js'

/** Reads the inputs the way the runner hands them over. */
function runnerInputs(): ReturnType<typeof readInputs> {
  return readInputs({
    get: name => core.getInput(name),
    env: process.env,
    readFile: path => readFileSync(path, 'utf8')
  })
}

/** Registers every secret with the runner before anything could print it. */
function maskSecrets(inputs: ActionInputs): void {
  for (const secret of inputSecrets(inputs)) secretForms(secret).forEach(s => core.setSecret(s))
}

/** Shows each problem as an error annotation naming the input, as the runner does. */
function reportProblems(err: ValidationError): void {
  for (const p of err.problems) {
    core.error(`${p.message} Fix: ${p.fix}`, { title: `Input '${p.input}'` })
  }
  const n = err.problems.length
  core.setFailed(
    `${n} input problem${n === 1 ? '' : 's'}; nothing was changed in Azure or on the cluster.`
  )
}

function plan(
  inputs: ActionInputs,
  problems: ReturnType<typeof readInputs>['problems']
): PlannedRequest | undefined {
  if (inputs.mode === 'apply' || inputs.mode === 'drift') return planRequest(inputs, problems)
  if (problems.length > 0) throw new ValidationError(problems)
  return undefined
}

export async function run(): Promise<void> {
  try {
    const { inputs, problems } = runnerInputs()
    maskSecrets(inputs)
    const planned = plan(inputs, problems)
    planned?.notices.forEach(n => core.notice(n))
    planned?.warnings.forEach(w => core.warning(w))
    core.info(`Inputs are valid for mode '${inputs.mode}'.`)
    // Sign-in, the ARM write and the cluster verification follow in later steps of the roadmap.
    core.setFailed(`Mode '${inputs.mode}' cannot run yet: the Azure steps are not built.`)
  } catch (err) {
    if (err instanceof ValidationError) reportProblems(err)
    else core.setFailed(err instanceof Error ? err.message : String(err))
  }
}
