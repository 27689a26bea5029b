import type { ActionInputs } from './inputs.js'

/**
 * Every form in which a secret value could reach a log line: the value, each of its lines (the
 * runner masks line by line, so a multi-line PEM registered whole would leak), and its base64.
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>()
  const add = (s: string) => {
    if (s.length >= 4) forms.add(s)
  }
  add(value)
  add(value.trim())
  for (const line of value.split(/\r?\n/)) {
    const t = line.trim()
    if (!/^-----(BEGIN|END) /.test(t)) add(t)
  }
  add(Buffer.from(value).toString('base64'))
  return [...forms]
}

/** The secret values among the inputs: TLS material and every protected setting. */
export function inputSecrets(inputs: ActionInputs): string[] {
  const values = [inputs.tls?.cert, inputs.tls?.key, ...inputs.configProtected.map(e => e.value)]
  return values.filter((v): v is string => v !== undefined && v !== '')
}

/**
 * Replaces every registered secret form in a text with `***`, as the runner's log masking does,
 * so that no text the action writes (logs, annotations, outputs, summary) depends on the runner
 * for its safety. Longest forms first, so a line of a PEM never leaves the rest of a longer form.
 */
export class Redactor {
  private forms: string[] = []

  add(secret: string): string[] {
    const added = secretForms(secret).filter(f => !this.forms.includes(f))
    this.forms = [...this.forms, ...added].sort((a, b) => b.length - a.length)
    return added
  }

  redact(text: string): string {
    let out = text
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join('***')
    return out
  }
}
