/**
 * The phases after Inputs, in one chunk of the bundle that main.ts loads only once the inputs are
 * valid: they bring the Azure SDK, and a run stopped by its inputs should not pay for parsing it.
 */
export { connectAzure } from './azure/connect.js'
export { extensionRef } from './azure/extension.js'
export { checkCluster, clusterEvidence } from './modes/cluster.js'
export { EXTENSION_STEP, preflight } from './modes/index.js'
