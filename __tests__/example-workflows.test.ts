/**
 * The workflows users copy (docs/workflows/) and our own CI workflows must be valid GitHub workflows,
 * checked with GitHub's workflow parser (`@actions/workflow-parser`), and every use of this action in
 * them must pass only inputs action.yml declares and read only outputs it declares.
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
import { readActionManifest, repoRoot } from './helpers/action-manifest.js'

const examplesDir = join(repoRoot, 'docs', 'workflows')
const ciDir = join(repoRoot, '.github', 'workflows')
const EXAMPLES = ['deploy.yml', 'promotion-gate.yml', 'drift.yml']

/** A step that runs this action: the published reference or the local checkout. */
const OUR_ACTION = /^(?:[\w.-]+\/azureml-extension-action@.+|\.\/?)$/

interface OurStep {
  job: string
  id: string | undefined
  uses: string
  withKeys: string[]
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
      steps.push({
        job,
        id: id !== undefined && isString(id) ? id.value : undefined,
        uses: uses.value,
        withKeys: entries(field(step, 'with')).map(([k]) => k)
      })
    }
  }
  return steps
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

/** The example files, and the workflows the README shows inline (its ```yaml blocks). */
const SOURCES: [string, string][] = [
  ...EXAMPLES.map((f): [string, string] => [
    `docs/workflows/${f}`,
    readFileSync(join(examplesDir, f), 'utf8')
  ]),
  ...[
    ...readFileSync(join(repoRoot, 'README.md'), 'utf8').matchAll(/```ya?ml\n([\s\S]*?)```/g)
  ].map((m, i): [string, string] => [`README.md yaml block ${i + 1}`, m[1] as string])
]

describe.each(SOURCES)('%s', (file, content) => {
  let parsed: ParsedWorkflow

  beforeAll(async () => {
    parsed = await validateWorkflow(file, content)
  })

  test('is a valid GitHub workflow', () => {
    expect(parsed.errors).toEqual([])
    expect(parsed.root).toBeDefined()
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

describe('the example workflows', () => {
  test('are exactly the three the README documents', () => {
    expect(readdirSync(examplesDir).sort()).toEqual([...EXAMPLES].sort())
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
})

describe.each(readdirSync(ciDir).filter(f => /\.ya?ml$/.test(f)))('.github/workflows/%s', file => {
  test('is a valid GitHub workflow', async () => {
    const { errors } = await validateWorkflow(file, readFileSync(join(ciDir, file), 'utf8'))
    expect(errors).toEqual([])
  })
})
