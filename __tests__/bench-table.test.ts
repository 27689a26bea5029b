/**
 * The README's measured figures are `npm run bench`'s table: the same columns and the same rows,
 * in order, so that neither can change without the other.
 */
import { readFileSync } from 'node:fs'
import { benchSection, COLUMNS, MEASURES, renderTable, tableCells } from '../bench/table.js'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')

test("the README's bench section holds the bench's table: its columns and every row, in order", () => {
  const [header, ...rows] = tableCells(benchSection(README))
  expect(header).toEqual(COLUMNS)
  expect(rows.map(r => r[0])).toEqual([...MEASURES])
  expect(rows.every(r => r.length === COLUMNS.length)).toBe(true)
})

test('the bench prints its rows in the order the README keeps, and refuses any other', () => {
  const row = (measure: (typeof MEASURES)[number]) => ({
    measure,
    action: '1 ms',
    comparison: 'a | b',
    goal: '–',
    met: true
  })
  const [header, ...rows] = tableCells(renderTable(MEASURES.map(row)))
  expect(header).toEqual(COLUMNS)
  expect(rows.map(r => r[0])).toEqual([...MEASURES])
  expect(rows[0]).toEqual([MEASURES[0], '1 ms', 'a | b', '–', 'yes'])
  expect(() => renderTable(MEASURES.slice(1).map(row))).toThrow(/out of step/)
})
