/**
 * `npm run audit`: npm audit for what the bundle ships (scripts/audit-policy.ts decides).
 *
 *   audit.ts                             runs `npm audit --omit=dev --json` in the project
 *   audit.ts --report <file> [--lock <file>]   judges a saved report (tests, fixtures)
 *
 * Exit status: 0 no high or critical advisory ships; 1 one does, or the audit itself failed;
 * 3 the advisory service could not be asked from this network (no verdict either way).
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { auditVerdict } from './audit-policy.js'
import type { LockPackages } from './audit-policy.js'

const UNREACHABLE_EXIT = 3

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  return i === -1 ? undefined : args[i + 1]
}

/** npm audit exits non-zero when it finds advisories, so its status says nothing: read the JSON. */
function runNpmAudit(): string {
  const npm = process.env.npm_execpath
  const [cmd, args] = npm ? [process.execPath, [npm]] : ['npm', []]
  const run = spawnSync(cmd, [...args, 'audit', '--omit=dev', '--json'], { encoding: 'utf8' })
  return run.stdout
}

function main(args: string[]): number {
  const report = option(args, '--report')
  const lockFile = option(args, '--lock') ?? 'package-lock.json'
  const lock = (JSON.parse(readFileSync(lockFile, 'utf8')) as { packages?: LockPackages }).packages
  const verdict = auditVerdict(report ? readFileSync(report, 'utf8') : runNpmAudit(), lock ?? {})
  switch (verdict.kind) {
    case 'pass': {
      const dev = verdict.devOnly === 0 ? '' : ` (${verdict.devOnly} in devDependencies only)`
      console.log(`npm audit: no high or critical advisory in what the bundle ships${dev}.`)
      return 0
    }
    case 'fail':
      console.error(
        `npm audit: ${verdict.findings.length} high or critical advisory(ies) in what the bundle ships:\n` +
          verdict.findings.map(f => `  ${f}`).join('\n') +
          '\nUpdate the dependency (npm update / npm audit fix --omit=dev) and rebuild dist/.'
      )
      return 1
    case 'unreachable':
      console.log(
        `npm audit: NOT CHECKED: the advisory service is unreachable from this network (${verdict.reason}); the GitHub CI workflow (.github/workflows/ci.yml) runs the same check.`
      )
      return UNREACHABLE_EXIT
    case 'error':
      console.error(verdict.reason)
      return 1
  }
}

process.exitCode = main(process.argv.slice(2))
