/** Permissions (issue 9 §7): what the identity may do, read before the first write. */
import { readFileSync } from 'node:fs'
import {
  covers,
  describeShortfalls,
  missingActions,
  neededPermissions,
  RELAY_ACTIONS,
  shortfalls
} from '../src/azure/permissions.js'
import type { AccessRequest, Permission } from '../src/azure/permissions.js'
import { actionFor } from '../sandbox/arm/permissions.js'
import { armFetch, extensionsPath } from './sandbox-arm-helpers.js'
import { runIn, startWorld, worldInputs, writes } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'
import { visibleLog } from './helpers/action.js'

const EXT = 'Microsoft.KubernetesConfiguration/extensions'
const LIST_KEYS = 'Microsoft.Relay/namespaces/hybridConnections/authorizationRules/listKeys/action'

// Built-in roles as Azure defines them (the parts that matter here).
const READER: Permission = { actions: ['*/read'] }
const CONTRIBUTOR: Permission = {
  actions: ['*'],
  notActions: ['Microsoft.Authorization/*/Delete', 'Microsoft.Authorization/*/Write']
}
const EXTENSION_CONTRIBUTOR: Permission = {
  actions: [
    'Microsoft.Authorization/*/read',
    'Microsoft.Resources/subscriptions/resourceGroups/read',
    `${EXT}/write`,
    `${EXT}/read`,
    `${EXT}/delete`,
    `${EXT}/operations/read`
  ]
}
/** docs/custom-role.json, the minimal custom role the README offers. */
const CUSTOM_ROLE = JSON.parse(
  readFileSync(new URL('../docs/custom-role.json', import.meta.url), 'utf8')
) as { Actions: string[]; NotActions: string[] }

const RELAY_OWNER: Permission = {
  actions: ['Microsoft.Relay/*'],
  dataActions: ['Microsoft.Relay/*']
}

describe('covers: * is any run of characters, case ignored', () => {
  test.each([
    ['*', 'Microsoft.Relay/namespaces/write', true],
    ['*/read', 'Microsoft.Relay/namespaces/hybridConnections/read', true],
    ['*/read', 'Microsoft.Relay/namespaces/write', false],
    ['Microsoft.Relay/*', 'Microsoft.Relay/namespaces/write', true],
    ['Microsoft.Relay/*', 'Microsoft.RelayX/namespaces/write', false],
    ['Microsoft.KubernetesConfiguration/*', `${EXT}/operations/read`, true],
    ['microsoft.kubernetesconfiguration/EXTENSIONS/write', `${EXT}/write`, true],
    ['Microsoft.Relay/*/write', 'Microsoft.Relay/namespaces/hybridConnections/write', true],
    [
      'Microsoft.Relay/namespaces/write',
      'Microsoft.Relay/namespaces/hybridConnections/write',
      false
    ],
    [`${EXT}/write`, `${EXT}/writeX`, false],
    ['Microsoft.Relay/namespaces.write', 'Microsoft.Relay/namespacesXwrite', false]
  ])('%s covers %s: %s', (pattern, action, expected) => {
    expect(covers(pattern, action)).toBe(expected)
  })
})

describe('missingActions', () => {
  const needed = [`${EXT}/write`, 'Microsoft.Relay/namespaces/write', LIST_KEYS]
  test.each<[string, Permission[], string[]]>([
    ['nothing granted', [], needed],
    ['Owner-like *', [{ actions: ['*'] }], []],
    ['Reader grants no write', [READER], needed],
    ['Contributor', [CONTRIBUTOR], []],
    ['Extension Contributor alone', [EXTENSION_CONTRIBUTOR], needed.slice(1)],
    ['Extension Contributor + Relay Owner', [EXTENSION_CONTRIBUTOR, RELAY_OWNER], []],
    [
      'notActions subtract',
      [{ actions: ['*'], notActions: ['Microsoft.Relay/*/action'] }],
      [LIST_KEYS]
    ],
    [
      'notActions subtract by wildcard in the middle',
      [{ actions: ['*'], notActions: ['Microsoft.Relay/*/write'] }],
      ['Microsoft.Relay/namespaces/write']
    ],
    [
      'notActions never take away what another role grants',
      [{ actions: ['*'], notActions: ['Microsoft.Relay/*'] }, RELAY_OWNER],
      []
    ],
    ['dataActions grant no action', [{ actions: [], dataActions: ['*'] }], needed],
    ['a missing actions list grants nothing', [{ notActions: [] }], needed]
  ])('%s', (_, granted, missing) => {
    expect(missingActions(granted, needed)).toEqual(missing)
  })
})

describe('neededPermissions', () => {
  const base: AccessRequest = {
    mode: 'apply',
    subscriptionId: 'sub',
    cluster: {
      id: '/subscriptions/sub/resourceGroups/rg/providers/P/t/c',
      name: 'c',
      resourceGroup: 'rg'
    },
    relay: false,
    toRegister: []
  }
  const summary = (r: AccessRequest) =>
    neededPermissions(r).map(n => [n.scope, n.actions.length, n.role])

  test.each<[string, Partial<AccessRequest>, unknown[]]>([
    [
      'apply without Relay: the extension at the cluster',
      {},
      [[base.cluster.id, 3, 'Kubernetes Extension Contributor']]
    ],
    [
      'apply with Relay: and Relay at the resource group',
      { relay: true },
      [
        [base.cluster.id, 3, 'Kubernetes Extension Contributor'],
        [
          '/subscriptions/sub/resourceGroups/rg',
          RELAY_ACTIONS.length,
          'Azure Relay Owner (or Contributor)'
        ]
      ]
    ],
    [
      'apply with a provider to register: its register action at the subscription',
      { toRegister: ['Microsoft.KubernetesConfiguration'] },
      [
        [base.cluster.id, 3, 'Kubernetes Extension Contributor'],
        ['/subscriptions/sub', 1, 'Contributor']
      ]
    ],
    [
      'delete: the extension only, never Relay or registration',
      { mode: 'delete', relay: true, toRegister: ['Microsoft.Relay'] },
      [[base.cluster.id, 3, 'Kubernetes Extension Contributor']]
    ]
  ])('%s', (_, change, expected) => {
    expect(summary({ ...base, ...change })).toEqual(expected)
  })

  test('delete needs the delete action, apply the write action', () => {
    expect(neededPermissions({ ...base, mode: 'delete' })[0]!.actions).toContain(`${EXT}/delete`)
    expect(neededPermissions(base)[0]!.actions).toContain(`${EXT}/write`)
    expect(neededPermissions(base)[0]!.actions).not.toContain(`${EXT}/delete`)
  })

  test('docs/custom-role.json grants everything any mode checks for', () => {
    const role = { actions: CUSTOM_ROLE.Actions, notActions: CUSTOM_ROLE.NotActions }
    const all = {
      ...base,
      relay: true,
      toRegister: ['Microsoft.KubernetesConfiguration', 'Microsoft.Relay']
    }
    for (const mode of ['apply', 'delete'] as const) {
      for (const need of neededPermissions({ ...all, mode }))
        expect(missingActions([role], need.actions)).toEqual([])
    }
  })

  test('shortfalls name each action, scope and role; an unread scope says nothing', () => {
    const needs = neededPermissions({ ...base, relay: true, toRegister: ['Microsoft.Relay'] })
    const granted = new Map<string, Permission[]>([
      [base.cluster.id, [READER, EXTENSION_CONTRIBUTOR]],
      ['/subscriptions/sub/resourceGroups/rg', [READER, EXTENSION_CONTRIBUTOR]]
    ])
    const found = shortfalls(granted, needs)
    expect(found.map(s => s.need.scope)).toEqual(['/subscriptions/sub/resourceGroups/rg'])
    const message = describeShortfalls(found)
    for (const a of RELAY_ACTIONS.filter(a => !a.endsWith('/read'))) expect(message).toContain(a)
    expect(message).toContain('resource group rg (/subscriptions/sub/resourceGroups/rg)')
    expect(message).toContain('Azure Relay Owner')
    expect(message).toContain('nothing was written')
  })
})

describe('actionFor (the sandbox)', () => {
  const rg = '/subscriptions/s/resourceGroups/rg'
  const cluster = `${rg}/providers/Microsoft.Kubernetes/connectedClusters/c`
  const rule = `${rg}/providers/Microsoft.Relay/namespaces/n/hybridConnections/h/authorizationRules/r`
  test.each([
    ['GET', cluster, 'Microsoft.Kubernetes/connectedClusters/read'],
    ['PUT', `${cluster}/providers/${EXT}/x`, `${EXT}/write`],
    ['PATCH', `${cluster}/providers/${EXT}/x`, `${EXT}/write`],
    ['DELETE', `${cluster}/providers/${EXT}/x`, `${EXT}/delete`],
    ['GET', `${cluster}/providers/${EXT}`, `${EXT}/read`],
    ['GET', `${cluster}/providers/${EXT}/x/operations/o`, `${EXT}/operations/read`],
    [
      'POST',
      `${rule}/listKeys`,
      'Microsoft.Relay/namespaces/hybridConnections/authorizationRules/listKeys/action'
    ],
    [
      'POST',
      '/subscriptions/s/providers/Microsoft.Relay/register',
      'Microsoft.Relay/register/action'
    ],
    ['GET', '/subscriptions/s/providers/Microsoft.Relay', undefined],
    ['GET', `${cluster}/providers/Microsoft.Authorization/permissions`, undefined]
  ])('%s %s → %s', (method, path, action) => {
    expect(actionFor(method, path)).toBe(action)
  })
})

describe('end to end', () => {
  let world: AzureWorld
  beforeEach(async () => {
    world = await startWorld()
  })
  afterEach(async () => {
    await world.stop()
  })
  const rgScope = () => `/subscriptions/${world.subscriptionId}/resourceGroups/rg-ml`
  const permissionReads = () =>
    world.arm.requests.filter(r => r.path.endsWith('/Microsoft.Authorization/permissions'))
  /** The identity holds exactly these roles on the cluster's resource group. */
  const only = (...roles: Permission[]) => {
    world.arm.permissions.set('/', [])
    world.arm.permissions.set(
      rgScope(),
      roles.map(r => ({ actions: r.actions ?? [], ...r }))
    )
  }

  describe('the sandbox', () => {
    test('serves the identity its permissions per scope: everything by default', async () => {
      const res = await armFetch(
        world,
        'GET',
        `${extensionsPath(world.arc).split('/providers/Microsoft.KubernetesConfiguration')[0]}/providers/Microsoft.Authorization/permissions`,
        undefined,
        '2022-04-01'
      )
      expect(res.json).toEqual({
        value: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }],
        nextLink: null
      })
    })

    test('refuses a write the identity may not do (403), and can refuse the permissions read', async () => {
      only(READER)
      const ns = `${rgScope()}/providers/Microsoft.Relay/namespaces/n`
      const put = await armFetch(world, 'PUT', ns, { location: 'eastus' }, '2017-04-01')
      expect(put).toMatchObject({
        status: 403,
        json: {
          error: {
            code: 'AuthorizationFailed',
            message: expect.stringContaining("'Microsoft.Relay/namespaces/write'")
          }
        }
      })
      expect(world.arm.relay.resources.size).toBe(0)
      const read = () =>
        armFetch(
          world,
          'GET',
          `${rgScope()}/providers/Microsoft.Authorization/permissions`,
          undefined,
          '2022-04-01'
        )
      expect((await read()).json).toMatchObject({ value: [{ actions: ['*/read'] }] })
      world.arm.permissions.refuseRead()
      expect(await read()).toMatchObject({
        status: 403,
        json: { error: { code: 'AuthorizationFailed' } }
      })
    })
  })

  test.each<[string, Permission[], string[]]>([
    [
      'no Relay role at all',
      [READER, EXTENSION_CONTRIBUTOR],
      [
        'Microsoft.Relay/namespaces/write',
        'Microsoft.Relay/namespaces/hybridConnections/write',
        'Microsoft.Relay/namespaces/hybridConnections/authorizationRules/write',
        LIST_KEYS
      ]
    ],
    [
      // Without the check this run made the namespace, hybrid connection and rule, then failed.
      'a Relay role without listKeys',
      [READER, EXTENSION_CONTRIBUTOR, { actions: ['Microsoft.Relay/*'], notActions: [LIST_KEYS] }],
      [LIST_KEYS]
    ]
  ])(
    'Arc, %s: refused before ANY write, naming each missing action and a role',
    async (_, roles, missing) => {
      only(...roles)
      const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
      expect(run.failed).toBe(true)
      expect(writes(world)).toEqual([])
      expect(world.arm.relay.resources.size).toBe(0)
      const log = visibleLog(run)
      expect(log).toContain(`resource group rg-ml (${rgScope()})`)
      for (const action of missing) expect(log).toContain(action)
      expect(log).toContain('Azure Relay Owner')
      expect(log).toContain('nothing was written')
    }
  )

  test('Arc with the documented roles (Reader, Kubernetes Extension Contributor, Azure Relay Owner) succeeds', async () => {
    only(READER, EXTENSION_CONTRIBUTOR, RELAY_OWNER)
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({ 'provisioning-state': 'Succeeded' })
  })

  test('the custom role alone, at the subscription: registers, creates the Relay and the extension, deletes', async () => {
    world.arm.permissions.set('/', [])
    world.arm.permissions.set(`/subscriptions/${world.subscriptionId}`, [
      { actions: CUSTOM_ROLE.Actions, notActions: CUSTOM_ROLE.NotActions }
    ])
    world.arm.providers.set('Microsoft.KubernetesConfiguration', 'NotRegistered')
    world.arm.providers.set('Microsoft.Relay', 'NotRegistered')
    const apply = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(apply.errors).toEqual([])
    expect(world.arm.relay.resources.size).toBeGreaterThan(0)
    const del = await runIn(world, { ...worldInputs(world), mode: 'delete' })
    expect(del.errors).toEqual([])
    expect(del.outputs).toMatchObject({ 'provisioning-state': 'Deleted' })
  })

  test('a permissions read that is refused: the run goes on, succeeds, and says so in the debug log', async () => {
    world.arm.permissions.refuseRead()
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({ 'provisioning-state': 'Succeeded', changed: 'true' })
    expect(run.stdout).toMatch(
      /^::debug::The identity's permissions at \/subscriptions\/.+ could not be read \(403 AuthorizationFailed\); going on/m
    )
  })

  test('delete without the delete action is refused before the DELETE', async () => {
    await runIn(world, { ...worldInputs(world), scenario: 'training' })
    const noDelete = {
      actions: (EXTENSION_CONTRIBUTOR.actions ?? []).filter(a => !a.endsWith('/delete'))
    }
    only(READER, noDelete)
    const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
    expect(run.failed).toBe(true)
    expect(world.arm.requests.filter(r => r.method === 'DELETE')).toEqual([])
    const log = visibleLog(run)
    expect(log).toContain(`${EXT}/delete`)
    expect(log).toContain('Kubernetes Extension Contributor')
  })

  test('delete needs no Relay role', async () => {
    await runIn(world, { ...worldInputs(world), scenario: 'training' })
    only(READER, EXTENSION_CONTRIBUTOR)
    const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({ 'provisioning-state': 'Deleted' })
  })

  test.each(['verify', 'drift'])('%s reads no permissions and needs no write role', async mode => {
    await runIn(world, { ...worldInputs(world), scenario: 'training' })
    const before = permissionReads().length
    only(READER)
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training', mode })
    expect(run.errors).toEqual([])
    expect(permissionReads().length).toBe(before)
  })
})
