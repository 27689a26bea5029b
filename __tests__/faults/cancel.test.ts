/**
 * A cancelled workflow (SIGINT, then SIGTERM from the runner): the bundle stops its watches and
 * exits within 2 s, with every output and the summary written from what is known.
 */
import { startSandbox } from '../../sandbox/index.js'
import type { Sandbox } from '../../sandbox/index.js'
import { runBundle } from '../helpers/bundle-run.js'
import { sandboxInputs } from '../helpers/sandbox-run.js'

let sandbox: Sandbox
beforeEach(async () => {
  // Pods that cannot be placed, with the real graces: the action would wait for minutes.
  sandbox = await startSandbox({ kube: { podStepMs: 20, helmTimeoutMs: 120_000 } })
  sandbox.kube.controller.faults.set('gateway', {
    kind: 'Unschedulable',
    reason: 'insufficient-cpu'
  })
})
afterEach(async () => {
  await sandbox.stop()
})

test.each([
  [
    'SIGTERM',
    /ARM PUT \S+\/extensions\/arcml-extension → 20/,
    /An ARM operation on the extension may still be running/
  ],
  [
    'SIGINT',
    /ARM PUT \S+\/extensions\/arcml-extension → 20/,
    /cancelled \(SIGINT\) during the Extension phase/
  ]
] as const)(
  '%s while the operation runs: exits within 2 s and says the operation may still run',
  async (signal, when, says) => {
    const r = await runBundle(
      sandbox,
      { ...sandboxInputs(sandbox), scenario: 'training', timeout: '10m' },
      {},
      { when, signal }
    )
    expect(r.exitAfterSignalMs).toBeLessThan(2000)
    expect(r.failed).toBe(true)
    expect(r.outputs).toHaveProperty('report')
    expect(r.outputs.changed).toBe('true')
    expect(r.summary).toMatch(says)
  }
)

test('SIGTERM while the pods are watched: exits within 2 s with the components seen so far', async () => {
  sandbox.kube.controller.faults.clear()
  await runBundle(sandbox, { ...sandboxInputs(sandbox), scenario: 'training' })
  sandbox.kube.controller.faults.set('gateway', {
    kind: 'Unschedulable',
    reason: 'insufficient-cpu'
  })
  const r = await runBundle(
    sandbox,
    { ...sandboxInputs(sandbox), mode: 'verify', timeout: '10m' },
    {},
    { when: /^::group::Cluster/m, signal: 'SIGTERM' }
  )
  expect(r.exitAfterSignalMs).toBeLessThan(2000)
  expect(r.failed).toBe(true)
  expect(r.summary).toMatch(/cancelled \(SIGTERM\) during the Cluster phase/)
  expect(r.summary).not.toMatch(/may still be running/)
  expect(r.outputs['provisioning-state']).toBe('Succeeded')
})
