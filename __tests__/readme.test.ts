/**
 * The README stays true to the code: its troubleshooting section is the diagnosis's own table, and
 * its inputs and outputs tables name exactly what action.yml declares.
 */
import { readFileSync } from 'node:fs'
import { SECTIONS } from '../scripts/readme-sections.js'
import { readActionManifest } from './helpers/action-manifest.js'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

/** Markdown with table cells trimmed and separator rows folded, as prettier may align them. */
function normalize(md: string): string[] {
  return md
    .split('\n')
    .map(l => l.trim())
    .filter(l => l !== '')
    .map(l =>
      l.startsWith('|')
        ? l
            .split(/(?<!\\)\|/)
            .map(c => (/^\s*-+\s*$/.test(c) ? '---' : c.trim()))
            .join('|')
        : l
    )
}

/** The backticked names in the first column of the table under `heading`. */
function tableNames(heading: string): string[] {
  const from = README.indexOf(`\n${heading}\n`)
  const lines = README.slice(from).split('\n').slice(2)
  const start = lines.findIndex(l => l.startsWith('|'))
  const rows = lines.slice(
    start + 2,
    lines.findIndex((l, i) => i > start && !l.startsWith('|'))
  )
  return rows.flatMap(r => [...r.split('|')[1]!.matchAll(/`([a-z-]+)`/g)].map(m => m[1]!))
}

test.each(Object.entries(SECTIONS))('the %s section is generated from the code', (name, render) => {
  const start = README.indexOf(`<!-- ${name}:start`)
  const end = README.indexOf(`<!-- ${name}:end -->`)
  expect(start).toBeGreaterThan(0)
  const section = README.slice(README.indexOf('-->', start) + 3, end)
  expect(normalize(section)).toEqual(normalize(render()))
})

test('the inputs table names every input of action.yml, and nothing else', () => {
  const declared = (readActionManifest().template?.inputs ?? []).map(i => i.id)
  expect([...new Set(tableNames('## Inputs'))].sort()).toEqual([...declared].sort())
})

test('the outputs table names every output of action.yml, and nothing else', () => {
  const declared = (readActionManifest().template?.outputs ?? []).map(o => o.id)
  expect(tableNames('## Outputs').sort()).toEqual([...declared].sort())
})
