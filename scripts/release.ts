/**
 * `npm run release -- X.Y.Z [--dry-run] [--remote origin]`: cuts a release of the repository in
 * the working directory (scripts/release-plan.ts decides what that means).
 *
 * Everything is checked and done locally first: a clean tree, dist/ fresh (scripts/check-dist.sh
 * rebuilds it), package.json at X.Y.Z, a CHANGELOG.md section for X.Y.Z whose body becomes the
 * release notes. Then the annotated tag vX.Y.Z is created and vX and vX.Y are moved to HEAD.
 * Publishing pushes the tags and creates the GitHub release with `gh` (GH_TOKEN); with
 * --dry-run the publishing commands are printed instead and nothing remote changes.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { planRelease, publishCommands } from './release-plan.js'
import type { ReleaseFacts, ReleasePlan } from './release-plan.js'

const CHECK_DIST = new URL('./check-dist.sh', import.meta.url).pathname

/** Runs a command, its stderr shown; stdout captured, or shown too with `show`. */
function run(cmd: string, args: string[], show = false): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['ignore', show ? 'inherit' : 'pipe', 'inherit']
  })
  return { ok: r.status === 0, out: r.stdout ?? '' }
}

function git(...args: string[]): string {
  const r = run('git', args)
  if (!r.ok) throw new Error(`git ${args.join(' ')} failed`)
  return r.out.trim()
}

/** Tag → commit (annotated tags peeled to the commit they tag). */
function tags(): Record<string, string> {
  const lines = git(
    'for-each-ref',
    'refs/tags',
    '--format=%(refname:short) %(objectname) %(*objectname)'
  )
  return Object.fromEntries(
    lines
      .split('\n')
      .filter(l => l !== '')
      .map(l => {
        const [name, object, peeled] = l.split(' ')
        return [name as string, peeled || (object as string)]
      })
  )
}

/** The facts, gathered in order: dist/ is only rebuilt in a clean tree, never over work. */
function gatherFacts(requested: string): ReleaseFacts {
  const root = git('rev-parse', '--show-toplevel')
  process.chdir(root)
  // Not git(): its trim would eat the first line's leading status column.
  const dirty = run('git', ['status', '--porcelain', '--untracked-files=all'])
    .out.split('\n')
    .filter(l => l !== '')
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version?: string }
  return {
    requested,
    packageVersion: pkg.version ?? '(none)',
    changelog: readFileSync('CHANGELOG.md', 'utf8'),
    dirty,
    // Not rebuilt over uncommitted work: the dirty tree is the problem reported then.
    distFresh: dirty.length === 0 ? run('bash', [CHECK_DIST], true).ok : undefined,
    head: git('rev-parse', 'HEAD'),
    tags: tags()
  }
}

function tagLocally(plan: ReleasePlan): void {
  if (!plan.tagExists) git('tag', '--annotate', plan.tag, '--message', plan.tag, 'HEAD')
  for (const t of plan.moves) {
    git('tag', '--force', '--annotate', t, '--message', `${t}: ${plan.tag}`, 'HEAD')
  }
}

function main(args: string[]): number {
  const dryRun = args.includes('--dry-run')
  const remoteAt = args.indexOf('--remote')
  const remote = remoteAt === -1 ? 'origin' : (args[remoteAt + 1] ?? 'origin')
  const requested = args.find(
    (a, i) => !a.startsWith('--') && (remoteAt === -1 || i !== remoteAt + 1)
  )
  if (requested === undefined) {
    console.error('usage: npm run release -- X.Y.Z [--dry-run] [--remote origin]')
    return 2
  }
  const decided = planRelease(gatherFacts(requested))
  if ('problems' in decided) {
    console.error(`Release refused:\n- ${decided.problems.join('\n- ')}`)
    return 1
  }
  const { plan } = decided
  tagLocally(plan)
  const notesFile = join(mkdtempSync(join(tmpdir(), `release-${plan.tag}-`)), 'notes.md')
  writeFileSync(notesFile, `${plan.notes}\n`)
  const moved = plan.moves.length > 0 ? `; moved ${plan.moves.join(', ')}` : ''
  console.log(`Tagged ${plan.tag} at HEAD${moved}. Release notes: ${notesFile}`)
  const commands = publishCommands(plan, remote, notesFile)
  if (dryRun) {
    console.log(
      `Dry run: nothing pushed. To publish, run:\n${commands.map(c => `  ${c.join(' ')}`).join('\n')}`
    )
    return 0
  }
  for (const [cmd, ...rest] of commands) {
    console.log(`$ ${[cmd, ...rest].join(' ')}`)
    if (!run(cmd as string, rest, true).ok) return 1
  }
  return 0
}

process.exitCode = main(process.argv.slice(2))
