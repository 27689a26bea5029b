/**
 * The licenses of what the bundle ships: the policy as a table, the check end to end on a fixture
 * node_modules with a GPL package deep in the production tree, and the project itself.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  licenseAllowed,
  licenseProblems,
  renderNotices,
  unlistedInNotices
} from '../../scripts/license-policy.js'
import type { ShippedPackage } from '../../scripts/license-policy.js'
import { repoRoot } from '../helpers/action-manifest.js'
import { runScript, writeTree } from '../helpers/run-script.js'

test.each([
  ['MIT', true],
  ['mit', true],
  ['ISC', true],
  ['Apache-2.0', true],
  ['BSD-2-Clause', true],
  ['BSD-3-Clause', true],
  ['0BSD', true],
  ['(MIT OR Apache-2.0)', true],
  ['(MIT OR GPL-3.0-only)', true],
  ['GPL-3.0-only OR MIT', true],
  ['(MIT AND BSD-3-Clause)', true],
  ['MIT AND (GPL-3.0-only OR ISC)', true],
  ['Apache-2.0 WITH LLVM-exception', true],
  ['BSD-4-Clause', false],
  ['GPL-3.0-only', false],
  ['LGPL-2.1-or-later', false],
  ['(MIT AND GPL-3.0-only)', false],
  ['GPL-3.0-only OR MIT AND LGPL-3.0-only', false],
  ['GPL-2.0-only WITH Classpath-exception-2.0', false],
  ['Unlicense', false],
  ['UNLICENSED', false],
  ['SEE LICENSE IN LICENSE.md', false],
  ['MIT OR', false],
  ['(MIT', false],
  ['MIT ISC', false],
  ['MIT WITH', false],
  ['', false],
  [undefined, false]
])('license %p may ship: %p', (license, allowed) => {
  expect(licenseAllowed(license)).toBe(allowed)
})

const pkg = (name: string, license: string | undefined): ShippedPackage => ({
  name,
  version: '1.0.0',
  license,
  path: `node_modules/${name}`,
  licenseText: `${license ?? 'no'} license text of ${name}\n\nsecond paragraph\n`
})

test('problems name the package, its version, where it is and why; reviewed exceptions pass', () => {
  const reviewed = [{ name: 'pd-lib', licenses: ['Unlicense'], reason: 'public domain' }]
  expect(
    licenseProblems(
      [
        pkg('fine', 'MIT'),
        pkg('pd-lib', 'Unlicense'),
        pkg('other-pd', 'Unlicense'),
        pkg('bare', undefined)
      ],
      reviewed
    )
  ).toEqual([
    'other-pd@1.0.0 (node_modules/other-pd) is licensed Unlicense, not allowed',
    'bare@1.0.0 (node_modules/bare) declares no license'
  ])
  // A reviewed package that changes its license is reviewed again.
  expect(licenseProblems([pkg('pd-lib', 'GPL-3.0-only')], reviewed)).toHaveLength(1)
})

test('the notices list every package once, sorted, and a missing one is found', () => {
  const packages = [pkg('zeta', 'MIT'), pkg('@scope/alpha', 'ISC'), pkg('zeta', 'MIT')]
  const notices = renderNotices(packages)
  expect(notices.indexOf('@scope/alpha\nISC\n')).toBe(0)
  expect(notices.match(/^zeta$/gm)).toHaveLength(1)
  expect(unlistedInNotices(notices, packages)).toEqual([])
  const withoutZeta = notices.slice(0, notices.indexOf('\n\nzeta\n'))
  expect(unlistedInNotices(withoutZeta, packages)).toEqual(['zeta'])
  // A name inside another package's license text is not a listing.
  expect(unlistedInNotices('other\nMIT\nsee zeta\nMIT\n', [pkg('zeta', 'MIT')])).toEqual(['zeta'])
})

describe('npm run licenses, on a node_modules with a GPL package deep in the production tree', () => {
  let project: string
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'licenses-'))
    const tree = JSON.parse(
      readFileSync(join(repoRoot, '__tests__/fixtures/licenses/gpl-shipped.json'), 'utf8')
    ) as Record<string, unknown>
    writeTree(project, tree)
    expect(runScript('licenses.ts', ['notices', 'licenses.txt'], project).status).toBe(0)
  })
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  test('fails, naming only the shipped GPL copy: not the hoisted MIT one, not a devDependency', () => {
    const run = runScript('licenses.ts', ['check', 'licenses.txt'], project)
    expect(run.status).toBe(1)
    expect(run.stderr.trim().split('\n')).toEqual([
      'Licenses: 1 problem(s):',
      'copyleft-parser@3.0.1 (node_modules/http-lib/node_modules/copyleft-parser) is licensed GPL-3.0-only, not allowed'
    ])
  })

  test('the notices the bundle writes list each shipped package with its license text', () => {
    const notices = readFileSync(join(project, 'licenses.txt'), 'utf8')
    expect(notices.match(/^[\w@/-]+$(?=\n[^\n]+\n)/gm)).toEqual([
      'copyleft-parser',
      'http-lib',
      'tiny-util',
      'yaml-lib'
    ])
    expect(notices).toContain('http-lib\n(MIT OR Apache-2.0)\nMIT License\n\nCopyright')
    expect(notices).not.toContain('gpl-test-runner')
  })

  test('passes once the package is relicensed, and fails when the notices miss a package', () => {
    const manifest = join(
      project,
      'node_modules/http-lib/node_modules/copyleft-parser/package.json'
    )
    const original = readFileSync(manifest, 'utf8')
    try {
      writeFileSync(manifest, original.replace('GPL-3.0-only', 'Apache-2.0'))
      expect(runScript('licenses.ts', ['notices', 'relicensed.txt'], project).status).toBe(0)
      expect(runScript('licenses.ts', ['check', 'relicensed.txt'], project)).toMatchObject({
        status: 0,
        stderr: ''
      })
      const notices = readFileSync(join(project, 'relicensed.txt'), 'utf8')
      writeFileSync(join(project, 'partial.txt'), notices.replace(/^yaml-lib\n/m, 'yaml\n'))
      const run = runScript('licenses.ts', ['check', 'partial.txt'], project)
      expect(run.status).toBe(1)
      expect(run.stderr).toContain('partial.txt does not list yaml-lib')
    } finally {
      writeFileSync(manifest, original)
    }
  })

  test('a required dependency that is not installed cannot be judged', () => {
    rmSync(join(project, 'node_modules/yaml-lib'), { recursive: true })
    const run = runScript('licenses.ts', ['check', 'licenses.txt'], project)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(
      'yaml-lib (required by fixture-action) is not installed: run npm ci first'
    )
  })
})

// AZUREML_ACTION_DIST checks another build's notices (scripts/bundle.sh with OUT=…).
const NOTICES = join(
  process.env.AZUREML_ACTION_DIST
    ? dirname(process.env.AZUREML_ACTION_DIST)
    : join(repoRoot, 'dist'),
  'licenses.txt'
)

test("this project: every shipped license is allowed and the bundle's licenses.txt lists it", () => {
  const run = runScript('licenses.ts', ['check', NOTICES], repoRoot)
  expect(run.stderr).toBe('')
  expect(run.status).toBe(0)
})
