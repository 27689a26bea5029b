/**
 * What the command pod of AKS Run Command does, in the sandbox: the real kubectl against the
 * Kubernetes API server backing the cluster. No shell: a command is split into words as a shell
 * would split it, and only a plain `kubectl …` runs; anything else answers as a shell would.
 */
import { execFile } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ExecResult {
  exitCode: number
  /** stdout then stderr: the command pod's log holds both. */
  logs: string
}

/** Characters a shell treats as syntax (pipes, lists, redirection, substitution, grouping). */
const SYNTAX = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`'])

/**
 * The words of `command` as a POSIX shell splits them (quotes and backslashes), or undefined when
 * it uses shell syntax the sandbox does not run (pipes, redirection, substitution, comments).
 */
export function shellWords(command: string): string[] | undefined {
  const words: string[] = []
  // Undefined between words; '' once a word has begun (an empty quoted word counts).
  let word: string | undefined
  let quote: '"' | "'" | undefined
  const add = (text: string) => (word = (word ?? '') + text)
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!
    if (quote === "'") {
      if (c === "'") quote = undefined
      else add(c)
    } else if (quote === '"') {
      if (c === '"') quote = undefined
      else if (c === '\\' && '"\\$`'.includes(command[i + 1] ?? '')) add(command[++i]!)
      else if (c === '$' || c === '`') return undefined
      else add(c)
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (c === "'" || c === '"') {
      quote = c
      add('')
    } else if (c === '\\') {
      add(command[++i] ?? '')
    } else if (SYNTAX.has(c) || (c === '#' && word === undefined)) {
      return undefined
    } else {
      add(c)
    }
  }
  if (quote) return undefined
  if (word !== undefined) words.push(word)
  return words
}

/**
 * The kubeconfig the command pod's kubectl uses: the cluster's, with the context's namespace
 * `default` (which namespace the real command pod's kubectl defaults to is not documented; not
 * `azureml`, so a command that forgets `--namespace` sees nothing of the extension).
 */
export function commandKubeconfig(kubeconfigYaml: string): string {
  return kubeconfigYaml.replace(/^(\s+namespace:).*$/m, '$1 default')
}

/** Runs commands with kubectl against one cluster's API server; `stop` kills those running. */
export class CommandPod {
  private readonly running = new Set<ChildProcess>()
  private readonly env: NodeJS.ProcessEnv

  constructor(kubeconfigYaml: string, dir: string) {
    mkdirSync(dir, { recursive: true })
    const kubeconfig = join(dir, 'kubeconfig')
    writeFileSync(kubeconfig, commandKubeconfig(kubeconfigYaml), { mode: 0o600 })
    this.env = {
      PATH: process.env.PATH,
      HOME: dir,
      KUBECONFIG: kubeconfig,
      KUBECACHEDIR: join(dir, 'cache')
    }
  }

  /** `token`: the bearer token kubectl sends instead of the kubeconfig's local account. */
  run(command: string, token?: string): Promise<ExecResult> {
    const words = shellWords(command)
    if (words === undefined) {
      return Promise.resolve({
        exitCode: 2,
        logs: 'sandbox: the command pod runs one plain kubectl command (no pipes, redirection, substitution or comments).\n'
      })
    }
    if (words[0] !== 'kubectl') {
      const name = words[0] ?? ''
      return Promise.resolve({ exitCode: 127, logs: `sh: 1: ${name}: not found\n` })
    }
    return this.kubectl([...(token ? [`--token=${token}`] : []), ...words.slice(1)])
  }

  private kubectl(args: string[]): Promise<ExecResult> {
    return new Promise(resolve => {
      const options = { env: this.env, timeout: 60_000, maxBuffer: 256 * 1024 * 1024 }
      const child = execFile('kubectl', args, options, (err, stdout, stderr) => {
        this.running.delete(child)
        // No kubectl on the machine: answered as the shell would, loudly enough for any test.
        if ((err as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
          return resolve({
            exitCode: 127,
            logs: 'sh: 1: kubectl: not found (sandbox: install kubectl)\n'
          })
        }
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
        resolve({ exitCode: code, logs: `${stdout}${stderr}` })
      })
      this.running.add(child)
    })
  }

  stop(): void {
    for (const child of this.running) child.kill()
    this.running.clear()
  }
}
