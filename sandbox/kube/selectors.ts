/** Label and field selectors: parsing and matching as the API server does them. Pure. */

export type LabelRequirement =
  | { key: string; op: 'exists' | 'notexists' }
  | { key: string; op: 'in' | 'notin'; values: string[] }

export interface FieldRequirement {
  path: string
  op: '=' | '!='
  value: string
}

export class SelectorError extends Error {}

/** Splits on commas that are not inside a `( … )` value set. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts.map(p => p.trim()).filter(p => p !== '')
}

const SET_RE = /^([^\s!=(),]+)\s+(in|notin)\s+\(([^)]*)\)$/
const EQ_RE = /^([^\s!=(),]+)\s*(==|=|!=)\s*([^\s!=(),]*)$/
const KEY_RE = /^(!?)\s*([^\s!=(),]+)$/

function parseLabelTerm(term: string): LabelRequirement {
  const set = SET_RE.exec(term)
  if (set) {
    const values = set[3]!.split(',').map(v => v.trim())
    return { key: set[1]!, op: set[2] as 'in' | 'notin', values }
  }
  const eq = EQ_RE.exec(term)
  if (eq) return { key: eq[1]!, op: eq[2] === '!=' ? 'notin' : 'in', values: [eq[3]!] }
  const key = KEY_RE.exec(term)
  if (key) return { key: key[2]!, op: key[1] ? 'notexists' : 'exists' }
  throw new SelectorError(`unable to parse requirement: ${JSON.stringify(term)}`)
}

export function parseLabelSelector(text: string | null | undefined): LabelRequirement[] {
  return text ? splitTopLevel(text).map(parseLabelTerm) : []
}

export function matchesLabels(
  reqs: LabelRequirement[],
  labels: Record<string, string> | undefined
): boolean {
  return reqs.every(r => {
    const value = labels?.[r.key]
    switch (r.op) {
      case 'exists':
        return value !== undefined
      case 'notexists':
        return value === undefined
      case 'in':
        return value !== undefined && r.values.includes(value)
      case 'notin':
        return value === undefined || !r.values.includes(value)
    }
  })
}

export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (!text) return []
  return splitTopLevel(text).map(term => {
    const m = /^([^!=]+?)\s*(==|=|!=)\s*(.*)$/.exec(term)
    if (!m) throw new SelectorError(`invalid selector: '${text}'; can't understand '${term}'`)
    return { path: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]! }
  })
}

/** Reads a dotted field path; missing fields read as '' the way field-label conversion does. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return ''
    cur = (cur as Record<string, unknown>)[part]
  }
  if (cur === undefined || cur === null) return ''
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur)
}

export function matchesFields(reqs: FieldRequirement[], obj: unknown): boolean {
  return reqs.every(r => (fieldValue(obj, r.path) === r.value) === (r.op === '='))
}

/** Paths outside `allowed` are refused with the API server's wording. */
export function checkFieldPaths(reqs: FieldRequirement[], allowed: string[]): void {
  for (const r of reqs) {
    if (!allowed.includes(r.path)) throw new SelectorError(`field label not supported: ${r.path}`)
  }
}
