import type { SandboxRequest } from '../http.js'
import { ArmError } from './errors.js'
import type { Params, Router } from './router.js'
import type { Scopes } from './scope.js'

/** One role's permissions as `Microsoft.Authorization/permissions` lists them. */
export interface RolePermission {
  actions: string[]
  notActions?: string[]
  dataActions?: string[]
  notDataActions?: string[]
}

const PERMISSIONS = 'providers/Microsoft.Authorization/permissions'
const READ_PERMISSIONS = 'Microsoft.Authorization/permissions/read'

/** `*` is any run of characters, slashes too (Reader's `*` + `/read`); case is ignored. */
function covers(pattern: string, action: string): boolean {
  const parts = pattern.split('*').map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.*')}$`, 'i').test(action)
}

function grants(p: RolePermission, action: string): boolean {
  return (
    p.actions.some(a => covers(a, action)) && !(p.notActions ?? []).some(n => covers(n, action))
  )
}

/** The scope a permissions read names, from its path parameters. */
function scopeOf(p: Params): string {
  const group = p.rg ? `/resourceGroups/${p.rg}` : ''
  const resource = p.name ? `/providers/${p.rp}/${p.type}/${p.name}` : ''
  return `/subscriptions/${p.sub}${group}${resource}`
}

/** Whether an assignment at `scope` reaches `path` (the scope itself or anything under it). */
function reaches(scope: string, path: string): boolean {
  const s = scope.toLowerCase().replace(/\/$/, '')
  const p = path.toLowerCase()
  return s === '' || p === s || p.startsWith(`${s}/`)
}

/**
 * The action ARM checks a request against: `{namespace}/{types…}/{read|write|delete}`, or
 * `{namespace}/{types…}/{name}/action` for a POST. Undefined for what the sandbox leaves open
 * (provider reads, the permissions read itself, paths outside resource groups).
 */
export function actionFor(method: string, path: string): string | undefined {
  const register = /^\/subscriptions\/[^/]+\/providers\/[^/]+\/register$/i.test(path)
  if (!register && !/\/resourceGroups\//i.test(path)) return undefined
  const at = path.toLowerCase().lastIndexOf('/providers/')
  if (at < 0) return undefined
  const [namespace, ...rest] = path.slice(at + '/providers/'.length).split('/')
  // After the namespace, type and name alternate; a POST's last segment names the action.
  const types = rest.filter((_, i) => i % 2 === 0)
  const verb = { GET: 'read', PUT: 'write', PATCH: 'write', DELETE: 'delete', POST: 'action' }[
    method
  ]
  const action = verb && [namespace, ...types, verb].join('/')
  return action?.toLowerCase() === READ_PERMISSIONS.toLowerCase() ? undefined : action
}

/**
 * The sandbox identity's role assignments (permissions per scope) and ARM's authorization check.
 * By default it holds `*` at the root scope `/`, as an Owner would: every existing test runs with
 * the check on. Tests take that away with `set('/', [])` and grant narrower roles per scope.
 */
export class Permissions {
  private readonly byScope = new Map<string, { scope: string; roles: RolePermission[] }>([
    ['/', { scope: '/', roles: [{ actions: ['*'] }] }]
  ])
  private readRefused = false

  constructor(
    private readonly scopes: Scopes,
    /** Named in ARM's 403, as the client and object id. */
    private readonly principal: string
  ) {}

  /** The roles assigned at `scope`, replacing those assigned there before. */
  set(scope: string, roles: RolePermission[]): void {
    this.byScope.set(scope.toLowerCase().replace(/(.)\/$/, '$1'), { scope, roles })
  }

  /** Refuse (403) reading `Microsoft.Authorization/permissions`, as ARM may for an identity. */
  refuseRead(refused = true): void {
    this.readRefused = refused
  }

  /** Every role that reaches `path`: assigned there or at any scope above it. */
  effective(path: string): RolePermission[] {
    return [...this.byScope.values()].filter(a => reaches(a.scope, path)).flatMap(a => a.roles)
  }

  allows(path: string, action: string): boolean {
    return this.effective(path).some(p => grants(p, action))
  }

  /** Whether the roles reaching `path` grant a data action (Azure RBAC for Kubernetes). */
  allowsData(path: string, action: string): boolean {
    return this.effective(path).some(
      p =>
        (p.dataActions ?? []).some(a => covers(a, action)) &&
        !(p.notDataActions ?? []).some(n => covers(n, action))
    )
  }

  /** ARM's 403 AuthorizationFailed when the identity may not do what the request asks. */
  authorize(req: SandboxRequest): void {
    const action = actionFor(req.method, req.path)
    if (!action || this.allows(req.path, action)) return
    throw this.denied(action, req.path)
  }

  private denied(action: string, scope: string): ArmError {
    return new ArmError(
      403,
      'AuthorizationFailed',
      `The client '${this.principal}' with object id '${this.principal}' does not have authorization ` +
        `to perform action '${action}' over scope '${scope}' or the scope is invalid. ` +
        'If access was recently granted, please refresh your credentials.'
    )
  }

  private list(p: Params) {
    if (p.rg) this.scopes.requireResourceGroup(p.sub!, p.rg)
    else this.scopes.requireSubscription(p.sub!)
    const scope = scopeOf(p)
    if (this.readRefused) throw this.denied(READ_PERMISSIONS, scope)
    const value = this.effective(scope).map(r => ({
      actions: r.actions,
      notActions: r.notActions ?? [],
      dataActions: r.dataActions ?? [],
      notDataActions: r.notDataActions ?? []
    }))
    return { status: 200, body: { value, nextLink: null } }
  }

  /** `{scope}/providers/Microsoft.Authorization/permissions` at subscription, group, resource. */
  routes(router: Router): void {
    const list = (p: Params) => this.list(p)
    const group = '/subscriptions/{sub}/resourceGroups/{rg}'
    router.on('GET', `/subscriptions/{sub}/${PERMISSIONS}`, list)
    router.on('GET', `${group}/${PERMISSIONS}`, list)
    router.on('GET', `${group}/providers/{rp}/{type}/{name}/${PERMISSIONS}`, list)
  }
}
