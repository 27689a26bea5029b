/**
 * The pure parts (the settings engine; the cluster catalog, assessment and diagnosis) import
 * nothing that reaches a file, the network, the clock or the runner.
 */
import { readdirSync, readFileSync } from 'node:fs'

const SRC = new URL('../src/', import.meta.url)
const PURE_CLUSTER = [
  'catalog',
  'assess',
  'diagnose',
  'diagnose-pod',
  'graces',
  'healthcheck-report',
  'known-problems',
  'match',
  'pod-state',
  'snapshot-index',
  'model'
].map(f => `cluster/${f}.ts`)
const PURE = [
  ...readdirSync(new URL('settings/', SRC))
    .filter(f => f.endsWith('.ts'))
    .map(f => `settings/${f}`),
  ...PURE_CLUSTER
]
// node:crypto parses certificates and hashes; it does no I/O. cluster/model.ts holds types only.
const ALLOWED = /^(\.\/|\.\.\/(inputs|problems|parse|names|cluster\/model)\.js$|node:crypto$)/
const IO_GLOBALS =
  /\b(fetch|process\.(env|stdout|stderr|exit)|setTimeout|setInterval|console\.|Date\.now)/

test.each(PURE)('%s imports no I/O module and touches no I/O global', file => {
  const text = readFileSync(new URL(file, SRC), 'utf8')
  const imports = [...text.matchAll(/from '([^']+)'/g)].map(m => m[1]!)
  expect(imports.filter(i => !ALLOWED.test(i))).toEqual([])
  expect(text).not.toMatch(IO_GLOBALS)
})

test('the modules they may import from outside are pure too', () => {
  for (const file of ['inputs.ts', 'problems.ts', 'parse.ts', 'names.ts', 'cluster/model.ts']) {
    const text = readFileSync(new URL(file, SRC), 'utf8')
    const imports = [...text.matchAll(/from '([^']+)'/g)].map(m => m[1]!)
    expect(imports.filter(i => !i.startsWith('.'))).toEqual([])
  }
})
