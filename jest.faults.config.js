/** The fault suite (npm run test:faults): every fault the sandbox injects, end to end. */
import base from './jest.config.js'

export default {
  ...base,
  roots: ['<rootDir>/__tests__/faults'],
  testPathIgnorePatterns: ['/node_modules/']
}
