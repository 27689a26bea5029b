/**
 * Throwaway git repositories for the release and dist checks: a small project whose `npm run
 * bundle` builds dist/ from src/ (a copy with a banner), so the real scripts run against it in
 * well under a second instead of rebuilding the action.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeTree } from './run-script.js'

/** No user or system git configuration: a fixed identity, no signing, no hooks. */
export const GIT_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release-test@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release-test@example.com'
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV },
    stdio: ['ignore', 'pipe', 'pipe']
  }).trim()
}

const BUILD = `import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
mkdirSync('dist', { recursive: true })
writeFileSync('dist/index.js', '// bundled\\n' + readFileSync('src/index.js', 'utf8'))
`

/** A project at `version` with dist/ built, committed on `main`. */
export function fixtureProject(version: string, changelog: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'release-project-'))
  writeTree(dir, {
    'package.json': { name: 'fixture-action', version, scripts: { bundle: 'node build.mjs' } },
    'build.mjs': BUILD,
    'src/index.js': `console.log('fixture ${version}')\n`,
    'CHANGELOG.md': changelog
  })
  git(dir, 'init', '--quiet', '--initial-branch=main')
  bundle(dir)
  commitAll(dir, `fixture ${version}`)
  return dir
}

/** `npm run bundle` in the fixture, as the developer would. */
export function bundle(dir: string): void {
  execFileSync('npm', ['run', '--silent', 'bundle'], { cwd: dir })
}

export function commitAll(dir: string, message: string): void {
  git(dir, 'add', '--all')
  git(dir, 'commit', '--quiet', '--no-gpg-sign', '--message', message)
}

/** Every ref of a repository and what it points at, to show nothing changed. */
export function refs(dir: string): string {
  return git(dir, 'for-each-ref', '--format=%(refname) %(objectname)')
}
