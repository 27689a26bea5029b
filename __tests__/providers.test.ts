/** Resource providers (issue 9 §6): registered before any write, as the az CLI does, or refused */
import { armFetch, extensionsPath, amlExtension } from './sandbox-arm-helpers.js'
import { runIn, startWorld, worldInputs, writes } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'
import { visibleLog } from './helpers/action.js'

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(async () => {
  await world.stop()
})

const K8S = 'Microsoft.KubernetesConfiguration'
const RELAY = 'Microsoft.Relay'
/** Contributor-like, but without any provider's register action. */
const NO_REGISTER = [{ actions: ['*'], notActions: ['*/register/action'] }]

const registers = () => world.arm.requests.filter(r => /\/register$/i.test(r.path))
const providerPath = (ns: string) => `/subscriptions/${world.subscriptionId}/providers/${ns}`

describe('the sandbox', () => {
  test('a write under an unregistered provider is 409 MissingSubscriptionRegistration', async () => {
    world.arm.providers.set(K8S, 'NotRegistered')
    const res = await armFetch(world, 'PUT', extensionsPath(world.arc, 'x'), amlExtension())
    expect(res.status).toBe(409)
    expect(res.json).toMatchObject({
      error: {
        code: 'MissingSubscriptionRegistration',
        message: expect.stringContaining(`not registered to use namespace '${K8S}'`)
      }
    })
    expect(world.arm.extensions.find('x')).toBeUndefined()
    // Reads are not refused: the action looks before it writes.
    expect((await armFetch(world, 'GET', extensionsPath(world.arc))).status).toBe(200)
  })

  test('register: Registering at once, Registered after a short delay; then writes pass', async () => {
    world.arm.providers.set(K8S, 'NotRegistered')
    const post = await armFetch(
      world,
      'POST',
      `${providerPath(K8S)}/register`,
      undefined,
      '2021-04-01'
    )
    expect(post).toMatchObject({ status: 200, json: { registrationState: 'Registering' } })
    const put = () => armFetch(world, 'PUT', extensionsPath(world.arc, 'x'), amlExtension())
    expect((await put()).status).toBe(409)
    await new Promise(resolve => setTimeout(resolve, world.arm.providers.registrationDelayMs + 10))
    const get = await armFetch(world, 'GET', providerPath(K8S), undefined, '2021-04-01')
    expect(get.json).toMatchObject({ registrationState: 'Registered' })
    expect((await put()).status).toBe(201)
  })

  test('register is 403 AuthorizationFailed for an identity without the register action', async () => {
    world.arm.providers.set(K8S, 'NotRegistered')
    world.arm.permissions.set('/', NO_REGISTER)
    const post = await armFetch(
      world,
      'POST',
      `${providerPath(K8S)}/register`,
      undefined,
      '2021-04-01'
    )
    expect(post).toMatchObject({
      status: 403,
      json: {
        error: {
          code: 'AuthorizationFailed',
          message: expect.stringContaining(`'${K8S}/register/action'`)
        }
      }
    })
    const get = await armFetch(world, 'GET', providerPath(K8S), undefined, '2021-04-01')
    expect(get.json).toMatchObject({ registrationState: 'NotRegistered' })
  })
})

describe('apply', () => {
  test('NotRegistered and registration allowed: registered and waited for, then the extension is created', async () => {
    world.arm.providers.set(K8S, 'NotRegistered')
    world.arm.providers.set(RELAY, 'NotRegistered')
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(run.errors).toEqual([])
    expect(run.outputs).toMatchObject({ 'provisioning-state': 'Succeeded', changed: 'true' })
    expect(registers().map(r => r.path)).toEqual([
      `${providerPath(K8S)}/register`,
      `${providerPath(RELAY)}/register`
    ])
    expect(world.arm.providers.state(K8S)).toBe('Registered')
    // Nothing was written under a provider before it was Registered.
    expect(writes(world).filter(w => w.status === 409)).toEqual([])
    const firstPut = world.arm.requests.findIndex(r => r.method === 'PUT')
    const lastRegister = world.arm.requests.findLastIndex(r => /\/register$/i.test(r.path))
    expect(lastRegister).toBeLessThan(firstPut)
    expect(visibleLog(run)).toContain(`Resource provider ${K8S} is Registered.`)
  })

  test('on AKS (no Relay) Microsoft.Relay is neither checked nor registered', async () => {
    world.arm.providers.set(RELAY, 'NotRegistered')
    const run = await runIn(world, { ...worldInputs(world, 'aks'), scenario: 'training' })
    expect(run.errors).toEqual([])
    expect(world.arm.requests.filter(r => r.path.endsWith(`/providers/${RELAY}`))).toEqual([])
    expect(registers()).toEqual([])
  })

  test('NotRegistered and registration forbidden: refused before any write, with the command', async () => {
    world.arm.providers.set(K8S, 'NotRegistered')
    world.arm.permissions.set('/', NO_REGISTER)
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(run.failed).toBe(true)
    const log = visibleLog(run)
    expect(log).toContain(`${K8S}/register/action`)
    expect(log).toContain(
      `az provider register --namespace ${K8S} --subscription ${world.subscriptionId}`
    )
    expect(log).toContain('nothing was written')
    expect(writes(world)).toEqual([])
  })

  test('registration forbidden, found only by trying (permissions unreadable): the 403 stops the run', async () => {
    world.arm.providers.set(K8S, 'NotRegistered')
    world.arm.permissions.set('/', NO_REGISTER)
    world.arm.permissions.refuseRead()
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(run.failed).toBe(true)
    const log = visibleLog(run)
    expect(log).toContain('may not register it')
    expect(log).toContain(
      `az provider register --namespace ${K8S} --subscription ${world.subscriptionId}`
    )
    // The refused register call is the only request that is not a read.
    expect(writes(world)).toEqual([expect.objectContaining({ method: 'POST', status: 403 })])
    expect(world.arm.relay.resources.size).toBe(0)
  })

  test('a registration that outlasts the timeout stops the run before the extension is written', async () => {
    world.arm.providers.set(K8S, 'NotRegistered')
    world.arm.providers.registrationDelayMs = 60_000
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training', timeout: '2s' })
    expect(run.failed).toBe(true)
    expect(visibleLog(run)).toContain(`Resource provider ${K8S} is still Registering`)
    expect(world.arm.requests.filter(r => r.method === 'PUT')).toEqual([])
  })
})

test('delete neither reads nor registers a provider', async () => {
  expect((await runIn(world, { ...worldInputs(world), scenario: 'training' })).errors).toEqual([])
  const before = world.arm.requests.length
  world.arm.providers.set(RELAY, 'NotRegistered')
  const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
  expect(run.errors).toEqual([])
  expect(
    world.arm.requests
      .slice(before)
      .filter(r =>
        /\/providers\/Microsoft\.(Relay|KubernetesConfiguration)(\/register)?$/i.test(r.path)
      )
  ).toEqual([])
})
