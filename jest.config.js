/** jest runs the TypeScript sources as ESM on the project's own Node 24. */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // The integration and fault suites and the bundle fuzzing are their own runs (npm run
  // test:integration, test:faults, test:fuzz), each a step of .ci/run.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/(integration|faults|fuzz)/'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // @actions/workflow-parser's JSON schemas, without jest's import-attribute warning.
    '^\\.\\./(workflow|action)-v1\\.0\\.min\\.json$': '<rootDir>/__tests__/helpers/$1-schema.cjs',
    '^(\\.{1,2}/.*)\\.js$': '$1'
  },
  transform: {
    // tsconfig's isolatedModules makes ts-jest transpile only: `tsc --noEmit` type-checks.
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  },
  // Most end-to-end tests wait on sockets and timers: two workers use both cores.
  maxWorkers: 2,
  // A worker's event loop drains within milliseconds at the end, but after ~30 ESM files it holds
  // ~1 GB (jest keeps each file's module graph: jestjs/jest#14605), and exiting that takes 0.5-1.7 s
  // on a busy 2-core machine, past jest's 500 ms default: it then kills the worker and blames a
  // leak. A worker held open by a real handle is still killed and reported, after 3 s.
  workerGracefulExitTimeout: 3000,
  // The sandbox's TLS material, made once for every test file.
  globalSetup: '<rootDir>/__tests__/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/helpers/global-teardown.ts',
  testTimeout: 30000
}
