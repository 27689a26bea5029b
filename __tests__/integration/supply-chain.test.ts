/**
 * What a team pinning `@v1` relies on besides the code: a stale dist/ caught by the same script
 * CI runs, actions pinned by commit SHA in every workflow, Dependabot grouping what we depend on,
 * and the README and examples naming the major version package.json carries.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { repoRoot } from '../helpers/action-manifest.js'
import { bundle, commitAll, fixtureProject } from '../helpers/git-fixture.js'

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8')

describe('scripts/check-dist.sh on a project whose dist/ is committed', () => {
  let dir: string
  beforeAll(() => {
    dir = fixtureProject('1.0.0', '# Changelog\n')
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const checkDist = () => {
    const run = spawnSync('bash', [join(repoRoot, 'scripts', 'check-dist.sh')], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GITHUB_ACTIONS: 'true' }
    })
    return { status: run.status, stdout: run.stdout, stderr: run.stderr }
  }

  test('passes when dist/ is what the bundle builds', () => {
    expect(checkDist()).toEqual({ status: 0, stdout: 'dist/ is up to date.\n', stderr: '' })
  })

  test('fails when the source changed and dist/ was not rebuilt, naming the stale file', () => {
    writeFileSync(join(dir, 'src/index.js'), "console.log('changed')\n")
    commitAll(dir, 'Change the source, forget the bundle')
    const run = checkDist()
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/^ M dist\/index\.js\n/)
    expect(run.stdout).toContain('::error::dist/ is stale')
    expect(run.stderr).toContain('ERROR: dist/ is stale')
    commitAll(dir, 'Rebuilt dist/')
    expect(checkDist().status).toBe(0)
  })

  test('fails when the bundle now writes a file dist/ lacks', () => {
    const build = readFileSync(join(dir, 'build.mjs'), 'utf8')
    writeFileSync(join(dir, 'build.mjs'), `${build}writeFileSync('dist/chunk.js', '// chunk\\n')\n`)
    commitAll(dir, 'Split a chunk, forget the bundle')
    const run = checkDist()
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/^\?\? dist\/chunk\.js\n/)
    bundle(dir)
    commitAll(dir, 'Rebuilt dist/')
    expect(checkDist().status).toBe(0)
  })
})

const WORKFLOWS = [
  ...readdirSync(join(repoRoot, '.github/workflows')).map(f => `.github/workflows/${f}`),
  ...readdirSync(join(repoRoot, 'docs/workflows')).map(f => `docs/workflows/${f}`)
].filter(f => /\.ya?ml$/.test(f))

/** `uses:` lines of other actions not pinned as `owner/repo[/path]@<40 hex> # vX.Y.Z`. */
function unpinned(text: string): string[] {
  return [...text.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)]
    .filter(([, ref]) => !ref!.startsWith('./') && !/\/azureml-extension-action@/.test(ref!))
    .filter(([, ref, rest]) => !/@[0-9a-f]{40}$/.test(ref!) || !/^ # v\d+\.\d+\.\d+$/.test(rest!))
    .map(([line]) => line.trim())
}

describe('third-party actions in every workflow', () => {
  test.each(WORKFLOWS)('%s pins each by commit SHA with its version in a comment', file => {
    expect(unpinned(read(file))).toEqual([])
  })

  test('one version of an action is one commit everywhere', () => {
    const shas = new Map<string, Set<string>>()
    for (const file of WORKFLOWS) {
      for (const [, action, sha, version] of read(file).matchAll(
        /uses:\s*([\w.-]+\/[\w.-]+)(?:\/[\w./-]+)?@([0-9a-f]{40}) # (v[\d.]+)/g
      )) {
        const key = `${action}@${version}`
        shas.set(key, (shas.get(key) ?? new Set()).add(sha!))
      }
    }
    expect([...shas].filter(([, s]) => s.size > 1).map(([k]) => k)).toEqual([])
    expect(shas.size).toBeGreaterThan(3)
  })

  test('the check reports a tag, a SHA without its version, and a short SHA', () => {
    const text = [
      '      - uses: actions/checkout@v4',
      '      - uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020',
      '        uses: github/codeql-action/init@8aad20d1 # v4.36.2',
      '      - uses: actions/cache@0057852bfaa89a56745cba8c7296529d2fc39830 # v4.3.0',
      '      - uses: ./',
      '        uses: OWNER/azureml-extension-action@v1'
    ].join('\n')
    expect(unpinned(text)).toEqual([
      '- uses: actions/checkout@v4',
      '- uses: actions/setup-node@820762786026740c76f36085b0efc47a31fe5020',
      'uses: github/codeql-action/init@8aad20d1 # v4.36.2'
    ])
  })
})

interface Dependabot {
  version: number
  updates: {
    'package-ecosystem': string
    directory: string
    schedule: { interval: string }
    groups?: Record<string, { 'dependency-type'?: string; patterns: string[] }>
  }[]
}

describe('.github/dependabot.yml', () => {
  const config = parse(read('.github/dependabot.yml')) as Dependabot
  const pkg = JSON.parse(read('package.json')) as {
    dependencies: Record<string, string>
    devDependencies: Record<string, string>
  }
  const matches = (pattern: string, name: string) =>
    new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(name)
  const npm = config.updates.find(u => u['package-ecosystem'] === 'npm')

  test('is version 2 and updates npm and the workflow actions weekly from the root', () => {
    expect(config.version).toBe(2)
    expect(
      config.updates.map(u => [u['package-ecosystem'], u.directory, u.schedule.interval])
    ).toEqual([
      ['npm', '/', 'weekly'],
      ['github-actions', '/', 'weekly']
    ])
  })

  test('groups the Azure SDK, the Kubernetes client and the dev tooling', () => {
    const groups = npm?.groups ?? {}
    const groupOf = (name: string, type: 'production' | 'development') =>
      Object.entries(groups).find(
        ([, g]) => (g['dependency-type'] ?? type) === type && g.patterns.some(p => matches(p, name))
      )?.[0]
    const prod = Object.keys(pkg.dependencies).map(d => [d, groupOf(d, 'production')])
    expect(prod.filter(([d]) => d!.startsWith('@azure/'))).toEqual(
      Object.keys(pkg.dependencies)
        .filter(d => d.startsWith('@azure/'))
        .map(d => [d, 'azure-sdk'])
    )
    expect(groupOf('@kubernetes/client-node', 'production')).toBe('kubernetes')
    expect(
      Object.keys(pkg.devDependencies).filter(d => groupOf(d, 'development') !== 'dev-tooling')
    ).toEqual([])
    // Every production dependency is in some group, so none is updated alone by accident.
    expect(prod.filter(([, g]) => g === undefined)).toEqual([])
  })
})

test('the README and the examples name the major version package.json carries', () => {
  const { version } = JSON.parse(read('package.json')) as { version: string }
  const major = `v${version.split('.')[0]}`
  const refs = ['README.md', ...WORKFLOWS.filter(f => f.startsWith('docs/'))].flatMap(file =>
    [...read(file).matchAll(/uses:\s*[\w.-]+\/azureml-extension-action@(\S+)/g)].map(m => ({
      file,
      ref: m[1]
    }))
  )
  expect(refs.length).toBeGreaterThan(5)
  expect(refs.filter(r => r.ref !== major)).toEqual([])
})

test('CI runs the dist, audit and license checks, locally and on GitHub', () => {
  const ci = read('.github/workflows/ci.yml')
  const local = read('.ci/run')
  for (const check of [/npm run (--silent )?audit\b/, /npm run (--silent )?licenses\b/]) {
    expect([check.test(ci), check.test(local)]).toEqual([true, true])
  }
  expect(read('.github/workflows/check-dist.yml')).toContain('run: npm run check-dist')
  expect(local).toContain('npm run check-dist')
})
