/**
 * Protected settings on update, end to end through the sandbox: a changed value is sent (told by
 * its digest, never stored), the service's replace-whole semantics never lose a live key, and the
 * values never reach the log.
 */
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

const apply = (configProtected: string, extra: Record<string, string> = {}) =>
  runIn(world, {
    ...worldInputs(world),
    scenario: 'training',
    'config-protected': configProtected,
    ...extra
  })
const lastPatch = () => {
  const patch = writes(world)
    .filter(w => w.method === 'PATCH')
    .at(-1)
  return patch?.body as {
    properties: {
      configurationSettings?: Record<string, string>
      configurationProtectedSettings?: Record<string, string>
    }
  }
}

test('the same protected values again write nothing', async () => {
  await apply('myToken=first-secret-value')
  const before = writes(world).length
  const again = await apply('myToken=first-secret-value')
  expect(again.outputs.changed).toBe('false')
  expect(writes(world).length).toBe(before)
})

test('a changed protected value is sent, with every other protected key the extension has', async () => {
  await apply('myToken=first-secret-value\nother=kept-secret-value')
  const run = await apply('myToken=second-secret-value\nother=kept-secret-value')
  expect(run.errors).toEqual([])
  expect(run.outputs.changed).toBe('true')
  const sent = lastPatch().properties
  // The service replaces protected settings whole: the Relay's connection string goes too.
  expect(Object.keys(sent.configurationProtectedSettings!).sort()).toEqual([
    'myToken',
    'other',
    'relayServerConnectionString',
    'relayserver.relayConnectionString'
  ])
  expect(sent.configurationProtectedSettings!.myToken).toBe('second-secret-value')
  expect(Object.keys(sent.configurationSettings!)).toEqual([
    'azuremlExtensionAction.protectedDigests'
  ])
  expect(JSON.parse(run.outputs.report!).changes).toEqual([
    { path: 'protectedSettings.myToken', desired: '(changed)', actual: '(set)' }
  ])
  expect(visibleLog(run) + run.summary).not.toMatch(/first-secret-value|second-secret-value/)
  expect(JSON.stringify(sent.configurationSettings)).not.toMatch(/secret-value/)
})

test('a live protected key the inputs no longer give stops the run before any write', async () => {
  await apply('myToken=first-secret-value')
  const before = writes(world).length
  const run = await apply('other=new-secret-value')
  expect(run.failed).toBe(true)
  expect(run.errors.join('\n')).toMatch(
    /Protected setting myToken is on the live extension.*it would be lost.*Give myToken=<value> in config-protected/
  )
  expect(writes(world).length).toBe(before)
})

test('drift reports a changed protected value, never the value', async () => {
  await apply('myToken=first-secret-value')
  const run = await runIn(world, {
    ...worldInputs(world),
    scenario: 'training',
    'config-protected': 'myToken=second-secret-value',
    mode: 'drift'
  })
  expect(JSON.parse(run.outputs.drift!)).toEqual([
    { path: 'protectedSettings.myToken', desired: '(changed)', actual: '(set)' }
  ])
})
