/** The settings engine is pure: it imports nothing that reaches a file, the network or the runner. */
import { readdirSync, readFileSync } from 'node:fs'

const DIR = new URL('../src/settings/', import.meta.url)
// node:crypto parses certificates and hashes; it does no I/O. cluster/model.ts holds types only.
const ALLOWED = /^(\.\/|\.\.\/(inputs|problems|parse|names|cluster\/model)\.js$|node:crypto$)/
const IO_GLOBALS = /\b(fetch|process\.(env|stdout|stderr|exit)|setTimeout|setInterval|console\.)/

test.each(readdirSync(DIR).filter(f => f.endsWith('.ts')))(
  '%s imports no I/O module and touches no I/O global',
  file => {
    const text = readFileSync(new URL(file, DIR), 'utf8')
    const imports = [...text.matchAll(/from '([^']+)'/g)].map(m => m[1]!)
    expect(imports.filter(i => !ALLOWED.test(i))).toEqual([])
    expect(text).not.toMatch(IO_GLOBALS)
  }
)

test('the modules it may import from outside are pure too', () => {
  for (const file of ['inputs.ts', 'problems.ts', 'parse.ts', 'names.ts', 'cluster/model.ts']) {
    const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8')
    const imports = [...text.matchAll(/from '([^']+)'/g)].map(m => m[1]!)
    expect(imports.filter(i => !i.startsWith('.'))).toEqual([])
  }
})
