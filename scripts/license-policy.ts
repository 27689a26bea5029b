/**
 * Which licenses the bundle may ship, decided from each package's declared license (pure, no I/O),
 * and the notices file (dist/licenses.txt) that names every shipped package.
 *
 * Allowed: MIT, ISC, Apache-2.0 and the BSD family without the advertising clause: BSD-2-Clause,
 * BSD-3-Clause and 0BSD (BSD with no conditions at all). BSD-4-Clause is not allowed: its
 * advertising clause is an obligation on everyone who ships the action. An SPDX expression passes
 * when it can be satisfied with allowed licenses (`MIT OR GPL-3.0` passes, `MIT AND GPL-3.0` does
 * not); `X WITH exception` counts as X (an exception only grants more). Anything else, a missing
 * license, `UNLICENSED` or `SEE LICENSE IN …` included, needs a reviewed exception below.
 */

export const ALLOWED_LICENSES = ['MIT', 'ISC', 'Apache-2.0', 'BSD-2-Clause', 'BSD-3-Clause', '0BSD']

/** A shipped package as the policy sees it. */
export interface ShippedPackage {
  name: string
  version: string
  /** The declared license as an SPDX expression; undefined when the package declares none. */
  license: string | undefined
  /** Where it was found, relative to the project: `node_modules/a/node_modules/b`. */
  path: string
  /** The package's license file, for the notices. */
  licenseText?: string
}

/**
 * Licenses outside the allow-list that were read and accepted, per package. Keyed by name and
 * license, so a package that changes its license is reviewed again.
 */
export interface ReviewedException {
  name: string
  licenses: string[]
  reason: string
}

export const REVIEWED: ReviewedException[] = [
  {
    name: 'stream-buffers',
    licenses: ['Unlicense'],
    reason: 'a public-domain dedication: no conditions at all (used by @kubernetes/client-node)'
  },
  {
    name: 'argparse',
    licenses: ['Python-2.0', 'PSF-2.0'],
    reason: "Python's license, permissive; required only by js-yaml's command-line tool"
  }
]

type Token = string
const OPERATORS = new Set(['AND', 'OR', 'WITH', '(', ')'])

function tokens(expression: string): Token[] {
  return expression
    .replace(/[()]/g, ' $& ')
    .split(/\s+/)
    .filter(t => t !== '')
    .map(t => (OPERATORS.has(t.toUpperCase()) ? t.toUpperCase() : t))
}

/**
 * Evaluates an SPDX expression: OR binds looser than AND, AND looser than WITH. Returns undefined
 * when the expression does not parse.
 */
function satisfiable(expression: string, allowed: (id: string) => boolean): boolean | undefined {
  const ts = tokens(expression)
  let i = 0
  const orExpr = (): boolean | undefined => {
    let value = andExpr()
    while (value !== undefined && ts[i] === 'OR') {
      i++
      const right = andExpr()
      value = right === undefined ? undefined : value || right
    }
    return value
  }
  const andExpr = (): boolean | undefined => {
    let value = term()
    while (value !== undefined && ts[i] === 'AND') {
      i++
      const right = term()
      value = right === undefined ? undefined : value && right
    }
    return value
  }
  const term = (): boolean | undefined => {
    const t = ts[i++]
    if (t === undefined || (OPERATORS.has(t) && t !== '(')) return undefined
    if (t === '(') {
      const value = orExpr()
      return ts[i++] === ')' ? value : undefined
    }
    if (ts[i] === 'WITH') {
      const exception = ts[++i]
      i++
      if (exception === undefined || OPERATORS.has(exception)) return undefined
    }
    return allowed(t.replace(/\+$/, ''))
  }
  const value = orExpr()
  return i === ts.length ? value : undefined
}

const allowedId = (id: string) => ALLOWED_LICENSES.some(a => a.toLowerCase() === id.toLowerCase())

/** True when the declared license (an SPDX expression) can be met with allowed licenses. */
export function licenseAllowed(license: string | undefined): boolean {
  if (license === undefined || license.trim() === '') return false
  return satisfiable(license, allowedId) === true
}

/** The problems with what ships, one line per package; empty when everything may ship. */
export function licenseProblems(
  packages: ShippedPackage[],
  reviewed: ReviewedException[] = REVIEWED
): string[] {
  return packages.flatMap(p => {
    if (licenseAllowed(p.license)) return []
    if (reviewed.some(r => r.name === p.name && r.licenses.includes(p.license ?? ''))) return []
    const what =
      p.license === undefined ? 'declares no license' : `is licensed ${p.license}, not allowed`
    return [`${p.name}@${p.version} (${p.path}) ${what}`]
  })
}

/**
 * The notices file in the format @vercel/ncc writes: per package its name, license and license
 * text, separated by a blank line, sorted by name; a package shipped in several versions with
 * the same license text is listed once.
 */
export function renderNotices(packages: ShippedPackage[]): string {
  const entries = new Set(
    packages.map(p =>
      [p.name, p.license, p.licenseText?.trim()].filter(s => s !== undefined).join('\n')
    )
  )
  const sorted = [...entries].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return `${sorted.join('\n\n')}\n`
}

/** The shipped packages the notices file does not list (by a `name` line then its license). */
export function unlistedInNotices(notices: string, packages: ShippedPackage[]): string[] {
  const text = `\n\n${notices}`
  const unlisted = packages.filter(
    p => !text.includes(`\n\n${p.name}\n${p.license === undefined ? '' : `${p.license}\n`}`)
  )
  return [...new Set(unlisted.map(p => p.name))]
}
