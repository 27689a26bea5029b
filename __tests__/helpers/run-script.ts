/**
 * Runs one of the project's TypeScript scripts (scripts/*.ts) the way its npm script does, in a
 * child process on the project's Node 24, from any working directory: exit code and output.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { repoRoot } from './action-manifest.js'

export interface ScriptRun {
  status: number | null
  stdout: string
  stderr: string
}

export function runScript(
  script: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {}
): ScriptRun {
  const { status, stdout, stderr } = spawnSync(
    process.execPath,
    [
      '--experimental-transform-types',
      '--no-warnings',
      '--import',
      join(repoRoot, 'sandbox', 'register-ts.ts'),
      join(repoRoot, 'scripts', script),
      ...args
    ],
    { cwd, encoding: 'utf8', env: { ...process.env, ...env } }
  )
  return { status, stdout, stderr }
}

/** Writes a fixture tree given as `{ "relative/path": content }` (objects become JSON). */
export function writeTree(root: string, tree: Record<string, unknown>): void {
  for (const [path, content] of Object.entries(tree)) {
    const file = join(root, path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(
      file,
      typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`
    )
  }
}
