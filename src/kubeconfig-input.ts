/**
 * The `kubeconfig` input read in the Inputs phase: its text (or its file's), checked by
 * kubeconfig-check.ts, and the token files its users name, whose text is a credential to mask.
 * Opening the cluster with @kubernetes/client-node waits until after sign-in (modes/reach.ts).
 */
import { readFileSync } from 'node:fs'
import { checkKubeconfig, isKubeconfigText } from './kubeconfig-check.js'

/** A kubeconfig read and found usable: its text, and how a message names it. */
export interface KubeconfigSource {
  text: string
  what: string
}

export interface KubeconfigRead {
  /** Set when nothing is wrong. */
  source?: KubeconfigSource
  problems: string[]
  /** Every credential found, problems or not. */
  secrets: string[]
}

/** What every kubeconfig problem's fix says, in the Inputs phase and in Preflight. */
export const KUBECONFIG_FIX =
  'Give kubeconfig text (from a secret) or the path of a kubeconfig file on the runner, with a current-context whose cluster and user it holds (kubectl config view --minify --flatten prints one), or leave it empty to skip the cluster checks.'

export function readKubeconfigInput(input: string): KubeconfigRead {
  const isText = isKubeconfigText(input)
  const what = isText ? 'the kubeconfig text' : input.trim()
  let text: string
  try {
    text = isText ? input : readKubeconfigText(what)
  } catch (err) {
    return { problems: [(err as Error).message], secrets: [] }
  }
  const check = checkKubeconfig(text, what)
  const problems = [...check.problems]
  const secrets = [...check.secrets]
  for (const { user, path } of check.tokenFiles) {
    try {
      secrets.push(readFileSync(path, 'utf8').trim())
    } catch (err) {
      problems.push(`${user}.user.token-file ${path} cannot be read (${code(err)})`)
    }
  }
  return { source: problems.length === 0 ? { text, what } : undefined, problems, secrets }
}

/** A kubeconfig file's text; the error names the path and why, never the content. */
function readKubeconfigText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (err) {
    throw new Error(`${path} cannot be read (${code(err)})`)
  }
}

const code = (err: unknown) => (err as NodeJS.ErrnoException).code ?? 'error'
