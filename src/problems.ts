/** A mistake in the action's inputs: which input, what is wrong, and how to fix it. */
export interface Problem {
  /** The input a user edits to fix it, e.g. `config` or `ssl-cname`. */
  input: string
  message: string
  fix: string
}

/** Thrown with every problem of a run, so the user sees them all at once. */
export class ValidationError extends Error {
  readonly problems: readonly Problem[]

  constructor(problems: readonly Problem[]) {
    super(
      `${problems.length} input problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map(formatProblem).join('\n')
    )
    this.name = 'ValidationError'
    this.problems = problems
  }
}

export function formatProblem(p: Problem): string {
  return `${p.input}: ${withFix(p.message, p.fix)}`
}

/** A problem's message followed by its fix, as every annotation and log line shows it. */
export function withFix(message: string, fix: string): string {
  return `${message} Fix: ${fix}`
}

/** Throws a ValidationError when there is anything to report. */
export function throwIfAny(problems: readonly Problem[]): void {
  if (problems.length > 0) throw new ValidationError(problems)
}
