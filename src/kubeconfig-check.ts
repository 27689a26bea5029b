/**
 * The Inputs phase's check of a kubeconfig, without @kubernetes/client-node (most of the bundle,
 * loaded only once the run has signed in): the structure client-node's loader requires
 * (config_types.js newClusters/newUsers/newContexts), and what it needs to reach a cluster: a
 * current-context naming a context, its cluster with a server, and its user. Pure: no I/O.
 */
import { YAMLException, load } from 'js-yaml'

export interface KubeconfigCheck {
  /** What is wrong, in words that quote no credential; empty when client-node can use it. */
  problems: string[]
  /** The credentials it holds, to mask: found even when something else is wrong. */
  secrets: string[]
  /** The token files its users name (client-node reads each while loading): credentials too. */
  tokenFiles: { user: string; path: string }[]
}

/** Whether the `kubeconfig` input is the text of a kubeconfig rather than the path of a file. */
export function isKubeconfigText(input: string): boolean {
  return /\n|^\s*apiVersion:|^\s*\{/.test(input)
}

type Mapping = Record<string, unknown>
const isMapping = (v: unknown): v is Mapping =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const NOTHING: KubeconfigCheck = { problems: [], secrets: [], tokenFiles: [] }

/** Parses `text` and checks it; `what` names it in a problem ("the kubeconfig text", a path). */
export function checkKubeconfig(text: string, what: string): KubeconfigCheck {
  const invalid = (why: string) => ({
    ...NOTHING,
    problems: [`${what} is not a valid kubeconfig (${why})`]
  })
  if (text.trim() === '') return invalid('it is empty')
  let doc: unknown
  try {
    doc = load(text)
  } catch (err) {
    // The parser's message quotes the text around the error, and a kubeconfig holds credentials.
    const mark = err instanceof YAMLException ? err.mark : undefined
    return invalid(
      mark ? `YAML error at line ${mark.line + 1}, column ${mark.column + 1}` : 'YAML error'
    )
  }
  if (!isMapping(doc)) return invalid('not a mapping of clusters, contexts and users')
  const users = listOf(doc, 'users').items
  const broken = [
    ...structure(doc, 'clusters', ['cluster', 'cluster.server']),
    ...structure(doc, 'contexts', ['context', 'context.cluster']),
    ...structure(doc, 'users', [])
  ]
  // An entry client-node cannot load would also show as missing below: say it once.
  const problems = broken.length > 0 ? broken : current(doc)
  return {
    problems:
      problems.length > 0 ? [`${what} is not a valid kubeconfig (${problems.join('; ')})`] : [],
    secrets: users.flatMap(u => (isMapping(u) && isMapping(u.user) ? userSecrets(u.user) : [])),
    tokenFiles: users.flatMap((u, i) => {
      const path = isMapping(u) && isMapping(u.user) ? u.user['token-file'] : undefined
      return typeof path === 'string' && path !== '' ? [{ user: `users[${i}]`, path }] : []
    })
  }
}

/** A top-level list: client-node reads anything else as empty, which can only fail later. */
function listOf(doc: Mapping, key: string): { items: unknown[]; problems: string[] } {
  const v = doc[key]
  if (v === undefined || v === null) return { items: [], problems: [] }
  if (Array.isArray(v)) return { items: v, problems: [] }
  return { items: [], problems: [`${key} is not a list`] }
}

/** Each entry's name and the `required` fields client-node throws on (it tests truthiness). */
function structure(doc: Mapping, key: string, required: string[]): string[] {
  const { items, problems } = listOf(doc, key)
  return problems.concat(
    items.flatMap((item, i) => {
      const at = `${key}[${i}]`
      if (!isMapping(item)) return [`${at} is not a mapping`]
      const missing = ['name', ...required].find(path => !field(item, path))
      if (missing) return [`${at}.${missing} is missing`]
      if (key === 'clusters' && typeof field(item, 'cluster.server') !== 'string') {
        return [`${at}.cluster.server is not a string`]
      }
      return []
    })
  )
}

function field(m: Mapping, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (isMapping(v) ? v[k] : undefined), m)
}

/** What client-node reaches the cluster with: the current context, its cluster and its user. */
function current(doc: Mapping): string[] {
  const name = doc['current-context']
  if (typeof name !== 'string' || name === '') return ['current-context is missing']
  const named = (key: string, n: unknown) =>
    listOf(doc, key).items.find((e): e is Mapping => isMapping(e) && e.name === n)
  const context = named('contexts', name)
  if (!context) return [`current-context ${JSON.stringify(name)} names no entry of contexts`]
  const problems: string[] = []
  const clusterName = field(context, 'context.cluster')
  const cluster = named('clusters', clusterName)
  if (clusterName && !cluster) {
    problems.push(
      `context ${JSON.stringify(name)} names cluster ${JSON.stringify(clusterName)}, which clusters does not hold`
    )
  }
  const server = cluster && field(cluster, 'cluster.server')
  if (typeof server === 'string' && !/^https?:\/\/[^/]/i.test(server)) {
    problems.push(
      `the server of cluster ${JSON.stringify(clusterName)} is not an https:// (or http://) URL`
    )
  }
  const userName = field(context, 'context.user')
  const user = userName ? named('users', userName) : undefined
  if (userName && !user) {
    problems.push(
      `context ${JSON.stringify(name)} names user ${JSON.stringify(userName)}, which users does not hold`
    )
  }
  const exec = user && field(user, 'user.exec')
  if (
    exec !== undefined &&
    exec !== null &&
    !(isMapping(exec) && typeof exec.command === 'string' && exec.command !== '')
  ) {
    problems.push(`user ${JSON.stringify(userName)} has an exec plugin without a command`)
  }
  return problems
}

/** Names whose value is a credential (kubelogin --client-secret, an oidc id-token, …). */
const SECRET_KEY = /secret|token|password|passwd|key|credential/i
/** …unless it names a file or folder: a path is no secret, and masking one hides it everywhere. */
const PATH_KEY = /(file|dir|path)$/i
const secretKey = (k: string) => SECRET_KEY.test(k) && !PATH_KEY.test(k)

/**
 * A user's credentials: token, password, client key and certificate, exec env values and secret
 * flags, auth-provider secrets. YAML reads an all-digit password as a number: masked as text too.
 */
function userSecrets(user: Mapping): string[] {
  const values: unknown[] = [
    user.token,
    user.password,
    user['client-key-data'],
    user['client-certificate-data']
  ]
  const exec = user.exec
  if (isMapping(exec)) {
    if (Array.isArray(exec.env))
      values.push(...exec.env.map(e => (isMapping(e) ? e.value : undefined)))
    if (Array.isArray(exec.args)) values.push(...flagValues(exec.args))
  }
  const provider = user['auth-provider']
  const config = isMapping(provider) ? provider.config : undefined
  if (isMapping(config)) {
    values.push(
      ...Object.entries(config)
        .filter(([k]) => secretKey(k))
        .map(([, v]) => v)
    )
  }
  return values
    .map(v => (typeof v === 'number' ? String(v) : v))
    .filter((v): v is string => typeof v === 'string' && v !== '')
}

/** The values of secret-named flags: `--client-secret=x` and `--client-secret x`. */
function flagValues(args: unknown[]): unknown[] {
  return args.flatMap((arg, i) => {
    if (typeof arg !== 'string' || !arg.startsWith('-')) return []
    const [flag, inline] = arg.split(/=(.*)/s)
    if (!secretKey(flag!)) return []
    return inline !== undefined ? [inline] : [args[i + 1]]
  })
}
