import type { ActionInputs } from '../inputs.js'
import { throwIfAny } from '../problems.js'
import type { Problem } from '../problems.js'
import { buildRequest } from './request.js'
import type { ExtensionRequest } from './request.js'
import { requestWarnings, validateRequest } from './validate.js'

export type { ExtensionRequest } from './request.js'
export * from './desired.js'
export { connectivityRefusal, validateAgainstCluster } from './validate.js'

export interface PlannedRequest {
  request: ExtensionRequest
  /** Legacy keys translated, keys moved: worth a notice each. */
  notices: string[]
  warnings: string[]
}

/**
 * Inputs → a validated ExtensionRequest, or a ValidationError carrying every problem of the run,
 * those found while reading the inputs included. Pure.
 */
export function planRequest(
  inputs: ActionInputs,
  inputProblems: readonly Problem[] = []
): PlannedRequest {
  const { request, notices, problems } = buildRequest(inputs)
  throwIfAny([...inputProblems, ...problems, ...validateRequest(request, inputs)])
  return { request, notices, warnings: requestWarnings(request) }
}
