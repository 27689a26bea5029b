/**
 * The integration suite (npm run test:integration): whole programs end to end — the action
 * through the sandbox with cluster verification, kubectl, actionlint, git and the release
 * scripts. Slower than `npm test`, which keeps the unit, sandbox and quick end-to-end tests.
 */
import base from './jest.config.js'

export default {
  ...base,
  roots: ['<rootDir>/__tests__/integration'],
  testPathIgnorePatterns: ['/node_modules/'],
  // Some tests run the bundle several times in a row (every mode, one after another).
  testTimeout: 60000
}
