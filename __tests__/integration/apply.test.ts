import { DIGESTS_KEY, recordedSalt } from '../../src/settings/digests.js'
import type { ExtensionBody } from '../../src/settings/index.js'
/** apply, end to end: the action's real code, the real SDK clients, the sandbox's ARM, Entra and OIDC. */
import { SEED_CASES, expectedBody, FILES, tls as SEED_TLS } from '../helpers/seed-cases.js'
import { makeCertificate } from '../helpers/pem.js'
import { relayNamespaceName } from '../../src/azure/relay-name.js'
import { runIn, startWorld, worldInputs, writes } from '../helpers/azure-run.js'
import type { AzureWorld } from '../helpers/azure-run.js'
import { visibleLog } from '../helpers/action.js'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(async () => {
  await world.stop()
})

/** A run the test builds on, or whose absence of requests it checks: it must have succeeded. */
async function succeeds(inputs: Record<string, string>): Promise<void> {
  expect((await runIn(world, inputs)).errors).toEqual([])
}

// PEM files named in config-protected are read from the runner's disk.
const certDir = mkdtempSync(join(tmpdir(), 'certs-'))
const onDisk = (text: string) => text.replace(/\/certs\//g, `${certDir}/`)
for (const [path, text] of Object.entries(FILES)) writeFileSync(onDisk(path), text)

describe.each(['arc', 'aks'] as const)('create on %s', which => {
  const cases = SEED_CASES.filter(c => !(which === 'arc' && c.refusedOnArc))
  test.each(cases)('$name', async c => {
    const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, onDisk(v)]))
    const run = await runIn(world, { ...worldInputs(world, which), ...inputs })
    expect(run.errors).toEqual([])
    const cluster = which === 'arc' ? world.arc : world.aks
    const put = world.arm.requests.find(r => r.method === 'PUT' && r.path.includes('/extensions/'))!
    expect(put.path).toMatch(
      new RegExp(
        `/${cluster.type}/${cluster.name}/providers/Microsoft.KubernetesConfiguration/extensions/arcml-extension$`,
        'i'
      )
    )
    const rp = which === 'arc' ? 'Microsoft.Kubernetes' : 'Microsoft.ContainerService'
    const facts = {
      id: `/subscriptions/${world.subscriptionId}/resourceGroups/rg-ml/providers/${rp}/${cluster.type}/${cluster.name}`,
      name: cluster.name,
      type: cluster.type,
      location: cluster.location,
      nodeCount: 3
    }
    const relay = which === 'arc' ? relayFacts(world) : undefined
    // The digests' salt is random: take it from the request, then check every digest with it.
    const settings = (put.body as ExtensionBody).properties.configurationSettings
    const salt = recordedSalt(settings[DIGESTS_KEY])
    expect(put.body).toEqual(expectedBody(facts, c, relay, salt))
    expect(run.outputs).toMatchObject({ 'provisioning-state': 'Succeeded', changed: 'true' })
  })
})

function relayFacts(w: AzureWorld) {
  const keys = w.arm.requests.find(r => r.path.endsWith('/listKeys'))
  expect(keys).toBeDefined()
  const rule = keys!.path.replace(/\/listKeys$/, '')
  const hc = rule.replace(/\/authorizationRules\/azureml_rw$/, '')
  const connectionString = w.arm.relay.primaryConnectionString(rule)!
  return { connectionString, hybridConnectionResourceId: hc, hybridConnectionName: 'arc-cluster' }
}

const HTTPS = {
  scenario: 'training-and-inference',
  'ssl-cert': SEED_TLS.cert,
  'ssl-key': SEED_TLS.key,
  'ssl-cname': 'ml.contoso.com'
}

describe('update', () => {
  test('a repeated apply with identical inputs, TLS included, writes nothing', async () => {
    const first = await runIn(world, { ...worldInputs(world), ...HTTPS })
    expect(first.outputs.changed).toBe('true')
    const before = writes(world).length
    const again = await runIn(world, { ...worldInputs(world), ...HTTPS })
    expect(again.errors).toEqual([])
    expect(writes(world).length).toBe(before)
    expect(again.outputs).toMatchObject({ changed: 'false', 'provisioning-state': 'Succeeded' })
    expect(visibleLog(again)).toContain('nothing was written')
  })

  test('one changed key is a PATCH of that key alone, protected settings untouched', async () => {
    await succeeds({ ...worldInputs(world, 'aks'), ...HTTPS })
    const run = await runIn(world, {
      ...worldInputs(world, 'aks'),
      ...HTTPS,
      config: 'installPromOp=false'
    })
    expect(run.errors).toEqual([])
    const patches = world.arm.requests.filter(r => r.method === 'PATCH')
    expect(patches).toHaveLength(1)
    expect(patches[0]!.body).toEqual({
      properties: { configurationSettings: { installPromOp: 'false' } }
    })
    expect(run.outputs.changed).toBe('true')
  })

  test('a rotated certificate re-sends every protected setting the extension needs (Relay included)', async () => {
    await succeeds({ ...worldInputs(world), ...HTTPS })
    const rotated = makeCertificate('ml.contoso.com')
    const run = await runIn(world, {
      ...worldInputs(world),
      ...HTTPS,
      'ssl-cert': rotated.cert,
      'ssl-key': rotated.key
    })
    expect(run.errors).toEqual([])
    const patch = world.arm.requests.filter(r => r.method === 'PATCH')[0]!.body as {
      properties: Record<string, Record<string, string>>
    }
    expect(Object.keys(patch.properties.configurationProtectedSettings!).sort()).toEqual(
      [
        'relayServerConnectionString',
        'relayserver.relayConnectionString',
        'scoringFe.sslCert',
        'scoringFe.sslKey'
      ].sort()
    )
    expect(patch.properties.configurationProtectedSettings!['scoringFe.sslCert']).toBe(
      Buffer.from(rotated.cert).toString('base64')
    )
    // Relay secrets, certificate and key are masked and never printed.
    const log = visibleLog(run)
    expect(log).not.toContain(
      patch.properties.configurationProtectedSettings!.relayServerConnectionString!.split(';')[2]!
    )
    for (const line of rotated.key.split('\n').filter(l => l.length > 20 && !l.startsWith('-----')))
      expect(log).not.toContain(line)
  })
})

describe('nothing is written when a check fails', () => {
  test('after a validation failure no request reaches ARM at all', async () => {
    const run = await runIn(world, { ...worldInputs(world), scenario: 'inference' })
    expect(run.failed).toBe(true)
    expect(world.arm.requests).toEqual([])
  })

  test('an unregistered provider the identity may not register: the command to fix it', async () => {
    world.arm.providers.set('Microsoft.KubernetesConfiguration', 'NotRegistered')
    world.arm.permissions.set('/', [{ actions: ['*'], notActions: ['*/register/action'] }])
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(run.failed).toBe(true)
    expect(visibleLog(run)).toContain(
      'az provider register --namespace Microsoft.KubernetesConfiguration'
    )
    expect(writes(world)).toEqual([])
  })

  test('a cluster missing under the given type says it exists as the other type', async () => {
    const run = await runIn(world, {
      ...worldInputs(world),
      'cluster-name': 'aks-cluster',
      scenario: 'training'
    })
    expect(run.failed).toBe(true)
    expect(visibleLog(run)).toMatch(
      /aks-cluster was not found as connectedClusters.*It exists as managedClusters: set cluster-type: managedClusters/
    )
    expect(writes(world)).toEqual([])
  })

  test('an offline Arc cluster is refused before any write', async () => {
    world.arc.connectivityStatus = 'Offline'
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(visibleLog(run)).toMatch(/arc-cluster is Offline/)
    expect(writes(world)).toEqual([])
  })

  test('HA on a 2-node cluster is refused once the cluster is read, before any write', async () => {
    world.backend.nodes = 2
    const run = await runIn(world, {
      ...worldInputs(world),
      scenario: 'inference',
      'allow-insecure-connections': 'true',
      'inference-router-ha': 'true'
    })
    expect(run.errors.join('\n')).toMatch(/Input 'inference-router-ha'.*has 2 nodes/)
    expect(writes(world)).toEqual([])
  })
})

test('the job summary shows the extension and the changes sent, never a protected value', async () => {
  await succeeds({ ...worldInputs(world), ...HTTPS })
  const rotated = makeCertificate('ml.contoso.com')
  const run = await runIn(world, {
    ...worldInputs(world),
    ...HTTPS,
    'ssl-cert': rotated.cert,
    'ssl-key': rotated.key,
    config: 'installPromOp=false'
  })
  expect(run.summary).toContain('AzureML extension · apply')
  expect(run.summary).toContain('| State | Succeeded |')
  expect(run.summary).toContain('settings.installPromOp')
  expect(run.summary).toContain('settings.azuremlExtensionAction.sslCertSha256')
  expect(run.summary).not.toContain(Buffer.from(rotated.cert).toString('base64').slice(0, 40))
})

describe('Azure Relay on Arc, as the az CLI does it', () => {
  // Every Relay resource request (operation polls included) and the extension's writes, in order.
  const relayCalls = () =>
    world.arm.requests
      .filter(
        r =>
          /Microsoft\.Relay\/namespaces\//i.test(r.path) ||
          (/\/extensions\/arcml-extension$/i.test(r.path) && r.method !== 'GET')
      )
      .map(r => ({
        method: r.method,
        path: r.path.replace(/^.*\/providers\//, ''),
        body: r.body,
        status: r.status
      }))

  test('found missing, then created: namespace (waited for until Active), hybrid connection, azureml_rw rule, keys; then the extension', async () => {
    // Many poll intervals (10 ms): a hybrid connection PUT sent before then is refused with 409.
    world.arm.relay.activationMs = 200
    const run = await runIn(world, { ...worldInputs(world), scenario: 'training' })
    expect(run.errors).toEqual([])
    expect(run.outputs['provisioning-state']).toBe('Succeeded')
    expect(visibleLog(run)).toContain('Creating Azure Relay')
    const ns = `Microsoft.Relay/namespaces/${relayNamespaceName('arc-cluster', world.subscriptionId, 'rg-ml')}`
    const isPoll = (c: { path: string }) => c.path.startsWith(`${ns}/operationresults/`)
    const calls = relayCalls()
    // The operation is polled right after the namespace PUT, until it ends; a second poll means
    // the first saw it still InProgress.
    const final = calls.findIndex(c => c.path === ns && c.method === 'GET')
    const polls = calls.slice(2, final)
    expect(polls.length).toBeGreaterThanOrEqual(2)
    expect(polls.every(c => isPoll(c) && c.method === 'GET' && c.status === 200)).toBe(true)
    expect(calls.filter(c => !isPoll(c))).toEqual([
      { method: 'GET', path: `${ns}/hybridConnections/arc-cluster`, body: undefined, status: 404 },
      {
        method: 'PUT',
        path: ns,
        body: { location: 'eastus', tags: { created_by: 'Azure Arc-enabled ML' } },
        status: 201
      },
      // The long-running operation's final GET of the namespace, now Active.
      { method: 'GET', path: ns, body: undefined, status: 200 },
      {
        method: 'PUT',
        path: `${ns}/hybridConnections/arc-cluster`,
        body: { properties: { requiresClientAuthorization: true } },
        status: 200
      },
      {
        method: 'PUT',
        path: `${ns}/hybridConnections/arc-cluster/authorizationRules/azureml_rw`,
        body: { properties: { rights: ['Manage', 'Send', 'Listen'] } },
        status: 200
      },
      {
        method: 'POST',
        path: `${ns}/hybridConnections/arc-cluster/authorizationRules/azureml_rw/listKeys`,
        body: undefined,
        status: 200
      },
      expect.objectContaining({
        method: 'PUT',
        path: 'Microsoft.KubernetesConfiguration/extensions/arcml-extension',
        status: 201
      }),
      // After the create, the extension read back is compared with the inputs, keys included.
      {
        method: 'POST',
        path: `${ns}/hybridConnections/arc-cluster/authorizationRules/azureml_rw/listKeys`,
        body: undefined,
        status: 200
      }
    ])
  })

  test('an existing Relay is reused: only its keys are read', async () => {
    await succeeds({ ...worldInputs(world), scenario: 'training' })
    await succeeds({ ...worldInputs(world), mode: 'delete' })
    const before = world.arm.requests.length
    await succeeds({ ...worldInputs(world), scenario: 'training' })
    const relayWrites = world.arm.requests
      .slice(before)
      .filter(r => /Microsoft\.Relay/i.test(r.path) && r.method === 'PUT')
    expect(relayWrites).toEqual([])
    expect(world.arm.requests.slice(before).some(r => r.path.endsWith('/listKeys'))).toBe(true)
  })

  test('AKS needs no Relay', async () => {
    await succeeds({ ...worldInputs(world, 'aks'), scenario: 'training' })
    expect(world.arm.requests.filter(r => /Microsoft\.Relay/i.test(r.path))).toEqual([])
  })
})
