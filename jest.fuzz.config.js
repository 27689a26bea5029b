/** The bundle fuzzing (npm run test:fuzz): jest's base setup, over __tests__/fuzz only. */
import base from './jest.config.js'

export default {
  ...base,
  roots: ['<rootDir>/__tests__/fuzz'],
  testPathIgnorePatterns: ['/node_modules/']
}
