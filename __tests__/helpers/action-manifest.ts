/**
 * action.yml and the action contract, read the way the tests of the manifest and the example
 * workflows need them. action.yml is parsed and validated with GitHub's own action schema
 * (`@actions/workflow-parser`, the library behind the Actions language service), offline.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { NoOperationTraceWriter } from '@actions/workflow-parser'
import {
  convertActionTemplate,
  parseAction,
  type ActionTemplate
} from '@actions/workflow-parser/actions/index'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const actionYmlPath = join(repoRoot, 'action.yml')
/** The contract, copied into spec/ so every clone has it. */
export const contractPath =
  process.env.ACTION_CONTRACT_PATH ?? join(repoRoot, 'spec', 'action-contract.md')

export interface ManifestResult {
  /** Schema and conversion errors, formatted like the Actions language service shows them. */
  errors: string[]
  /** The typed manifest; undefined when the file has schema errors. */
  template: ActionTemplate | undefined
}

/** Parses and validates action.yml text against GitHub's action manifest schema. */
export function validateActionManifest(content: string, name = 'action.yml'): ManifestResult {
  const parsed = parseAction({ name, content }, new NoOperationTraceWriter())
  let template: ActionTemplate | undefined
  if (parsed.value !== undefined && parsed.context.errors.count === 0) {
    template = convertActionTemplate(parsed.context, parsed.value)
  }
  const errors = parsed.context.errors.getErrors().map(e => e.message)
  return { errors, template: errors.length === 0 ? template : undefined }
}

export function readActionManifest(): ManifestResult {
  return validateActionManifest(readFileSync(actionYmlPath, 'utf8'))
}

/** How the contract's default column reads. */
export type ContractDefault =
  | { kind: 'literal'; value: string }
  | { kind: 'required' }
  | { kind: 'env'; variable: string }
  | { kind: 'per-environment' }
  | { kind: 'none' }

export interface ContractInput {
  name: string
  default: ContractDefault
  meaning: string
}

export interface Contract {
  inputs: ContractInput[]
  outputs: string[]
  /** Inputs the contract names as ones whose absence matters (they must declare no default). */
  absenceMatters: string[]
}

/** Reads the Inputs and Outputs tables and the "absence matters" rule from action-contract.md. */
export function readContract(text = readFileSync(contractPath, 'utf8')): Contract {
  const inputs: ContractInput[] = []
  for (const [names, def, meaning] of tableRows(section(text, 'Inputs'))) {
    const ids = backticked(names ?? '')
    if (ids.length === 0) throw new Error(`contract input row without a name: ${names}`)
    for (const name of ids)
      inputs.push({ name, default: parseDefault(def ?? ''), meaning: meaning ?? '' })
  }
  const outputs = tableRows(section(text, 'Outputs')).flatMap(([names]) => backticked(names ?? ''))
  const rule = paragraphContaining(text, 'absence matters')
  const known = new Set(inputs.map(i => i.name))
  const absenceMatters = backticked(rule).filter(n => known.has(n))
  return { inputs, outputs, absenceMatters }
}

function parseDefault(cell: string): ContractDefault {
  const c = cell.trim()
  if (c === '' || c === 'none') return { kind: 'none' }
  if (c === 'required') return { kind: 'required' }
  if (c === 'per environment') return { kind: 'per-environment' }
  const env = /^env `([A-Z0-9_]+)`$/.exec(c)
  if (env?.[1]) return { kind: 'env', variable: env[1] }
  const lit = /^`([^`]*)`$/.exec(c)
  if (lit?.[1] !== undefined) return { kind: 'literal', value: lit[1] }
  throw new Error(
    `unrecognised default in the contract: "${c}" (teach __tests__/helpers/action-manifest.ts)`
  )
}

/** The body of a `## <title>` section, up to the next `## ` heading. */
function section(text: string, title: string): string {
  const lines = text.split(/\r?\n/)
  const start = lines.findIndex(l => l.trim() === `## ${title}`)
  if (start < 0) throw new Error(`the contract has no "## ${title}" section`)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex(l => /^## /.test(l))
  return (end < 0 ? rest : rest.slice(0, end)).join('\n')
}

/** Cells of the first markdown table in `body`, header and separator rows dropped. */
function tableRows(body: string): string[][] {
  const rows = body
    .split('\n')
    .filter(l => l.trim().startsWith('|'))
    .map(l =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map(c => c.trim())
    )
  if (rows.length < 3) throw new Error('expected a markdown table with a header and rows')
  return rows.slice(2)
}

function backticked(s: string): string[] {
  return [...s.matchAll(/`([^`]+)`/g)].map(m => m[1] as string)
}

function paragraphContaining(text: string, phrase: string): string {
  const p = text.split(/\n\s*\n/).find(para => para.replace(/\s+/g, ' ').includes(phrase))
  if (p === undefined) throw new Error(`the contract no longer says "${phrase}"`)
  return p
}
