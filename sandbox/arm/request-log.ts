import type { SandboxRequest } from '../http.js'

/** One request ARM received, with secrets out: what tests assert the action sent. */
export interface ArmRequestRecord {
  method: string
  path: string
  query: Record<string, string>
  /** Header names lower-cased; `authorization` keeps its scheme only (`Bearer <redacted>`). */
  headers: Record<string, string>
  /** Parsed JSON body, the raw text when it is not JSON, undefined when empty. */
  body: unknown
  /** The status the sandbox answered (undefined for a dropped connection). */
  status?: number
  /** When it arrived (ms since the epoch): how long a client waited between attempts. */
  at: number
  /** `x-ms-request-id` of the answer, which the action's debug log names. */
  requestId?: string
  /** The body answered: what the client was shown (stays in memory, never printed). */
  reply?: unknown
}

function redact(name: string, value: string): string {
  if (name !== 'authorization') return value
  const scheme = value.split(' ')[0] ?? ''
  return `${scheme} <redacted>`
}

function parse(text: string): unknown {
  if (!text) return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export function record(req: SandboxRequest): ArmRequestRecord {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    headers[name] = redact(name, Array.isArray(value) ? value.join(', ') : value)
  }
  return {
    method: req.method,
    path: req.path,
    query: Object.fromEntries(req.query),
    headers,
    body: parse(req.text),
    at: Date.now()
  }
}
