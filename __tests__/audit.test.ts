/**
 * The npm audit gate: fails on a high or critical advisory in what the bundle ships, ignores one
 * only in devDependencies, and never mistakes an unreachable advisory service for a clean audit.
 * Fixtures are npm audit --json documents (auditReportVersion 2) beside a small lockfile.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { auditVerdict } from '../scripts/audit-policy.js'
import type { LockPackages } from '../scripts/audit-policy.js'
import { repoRoot } from './helpers/action-manifest.js'
import { runScript } from './helpers/run-script.js'

const fixtures = join(repoRoot, '__tests__', 'fixtures', 'audit')
const fixture = (name: string) => readFileSync(join(fixtures, name), 'utf8')
const lock = (JSON.parse(fixture('package-lock.json')) as { packages: LockPackages }).packages

test.each([
  ['clean.json', 'pass'],
  ['critical-dev-only.json', 'pass'],
  ['high-shipped.json', 'fail'],
  ['unreachable-405.json', 'unreachable'],
  ['unreachable-enotfound.json', 'unreachable'],
  ['no-lockfile.json', 'error']
])('%s: %s', (file, kind) => {
  expect(auditVerdict(fixture(file), lock).kind).toBe(kind)
})

test('a shipped high advisory is reported once, where it is installed; low ones and effects are not', () => {
  expect(auditVerdict(fixture('high-shipped.json'), lock)).toEqual({
    kind: 'fail',
    findings: [
      'undici <6.21.1 in node_modules/@kubernetes/client-node/node_modules/undici: high: ' +
        'Fixture: request smuggling through a crafted Transfer-Encoding header ' +
        '(https://github.com/advisories/GHSA-fixt-ure0-0001)'
    ]
  })
})

test('dev-only advisories are counted, not failed; the same package in the shipped tree fails', () => {
  expect(auditVerdict(fixture('critical-dev-only.json'), lock)).toEqual({
    kind: 'pass',
    findings: [],
    devOnly: 1
  })
  // Shipped unless the lockfile says dev: a package it does not know is taken as shipped.
  const shipped = { ...lock, 'node_modules/braces': {} }
  expect(auditVerdict(fixture('critical-dev-only.json'), shipped).kind).toBe('fail')
  expect(auditVerdict(fixture('critical-dev-only.json'), {}).kind).toBe('fail')
})

test('moderate advisories in shipped packages do not fail', () => {
  const moderate = fixture('high-shipped.json').replace(
    /"severity": "high"/g,
    '"severity": "moderate"'
  )
  expect(auditVerdict(moderate, lock)).toMatchObject({ kind: 'pass' })
  const critical = fixture('high-shipped.json').replace(
    /"severity": "high"/g,
    '"severity": "critical"'
  )
  expect(auditVerdict(critical, lock)).toMatchObject({ kind: 'fail' })
})

test('the service refusing says why; output that is not an audit is an error, not a pass', () => {
  expect(auditVerdict(fixture('unreachable-405.json'), lock)).toEqual({
    kind: 'unreachable',
    reason: expect.stringMatching(/^405 Method Not Allowed - POST https:\/\/registry/)
  })
  expect(auditVerdict('', lock).kind).toBe('error')
  expect(auditVerdict('npm ERR! something', lock).kind).toBe('error')
  expect(auditVerdict('{}', lock).kind).toBe('error')
})

describe('npm run audit on a saved report', () => {
  const audit = (report: string) =>
    runScript(
      'audit.ts',
      ['--report', join(fixtures, report), '--lock', join(fixtures, 'package-lock.json')],
      repoRoot
    )

  test('exits 1 on a high advisory in a shipped dependency, naming it', () => {
    const run = audit('high-shipped.json')
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('1 high or critical advisory(ies) in what the bundle ships')
    expect(run.stderr).toContain('GHSA-fixt-ure0-0001')
  })

  test('exits 0 when only devDependencies are affected', () => {
    expect(audit('critical-dev-only.json')).toMatchObject({
      status: 0,
      stdout:
        'npm audit: no high or critical advisory in what the bundle ships (1 in devDependencies only).\n'
    })
  })

  test('exits 3 with one line saying nothing was checked when the service is unreachable', () => {
    const run = audit('unreachable-405.json')
    expect(run.status).toBe(3)
    expect(run.stdout.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^npm audit: NOT CHECKED: the advisory service is unreachable from this network \(405 .*\); the GitHub CI workflow \(\.github\/workflows\/ci\.yml\) runs the same check\.$/
      )
    ])
  })
})
