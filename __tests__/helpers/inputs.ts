import { readInputs } from '../../src/inputs.js'
import type { ActionInputs } from '../../src/inputs.js'
import { ValidationError } from '../../src/problems.js'
import type { Problem } from '../../src/problems.js'
import { planRequest } from '../../src/settings/index.js'

export const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555'
export const TENANT = '66666666-7777-8888-9999-000000000000'
export const CLIENT = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'

/** The inputs every run needs; tests add the ones they are about. */
export const BASE_INPUTS: Record<string, string> = {
  'subscription-id': SUBSCRIPTION,
  'tenant-id': TENANT,
  'client-id': CLIENT,
  'resource-group': 'rg-ml',
  'cluster-name': 'arc-cluster'
}

/** Reads inputs from a table, the way the runner hands them over, with files from a map. */
export function inputsFrom(
  table: Record<string, string>,
  files: Record<string, string> = {},
  env: Record<string, string> = {}
): { inputs: ActionInputs; problems: Problem[] } {
  return readInputs({
    get: name => table[name] ?? '',
    env,
    readFile: path => {
      const text = files[path]
      if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`)
      return text
    }
  })
}

/** Every problem a run with these inputs (added to BASE_INPUTS) reports, in order; [] when valid. */
export function problemsOf(
  table: Record<string, string>,
  files: Record<string, string> = {}
): Problem[] {
  const { inputs, problems } = inputsFrom({ ...BASE_INPUTS, ...table }, files)
  try {
    planRequest(inputs, problems)
    return []
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err
    return [...err.problems]
  }
}
