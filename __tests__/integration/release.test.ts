/**
 * Cutting a release: the decisions as tables, and `npm run release -- X.Y.Z --dry-run` end to end
 * on throwaway clones of a small project whose origin already has 1.1.0 released: the tags and
 * the notes are made locally, nothing on the origin changes, and each unmet check refuses.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import {
  changelogSection,
  movingTags,
  planRelease,
  publishCommands
} from '../../scripts/release-plan.js'
import type { ReleaseFacts } from '../../scripts/release-plan.js'
import { commitAll, fixtureProject, git, GIT_ENV, refs } from '../helpers/git-fixture.js'
import { runScript } from '../helpers/run-script.js'

const NOTES_120 = `### Added

- \`verify\` mode.

### Fixed

- Retries honour Retry-After.`

const changelog = (sections: string) => `# Changelog

All notable changes to this project are documented here. The format follows
[Keep a Changelog](https://keepachangelog.com/en/1.1.0/), and versions follow
[Semantic Versioning](https://semver.org/).

## [Unreleased]

${sections}
## [1.1.0] - 2026-10-01

### Added

- Drift mode.

[Unreleased]: https://github.com/OWNER/azureml-extension-action/compare/v1.1.0...HEAD
[1.1.0]: https://github.com/OWNER/azureml-extension-action/releases/tag/v1.1.0
`

describe('changelog sections', () => {
  const text = changelog(`## [1.2.0] - 2026-11-02\n\n${NOTES_120}\n\n`)

  test('a section is its body, up to the next section', () => {
    expect(changelogSection(text, '1.2.0')).toEqual({ date: '2026-11-02', notes: NOTES_120 })
  })

  test('the last section ends at the link references', () => {
    expect(changelogSection(text, '1.1.0')).toEqual({
      date: '2026-10-01',
      notes: '### Added\n\n- Drift mode.'
    })
  })

  test('no section without a date, and versions are matched exactly', () => {
    expect(changelogSection(text.replace(' - 2026-11-02', ''), '1.2.0')).toBeUndefined()
    expect(changelogSection(text, '1.2')).toBeUndefined()
    expect(changelogSection(text.replace('[1.2.0]', '[1x2x0]'), '1.2.0')).toBeUndefined()
  })
})

const released = (...versions: string[]) =>
  Object.fromEntries(versions.map(v => [`v${v}`, `sha-${v}`]))

test.each([
  ['1.0.0', released(), ['v1', 'v1.0']],
  ['1.2.0', released('1.0.0', '1.1.0'), ['v1', 'v1.2']],
  ['1.1.1', released('1.0.0', '1.1.0', '1.2.0'), ['v1.1']],
  ['1.2.1', released('1.2.0', '1.10.0'), ['v1.2']],
  ['1.0.5', released('1.0.4', '2.0.0'), ['v1', 'v1.0']],
  ['2.0.0', released('1.9.9', '2.0.0-rc.1'), ['v2', 'v2.0']],
  ['1.3.0-rc.1', released('1.2.0'), []],
  ['0.4.0', released('0.3.2'), ['v0', 'v0.4']]
])('releasing %s after %j moves %j', (version, tags, moves) => {
  expect(movingTags(version, tags)).toEqual(moves)
})

describe('planRelease', () => {
  const facts: ReleaseFacts = {
    requested: '1.2.0',
    packageVersion: '1.2.0',
    changelog: changelog(`## [1.2.0] - 2026-11-02\n\n${NOTES_120}\n\n`),
    dirty: [],
    distFresh: true,
    head: 'head-sha',
    tags: released('1.1.0')
  }
  const problems = (f: Partial<ReleaseFacts>) => {
    const d = planRelease({ ...facts, ...f })
    return 'problems' in d ? d.problems : []
  }

  test('plans the tag, the moves and the notes; a v prefix is accepted', () => {
    const plan = { version: '1.2.0', tag: 'v1.2.0', moves: ['v1', 'v1.2'], tagExists: false }
    expect(planRelease(facts)).toEqual({
      plan: { ...plan, notes: NOTES_120, prerelease: false, latest: true }
    })
    expect(planRelease({ ...facts, requested: 'v1.2.0' })).toMatchObject({ plan })
  })

  test.each<[string, Partial<ReleaseFacts>, string]>([
    ['not a version', { requested: '1.2' }, '"1.2" is not a version X.Y.Z'],
    ['a dirty tree', { dirty: [' M src/main.ts'] }, 'the working tree is not clean'],
    ['a stale dist/', { distFresh: false }, 'dist/ is stale'],
    [
      'another version in package.json',
      { packageVersion: '1.1.0' },
      'package.json has version 1.1.0, not 1.2.0'
    ],
    [
      'no changelog section',
      { requested: '1.2.1', packageVersion: '1.2.1' },
      'CHANGELOG.md has no "## [1.2.1] - YYYY-MM-DD" section'
    ],
    [
      'an empty section',
      { changelog: changelog('## [1.2.0] - 2026-11-02\n\n') },
      "CHANGELOG.md's section for 1.2.0 is empty"
    ],
    [
      'no Unreleased section first',
      { changelog: facts.changelog.replace('## [Unreleased]\n', '') },
      'must start its sections with "## [Unreleased]"'
    ],
    [
      'a tag that exists elsewhere',
      { tags: released('1.2.0') },
      'v1.2.0 already exists at sha-1.2.0'
    ]
  ])('refuses %s', (_, change, problem) => {
    const found = problems(change)
    expect(found).toHaveLength(1)
    expect(found[0]).toContain(problem)
  })

  test('a re-run after a failed push keeps the tag it made', () => {
    expect(planRelease({ ...facts, tags: { ...facts.tags, 'v1.2.0': 'head-sha' } })).toMatchObject({
      plan: { tagExists: true, moves: ['v1', 'v1.2'] }
    })
  })

  test('publishing: tags pushed, floating ones forced; a backport is not marked latest', () => {
    const backport = planRelease({
      ...facts,
      requested: '1.1.1',
      packageVersion: '1.1.1',
      changelog: changelog(`## [1.1.1] - 2026-11-02\n\n- Fix.\n\n`),
      tags: released('1.1.0', '1.2.0')
    })
    if (!('plan' in backport)) throw new Error(backport.problems.join('\n'))
    expect(publishCommands(backport.plan, 'origin', '/tmp/notes.md').map(c => c.join(' '))).toEqual(
      [
        'git push origin refs/tags/v1.1.1',
        'git push --force origin refs/tags/v1.1',
        'gh release create v1.1.1 --verify-tag --title v1.1.1 --notes-file /tmp/notes.md --latest=false'
      ]
    )
  })
})

describe('npm run release -- X.Y.Z --dry-run, on a clone', () => {
  let base: string
  let origin: string
  let released110: string
  const clones: string[] = []

  beforeAll(() => {
    const project = fixtureProject('1.1.0', changelog(''))
    released110 = git(project, 'rev-parse', 'HEAD')
    for (const t of ['v1.1.0', 'v1.1', 'v1']) git(project, 'tag', '--annotate', t, '--message', t)
    base = mkdtempSync(join(tmpdir(), 'release-origin-'))
    origin = join(base, 'origin.git')
    git(base, 'clone', '--quiet', '--bare', project, origin)
    rmSync(project, { recursive: true, force: true })
    // The release commit, pushed to main: version bumped, notes under their version.
    const work = clone()
    const pkg = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8')) as { version: string }
    writeFileSync(
      join(work, 'package.json'),
      `${JSON.stringify({ ...pkg, version: '1.2.0' }, null, 2)}\n`
    )
    writeFileSync(
      join(work, 'CHANGELOG.md'),
      changelog(`## [1.2.0] - 2026-11-02\n\n${NOTES_120}\n\n`)
    )
    commitAll(work, 'Release 1.2.0')
    git(work, 'push', '--quiet', 'origin', 'main')
  })

  afterAll(() => {
    for (const dir of [base, ...clones]) rmSync(dir, { recursive: true, force: true })
  })

  function clone(): string {
    const dir = mkdtempSync(join(tmpdir(), 'release-clone-'))
    clones.push(dir)
    git(dir, 'clone', '--quiet', origin, '.')
    return dir
  }

  const release = (dir: string, ...args: string[]) =>
    runScript('release.ts', [...args, '--dry-run'], dir, GIT_ENV)
  const commitOf = (dir: string, ref: string) => git(dir, 'rev-parse', `${ref}^{commit}`)
  const refused = (stderr: string) => stderr.slice(stderr.indexOf('Release refused:'))

  test('tags HEAD, moves v1 and v1.2, writes the notes, and changes nothing on the origin', () => {
    const dir = clone()
    const before = refs(origin)
    const run = release(dir, '1.2.0')
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const head = commitOf(dir, 'HEAD')
    expect(['v1.2.0', 'v1', 'v1.2'].map(t => commitOf(dir, t))).toEqual([head, head, head])
    expect(commitOf(dir, 'v1.1')).toBe(released110)
    expect(git(dir, 'cat-file', '-t', 'v1.2.0')).toBe('tag')
    const notesFile = /Release notes: (\S+)/.exec(run.stdout)?.[1] as string
    expect(readFileSync(notesFile, 'utf8')).toBe(`${NOTES_120}\n`)
    rmSync(dirname(notesFile), { recursive: true })
    expect(run.stdout).toContain(
      [
        'Dry run: nothing pushed. To publish, run:',
        '  git push origin refs/tags/v1.2.0',
        '  git push --force origin refs/tags/v1 refs/tags/v1.2',
        `  gh release create v1.2.0 --verify-tag --title v1.2.0 --notes-file ${notesFile}`
      ].join('\n')
    )
    expect(refs(origin)).toBe(before)
    expect(commitOf(origin, 'v1')).toBe(released110)
  })

  test('refuses a version package.json does not carry, and one the changelog lacks', () => {
    const dir = clone()
    const tags = refs(dir)
    const run = release(dir, '1.3.0')
    expect(run.status).toBe(1)
    expect(refused(run.stderr)).toBe(
      'Release refused:\n' +
        '- package.json has version 1.2.0, not 1.3.0: bump it and commit\n' +
        '- CHANGELOG.md has no "## [1.3.0] - YYYY-MM-DD" section\n'
    )
    expect(refs(dir)).toBe(tags)
  })

  test('refuses a version with no changelog section', () => {
    const dir = clone()
    const pkg = readFileSync(join(dir, 'package.json'), 'utf8')
    writeFileSync(join(dir, 'package.json'), pkg.replace('"1.2.0"', '"1.2.1"'))
    commitAll(dir, 'Bump to 1.2.1 without notes')
    const run = release(dir, '1.2.1')
    expect(run.status).toBe(1)
    expect(refused(run.stderr)).toBe(
      'Release refused:\n- CHANGELOG.md has no "## [1.2.1] - YYYY-MM-DD" section\n'
    )
  })

  test('refuses a stale dist/: source committed without rebuilding', () => {
    const dir = clone()
    writeFileSync(join(dir, 'src/index.js'), "console.log('changed')\n")
    commitAll(dir, 'Change the source only')
    const tags = refs(dir)
    const run = release(dir, '1.2.0')
    expect(run.status).toBe(1)
    expect(refused(run.stderr)).toBe(
      'Release refused:\n- dist/ is stale: run `npm run bundle` and commit dist/\n'
    )
    expect(refs(dir)).toBe(tags)
  })

  test('refuses a dirty tree, without rebuilding dist/ over it', () => {
    const dir = clone()
    writeFileSync(join(dir, 'dist/index.js'), '// edited by hand\n')
    writeFileSync(join(dir, 'notes.txt'), 'draft\n')
    const run = release(dir, '1.2.0')
    expect(run.status).toBe(1)
    expect(refused(run.stderr)).toBe(
      'Release refused:\n- the working tree is not clean; commit or remove first:\n' +
        '   M dist/index.js\n  ?? notes.txt\n'
    )
    expect(readFileSync(join(dir, 'dist/index.js'), 'utf8')).toBe('// edited by hand\n')
  })
})
