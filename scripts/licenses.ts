/**
 * `npm run licenses`: the licenses of everything the bundle can ship.
 *
 *   licenses.ts check [notices-file]   fails when a shipped package's license is not allowed
 *                                      (scripts/license-policy.ts) or the notices file
 *                                      (default dist/licenses.txt) does not list it
 *   licenses.ts notices <file>         writes the notices file (scripts/bundle.sh)
 *
 * What can ship is the production dependency tree: the package.json dependencies, optional and
 * peer dependencies, followed through node_modules the way Node resolves them, from the project
 * in the working directory. That is a superset of what ncc bundles, so nothing bundled escapes
 * the check. @vercel/ncc is added when installed: ncc puts its own runtime helpers in the bundle.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { licenseProblems, renderNotices, unlistedInNotices } from './license-policy.js'
import type { ShippedPackage } from './license-policy.js'

interface PackageJson {
  name?: string
  version?: string
  license?: string | { type?: string }
  licenses?: { type?: string }[]
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
}

const BUNDLER_RUNTIME = '@vercel/ncc'

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PackageJson

/** The license as an SPDX expression, from the current field or the legacy object and array. */
function declaredLicense(pkg: PackageJson): string | undefined {
  if (typeof pkg.license === 'string') return pkg.license
  if (pkg.license?.type !== undefined) return pkg.license.type
  const types = (pkg.licenses ?? []).flatMap(l => (l.type === undefined ? [] : [l.type]))
  return types.length === 0 ? undefined : types.length === 1 ? types[0] : `(${types.join(' OR ')})`
}

function licenseText(dir: string): string | undefined {
  const file = readdirSync(dir)
    .filter(f => /^(un)?licen[cs]e|^copying/i.test(f))
    .sort()[0]
  return file === undefined ? undefined : readFileSync(join(dir, file), 'utf8')
}

/** Where Node finds `name` when required from `from`: the nearest node_modules up to the root. */
function resolvePackage(root: string, from: string, name: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name)
    if (existsSync(join(candidate, 'package.json'))) return candidate
    if (dir === root || dir === dirname(dir)) return undefined
  }
}

interface ProductionTree {
  packages: ShippedPackage[]
  /** Required dependencies that are not installed: the tree cannot be judged. */
  missing: string[]
}

/** Every package the production dependency tree of the project at `root` installs. */
function productionTree(root: string): ProductionTree {
  const packages: ShippedPackage[] = []
  const missing: string[] = []
  const seen = new Set<string>()
  const visit = (dir: string, pkg: PackageJson) => {
    const optional = new Set([
      ...Object.keys(pkg.optionalDependencies ?? {}),
      ...Object.keys(pkg.peerDependencies ?? {})
    ])
    const names = [...Object.keys(pkg.dependencies ?? {}), ...optional]
    for (const name of new Set(names)) {
      const found = resolvePackage(root, dir, name)
      if (found === undefined) {
        if (!optional.has(name)) missing.push(`${name} (required by ${pkg.name ?? 'the project'})`)
        continue
      }
      const real = realpathSync(found)
      if (seen.has(real)) continue
      seen.add(real)
      const dep = readJson(join(found, 'package.json'))
      packages.push({
        name: dep.name ?? name,
        version: dep.version ?? '',
        license: declaredLicense(dep),
        path: relative(root, found),
        licenseText: licenseText(found)
      })
      visit(found, dep)
    }
  }
  visit(root, readJson(join(root, 'package.json')))
  return { packages, missing }
}

/** The production tree and the bundler's runtime: what the notices and the check cover. */
function shippedPackages(root: string): ProductionTree {
  const tree = productionTree(root)
  const bundler = join(root, 'node_modules', BUNDLER_RUNTIME)
  if (!existsSync(join(bundler, 'package.json'))) return tree
  const pkg = readJson(join(bundler, 'package.json'))
  const runtime: ShippedPackage = {
    name: BUNDLER_RUNTIME,
    version: pkg.version ?? '',
    license: declaredLicense(pkg),
    path: relative(root, bundler),
    licenseText: licenseText(bundler)
  }
  return { ...tree, packages: [...tree.packages, runtime] }
}

function check(root: string, noticesFile: string): number {
  const { packages, missing } = shippedPackages(root)
  const notices = existsSync(noticesFile) ? readFileSync(noticesFile, 'utf8') : undefined
  const problems = [
    ...missing.map(m => `${m} is not installed: run npm ci first`),
    ...licenseProblems(packages),
    ...(notices === undefined
      ? [`${noticesFile} does not exist: npm run bundle writes it`]
      : unlistedInNotices(notices, packages).map(n => `${noticesFile} does not list ${n}`))
  ]
  if (problems.length === 0) {
    console.log(`Licenses: ${packages.length} shipped packages, every license allowed and listed.`)
    return 0
  }
  console.error(`Licenses: ${problems.length} problem(s):\n${problems.join('\n')}`)
  return 1
}

function main(args: string[]): number {
  const root = process.cwd()
  const [command, file] = args
  if (command === 'check') return check(root, file ?? join(root, 'dist', 'licenses.txt'))
  if (command === 'notices' && file !== undefined) {
    writeFileSync(file, renderNotices(shippedPackages(root).packages))
    return 0
  }
  console.error('usage: licenses.ts check [notices-file] | licenses.ts notices <file>')
  return 2
}

process.exitCode = main(process.argv.slice(2))
