import type { Arm } from './arm.js'
import { ArmError } from './arm.js'
import { registerCommand } from './providers.js'

/** One role's permissions, as `Microsoft.Authorization/permissions` lists them. */
export interface Permission {
  actions?: string[]
  notActions?: string[]
  dataActions?: string[]
  notDataActions?: string[]
}

/** Actions to hold at one scope, and a built-in role that grants them there. */
export interface Need {
  scope: string
  /** The scope as a person names it: `cluster x`, `resource group y`, `subscription z`. */
  where: string
  actions: string[]
  role: string
  /** Another way out, e.g. the command an administrator runs instead. */
  instead?: string
}

const EXT = 'Microsoft.KubernetesConfiguration/extensions'
const NS = 'Microsoft.Relay/namespaces'

/** What the Extension phase sends per mode: read, write or delete, and the operation polls. */
export const EXTENSION_ACTIONS = {
  apply: [`${EXT}/read`, `${EXT}/write`, `${EXT}/operations/read`],
  delete: [`${EXT}/read`, `${EXT}/delete`, `${EXT}/operations/read`]
}

/** What finding or creating the Relay sends, as az k8s-extension does (spec §3.5). */
export const RELAY_ACTIONS = [
  `${NS}/read`,
  `${NS}/write`,
  `${NS}/operationresults/read`,
  `${NS}/hybridConnections/read`,
  `${NS}/hybridConnections/write`,
  `${NS}/hybridConnections/authorizationRules/write`,
  `${NS}/hybridConnections/authorizationRules/listKeys/action`
]

export const ROLES = {
  extension: 'Kubernetes Extension Contributor',
  // Azure Relay Owner grants Microsoft.Relay/* (data plane too); Contributor grants it as well.
  relay: 'Azure Relay Owner (or Contributor)',
  register: 'Contributor'
}

/** Whether an RBAC action pattern covers an action: `*` is any run of characters; case ignored. */
export function covers(pattern: string, action: string): boolean {
  const parts = pattern.split('*').map(p => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`^${parts.join('.*')}$`, 'i').test(action)
}

/**
 * The needed actions that no permission grants. A permission (one role) grants an action when one
 * of its actions covers it and none of its notActions does: notActions take away only from the
 * role they belong to, never from another. Pure.
 */
export function missingActions(
  granted: readonly Permission[],
  needed: readonly string[]
): string[] {
  const grants = (p: Permission, action: string): boolean =>
    (p.actions ?? []).some(a => covers(a, action)) &&
    !(p.notActions ?? []).some(n => covers(n, action))
  return needed.filter(action => !granted.some(p => grants(p, action)))
}

export interface AccessRequest {
  mode: 'apply' | 'delete'
  subscriptionId: string
  cluster: { id: string; name: string; resourceGroup: string }
  /** Whether apply finds or creates an Azure Relay in the cluster's resource group. */
  relay: boolean
  /** Providers this run must register before writing (apply only). */
  toRegister: readonly string[]
}

/** What a run must be allowed, scope by scope, before its first write. Pure. */
export function neededPermissions(r: AccessRequest): Need[] {
  const sub = `/subscriptions/${r.subscriptionId}`
  const extension: Need = {
    scope: r.cluster.id,
    where: `cluster ${r.cluster.name}`,
    actions: EXTENSION_ACTIONS[r.mode],
    role: ROLES.extension
  }
  if (r.mode === 'delete') return [extension]
  const rg = r.cluster.resourceGroup
  const relay: Need[] = r.relay
    ? [
        {
          scope: `${sub}/resourceGroups/${rg}`,
          where: `resource group ${rg}`,
          actions: RELAY_ACTIONS,
          role: ROLES.relay
        }
      ]
    : []
  const register = r.toRegister.map(ns => ({
    scope: sub,
    where: `subscription ${r.subscriptionId}`,
    actions: [`${ns}/register/action`],
    role: ROLES.register,
    instead: `or an administrator registers it once: ${registerCommand(ns, r.subscriptionId)}`
  }))
  return [extension, ...relay, ...register]
}

export interface Shortfall {
  need: Need
  missing: string[]
}

/** Each need whose scope was read and which lacks an action; unread scopes say nothing. Pure. */
export function shortfalls(
  granted: ReadonlyMap<string, readonly Permission[]>,
  needs: readonly Need[]
): Shortfall[] {
  return needs.flatMap(need => {
    const perms = granted.get(need.scope)
    const missing = perms ? missingActions(perms, need.actions) : []
    return missing.length > 0 ? [{ need, missing }] : []
  })
}

/** One message for every shortfall: the actions, the scope, the role. Pure. */
export function describeShortfalls(list: readonly Shortfall[]): string {
  const parts = list.map(
    ({ need, missing }) =>
      `On ${need.where} (${need.scope}) it lacks ${missing.join(', ')}: assign ${need.role} there${need.instead ? `, ${need.instead}` : ''}.`
  )
  return [
    'This identity may not do everything this run needs, so nothing was written.',
    ...parts,
    'The README (Permissions) lists the role assignments; docs/custom-role.json is a minimal custom role.'
  ].join(' ')
}

const API = '2022-04-01'

/**
 * The identity's permissions at each scope. A scope whose read is refused (or paged, which the
 * check does not follow) is left out with a debug line: the run goes on unchecked there.
 */
export async function readPermissions(
  arm: Arm,
  scopes: readonly string[],
  debug: (line: string) => void
): Promise<Map<string, Permission[]>> {
  const read = new Map<string, Permission[]>()
  await Promise.all(
    [...new Set(scopes)].map(async scope => {
      try {
        const page = await arm.request<{ value?: Permission[]; nextLink?: string | null }>(
          'GET',
          `${scope}/providers/Microsoft.Authorization/permissions`,
          API
        )
        if (page.nextLink) throw new Error('the answer has more than one page')
        read.set(scope, page.value ?? [])
      } catch (err) {
        const why =
          err instanceof ArmError ? `${err.statusCode} ${err.code}` : (err as Error).message
        debug(
          `The identity's permissions at ${scope} could not be read (${why}); going on without checking them there: a missing role would show as AuthorizationFailed on a write.`
        )
      }
    })
  )
  return read
}
