/** Every ARM step of a run, as the request that makes it, and how a run reaches it. */
import type { FaultMatch } from '../../sandbox/faults.js'
import { EXTENSION, TRAINING, TRAINING_NO_PROM } from './fault-run.js'

export interface ArmStep {
  step: string
  match: FaultMatch
  /** The run that reaches the step; `before` brings the world to it. */
  inputs: Record<string, string>
  before?: Record<string, string>
  /** What follows a throttled request when it is not the same request again. */
  again?: FaultMatch
}

const EXT = new RegExp(`/extensions/${EXTENSION}$`)
const RELAY_NS = /\/Microsoft\.Relay\/namespaces\/[^/]+$/

/** Preflight and the reads before any write. */
export const READ_STEPS: ArmStep[] = [
  {
    step: 'cluster GET',
    match: { method: 'GET', path: /\/connectedClusters\/arc-cluster$/ },
    inputs: TRAINING
  },
  {
    step: 'providers GET',
    match: {
      method: 'GET',
      path: /^\/subscriptions\/[^/]+\/providers\/Microsoft\.KubernetesConfiguration$/
    },
    inputs: TRAINING
  },
  {
    step: 'permissions GET',
    match: { method: 'GET', path: '/providers/Microsoft.Authorization/permissions' },
    inputs: TRAINING
  },
  { step: 'extension GET', match: { method: 'GET', path: EXT }, inputs: TRAINING },
  {
    step: 'Relay hybrid connection GET',
    match: { method: 'GET', path: /\/hybridConnections\/arc-cluster$/ },
    inputs: TRAINING
  },
  {
    step: 'Relay listKeys (before an update)',
    match: { method: 'POST', path: '/listKeys' },
    before: TRAINING,
    inputs: TRAINING_NO_PROM
  }
]

/** Writes, the operations they start, and the reads after them. */
export const WRITE_STEPS: ArmStep[] = [
  { step: 'extension PUT', match: { method: 'PUT', path: EXT }, inputs: TRAINING },
  {
    step: 'extension PATCH',
    match: { method: 'PATCH', path: EXT },
    before: TRAINING,
    inputs: TRAINING_NO_PROM
  },
  {
    step: 'operation poll',
    match: { method: 'GET', path: `/extensions/${EXTENSION}/operations/` },
    inputs: TRAINING,
    // A write's poll is not repeated blindly: the action reads the extension, then decides.
    again: { method: 'GET', path: EXT }
  },
  // The first GET finds nothing, the SDK's own final GET is the second: the action's is the third.
  { step: 'read-back GET', match: { method: 'GET', path: EXT, nth: 3 }, inputs: TRAINING },
  { step: 'Relay namespace PUT', match: { method: 'PUT', path: RELAY_NS }, inputs: TRAINING },
  {
    step: 'Relay operation poll',
    match: { method: 'GET', path: '/operationresults/' },
    inputs: TRAINING
  },
  {
    step: 'Relay hybrid connection PUT',
    match: { method: 'PUT', path: /\/hybridConnections\/arc-cluster$/ },
    inputs: TRAINING
  },
  {
    step: 'Relay authorization rule PUT',
    match: { method: 'PUT', path: /\/authorizationRules\/azureml_rw$/ },
    inputs: TRAINING
  },
  {
    step: 'extension DELETE',
    match: { method: 'DELETE', path: EXT },
    before: TRAINING,
    inputs: { mode: 'delete' }
  }
]
