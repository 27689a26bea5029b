/** The disruptive-update guard, end to end: refused without the flag (nothing written), applied with it. */
import { runIn, startWorld, worldInputs, writes } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'
import { visibleLog } from './helpers/action.js'

let world: AzureWorld
beforeAll(async () => {
  world = await startWorld()
})
afterAll(async () => {
  await world.stop()
})

const HTTP = { scenario: 'training-and-inference', 'allow-insecure-connections': 'true' }
const SECRET_TLS = {
  scenario: 'training-and-inference',
  'ssl-secret': 'fe-tls',
  'ssl-cname': 'ml.contoso.com'
}

interface Guarded {
  name: string
  cluster: 'arc' | 'aks'
  before: Record<string, string>
  after: Record<string, string>
  /** The change as the error lists it. */
  change: RegExp
}

const GUARDED: Guarded[] = [
  {
    name: 'training turned off',
    cluster: 'aks',
    before: HTTP,
    after: { ...HTTP, scenario: 'inference' },
    change: /settings\.enableTraining: True → False breaks running training jobs/
  },
  {
    name: 'inference turned off',
    cluster: 'aks',
    before: HTTP,
    after: { scenario: 'training' },
    change: /settings\.enableInference: True → False breaks online endpoints/
  },
  {
    name: 'the GPU device plugin turned off',
    cluster: 'aks',
    before: { ...HTTP, config: 'installNvidiaDevicePlugin=true' },
    after: { ...HTTP, config: 'installNvidiaDevicePlugin=false' },
    change: /installNvidiaDevicePlugin: true → false breaks .*nvidia.com\/gpu/
  },
  {
    name: 'a node selector added',
    cluster: 'aks',
    before: HTTP,
    after: { ...HTTP, 'node-selector': 'pool=ml' },
    change: /nodeSelector\.pool: \(unset\) → ml breaks/
  },
  {
    name: 'HTTP allowed (from HTTPS)',
    cluster: 'aks',
    before: SECRET_TLS,
    after: HTTP,
    change: /allowInsecureConnections: \(unset\) → True breaks inference endpoints/
  },
  {
    name: 'the service type changed',
    cluster: 'aks',
    before: HTTP,
    after: { ...HTTP, 'inference-router-service-type': 'NodePort' },
    change: /inferenceRouterServiceType: LoadBalancer → NodePort breaks inference endpoints/
  },
  {
    name: 'an internal load balancer added',
    cluster: 'aks',
    before: HTTP,
    after: { ...HTTP, 'internal-load-balancer': 'true' },
    change: /internalLoadBalancerProvider: \(unset\) → azure breaks inference endpoints/
  },
  {
    name: 'the CNAME changed',
    cluster: 'aks',
    before: SECRET_TLS,
    after: { ...SECRET_TLS, 'ssl-cname': 'api.contoso.com' },
    change: /sslCname: ml.contoso.com → api.contoso.com breaks inference endpoints/
  }
]

/** A cluster of its own: one holds a single AzureML extension, refused beside another. */
function ownCluster(type: 'arc' | 'aks', name: string): Record<string, string> {
  const base = worldInputs(world, type)
  const c = type === 'arc' ? world.arc : world.aks
  world.arm.clusters.add({
    subscriptionId: world.subscriptionId,
    resourceGroup: c.resourceGroup,
    name,
    type: c.type
  })
  return { ...base, 'cluster-name': name }
}

describe.each(GUARDED)('$name', g => {
  let target: Record<string, string>
  beforeAll(() => {
    target = ownCluster(g.cluster, slug(g.name))
  })
  const inputs = (extra: Record<string, string>) => ({ ...target, ...extra })

  test('is refused without allow-disruptive-update, naming the change; nothing is written', async () => {
    const created = await runIn(world, inputs(g.before))
    expect(created.errors).toEqual([])
    const before = writes(world).length
    const run = await runIn(world, inputs(g.after))
    expect(run.failed).toBe(true)
    const log = visibleLog(run)
    expect(log).toContain('Refusing a disruptive update')
    expect(log).toMatch(g.change)
    expect(log).toContain('allow-disruptive-update: true')
    expect(writes(world).length).toBe(before)
  })

  test('is applied with allow-disruptive-update: true', async () => {
    const run = await runIn(world, inputs({ ...g.after, 'allow-disruptive-update': 'true' }))
    expect(run.errors).toEqual([])
    expect(run.outputs.changed).toBe('true')
    const again = await runIn(world, inputs(g.after))
    expect(again.outputs.changed).toBe('false')
  })
})

test('a node selector cannot be removed by update; the error says to delete and re-create', async () => {
  const target = ownCluster('aks', 'selector-removal')
  const created = await runIn(world, { ...target, ...HTTP, 'node-selector': 'pool=ml' })
  expect(created.errors).toEqual([])
  const before = writes(world).length
  const run = await runIn(world, {
    ...target,
    ...HTTP,
    'allow-disruptive-update': 'true'
  })
  expect(run.failed).toBe(true)
  expect(visibleLog(run)).toMatch(/nodeSelector\.pool=ml .*never remove one.*mode: delete/)
  expect(writes(world).length).toBe(before)
})

function slug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40)
}
