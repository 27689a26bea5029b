/**
 * What a release of version X.Y.Z does, decided from facts about the repository (pure, no I/O):
 * the checks it must pass, the tags it creates or moves, its notes, the commands that publish it.
 *
 * `vX.Y.Z` is created once. `vX` and `vX.Y` move to it only when it is the highest release of
 * that line, so a patch to an older line (1.2.4 after 1.3.0) moves `v1.2` and leaves `v1` where
 * users of the newest 1.x expect it. A pre-release (1.3.0-rc.1) moves nothing.
 */

export interface ReleaseFacts {
  /** The version asked for, with or without a leading `v`. */
  requested: string
  packageVersion: string
  changelog: string
  /** `git status --porcelain` lines; empty when clean. */
  dirty: string[]
  /** Undefined when not checked (a dirty tree is not rebuilt over). */
  distFresh: boolean | undefined
  head: string
  /** Existing tags and the commits they point at. */
  tags: Record<string, string>
}

export interface ReleasePlan {
  version: string
  tag: string
  /** Tags that move to HEAD: `vX`, `vX.Y`, the ones whose line this release leads. */
  moves: string[]
  /** True when `tag` already points at HEAD (a re-run after a failed push). */
  tagExists: boolean
  notes: string
  prerelease: boolean
  /** Not the highest release overall: GitHub must not mark it as the latest. */
  latest: boolean
}

interface Version {
  major: number
  minor: number
  patch: number
  pre: string | undefined
}

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?$/

export function parseVersion(text: string): Version | undefined {
  const m = SEMVER.exec(text.trim())
  if (m === null) return undefined
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] }
}

/** Release order for versions without pre-release parts (the only ones that move tags). */
function compare(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The `## [X.Y.Z] - YYYY-MM-DD` section of a Keep a Changelog file: its date and its body, up to
 * the next `## ` heading or the link references at the end.
 */
export function changelogSection(
  changelog: string,
  version: string
): { date: string; notes: string } | undefined {
  const heading = new RegExp(`^## \\[${escape(version)}\\] - (\\d{4}-\\d{2}-\\d{2})[ \\t]*$`, 'm')
  const m = heading.exec(changelog)
  if (m === null) return undefined
  const rest = changelog.slice(m.index + m[0].length)
  const end = rest.search(/^## |^\[[^\]]+\]: /m)
  return { date: m[1] as string, notes: (end === -1 ? rest : rest.slice(0, end)).trim() }
}

/** Problems with the changelog's shape: an `## [Unreleased]` section must come first. */
function changelogProblems(changelog: string): string[] {
  const first = /^## (.*)$/m.exec(changelog)?.[1]
  return first?.trim() === '[Unreleased]'
    ? []
    : ['CHANGELOG.md must start its sections with "## [Unreleased]" (Keep a Changelog)']
}

/** Released versions from tags `vX.Y.Z`, pre-releases left out. */
function releasedVersions(tags: Record<string, string>): Version[] {
  return Object.keys(tags).flatMap(t => {
    const v = t.startsWith('v') ? parseVersion(t) : undefined
    return v !== undefined && v.pre === undefined ? [v] : []
  })
}

/** The floating tags this version leads: `vX` if no higher X.*.*, `vX.Y` if no higher X.Y.*. */
export function movingTags(version: string, tags: Record<string, string>): string[] {
  const v = parseVersion(version)
  if (v === undefined || v.pre !== undefined) return []
  const released = releasedVersions(tags)
  const leads = (same: (o: Version) => boolean) =>
    released.filter(same).every(o => compare(v, o) >= 0)
  return [
    ...(leads(o => o.major === v.major) ? [`v${v.major}`] : []),
    ...(leads(o => o.major === v.major && o.minor === v.minor) ? [`v${v.major}.${v.minor}`] : [])
  ]
}

export function planRelease(f: ReleaseFacts): { problems: string[] } | { plan: ReleasePlan } {
  const parsed = parseVersion(f.requested)
  if (parsed === undefined) return { problems: [`"${f.requested}" is not a version X.Y.Z`] }
  const version = f.requested.trim().replace(/^v/, '')
  const tag = `v${version}`
  const section = changelogSection(f.changelog, version)
  const problems = [
    ...(f.dirty.length > 0
      ? [`the working tree is not clean; commit or remove first:\n  ${f.dirty.join('\n  ')}`]
      : []),
    ...(f.distFresh !== false ? [] : ['dist/ is stale: run `npm run bundle` and commit dist/']),
    ...(f.packageVersion === version
      ? []
      : [`package.json has version ${f.packageVersion}, not ${version}: bump it and commit`]),
    ...changelogProblems(f.changelog),
    ...(section === undefined
      ? [`CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section`]
      : section.notes === ''
        ? [`CHANGELOG.md's section for ${version} is empty`]
        : []),
    ...(f.tags[tag] !== undefined && f.tags[tag] !== f.head
      ? [`${tag} already exists at ${f.tags[tag]}, not HEAD (${f.head}): versions are never reused`]
      : [])
  ]
  if (problems.length > 0) return { problems }
  const highest = releasedVersions(f.tags).every(o => compare(parsed, o) >= 0)
  return {
    plan: {
      version,
      tag,
      moves: movingTags(version, f.tags),
      tagExists: f.tags[tag] === f.head,
      notes: (section as { notes: string }).notes,
      prerelease: parsed.pre !== undefined,
      latest: parsed.pre === undefined && highest
    }
  }
}

/** The commands that publish a planned release: push the tags, create the GitHub release. */
export function publishCommands(plan: ReleasePlan, remote: string, notesFile: string): string[][] {
  return [
    ['git', 'push', remote, `refs/tags/${plan.tag}`],
    ...(plan.moves.length > 0
      ? [['git', 'push', '--force', remote, ...plan.moves.map(t => `refs/tags/${t}`)]]
      : []),
    [
      'gh',
      'release',
      'create',
      plan.tag,
      '--verify-tag',
      '--title',
      plan.tag,
      '--notes-file',
      notesFile,
      ...(plan.prerelease ? ['--prerelease'] : []),
      ...(plan.latest ? [] : ['--latest=false'])
    ]
  ]
}
