/**
 * Every output of the contract is set in every mode, on success and failure alike, so a workflow's
 * `if:` never meets a missing output; the log reads in phases, each a group with its time.
 */
import { readFileSync } from 'node:fs'
import { runIn, startWorld, worldInputs } from './helpers/azure-run.js'
import type { AzureWorld } from './helpers/azure-run.js'
import type { ActionRun } from './helpers/action.js'

const CONTRACT = readFileSync(new URL('../spec/action-contract.md', import.meta.url), 'utf8')
const OUTPUTS = [
  ...CONTRACT.slice(CONTRACT.indexOf('## Outputs')).matchAll(/^\| `([a-z-]+)` \|/gm)
].map(m => m[1]!)

let world: AzureWorld
beforeEach(async () => {
  world = await startWorld()
})
afterEach(async () => {
  await world.stop()
})

const TRAINING = { scenario: 'training' }

function expectEveryOutput(run: ActionRun): void {
  expect(Object.keys(run.outputs).sort()).toEqual([...OUTPUTS].sort())
  expect(JSON.parse(run.outputs.components!)).toEqual(expect.any(Array))
  expect(JSON.parse(run.outputs.drift!)).toEqual(expect.any(Array))
  expect(run.outputs.drifted).toMatch(/^(true|false)$/)
  expect(run.outputs['pods-ready']).toMatch(/^(true|false)$/)
  const report = JSON.parse(run.outputs.report!)
  expect(report).toMatchObject({
    provisioningState: run.outputs['provisioning-state'],
    changed: run.outputs.changed === 'true',
    problems: expect.any(Array)
  })
}

test('the contract lists the outputs checked here', () => {
  expect(OUTPUTS).toEqual(expect.arrayContaining(['provisioning-state', 'report', 'drifted']))
})

/** What each row starts from: an empty cluster, or one with the extension the inputs describe. */
type Given = 'nothing' | 'extension'

test.each<[string, Given, Record<string, string>, boolean, string, string[]]>([
  ['apply, creating', 'nothing', TRAINING, false, 'Succeeded', []],
  ['verify', 'extension', { mode: 'verify' }, false, 'Succeeded', []],
  ['drift, clean', 'extension', { ...TRAINING, mode: 'drift' }, false, 'Succeeded', []],
  [
    'drift, drifted',
    'extension',
    { ...TRAINING, config: 'installPromOp=false', mode: 'drift' },
    true,
    'Succeeded',
    []
  ],
  [
    'apply, refused as disruptive',
    'extension',
    { scenario: 'inference', 'allow-insecure-connections': 'true' },
    true,
    'Succeeded',
    ['DisruptiveUpdate']
  ],
  [
    'verify, invalid input',
    'extension',
    { mode: 'verify', timeout: 'soon' },
    true,
    '',
    ['InvalidInput']
  ],
  ['delete', 'extension', { mode: 'delete' }, false, 'Deleted', []],
  ['delete, already gone', 'nothing', { mode: 'delete' }, false, 'NotFound', []],
  ['verify, extension missing', 'nothing', { mode: 'verify' }, true, 'NotFound', []]
])('%s: every output is set', async (_name, given, inputs, fails, state, reasons) => {
  if (given === 'extension') await runIn(world, { ...worldInputs(world), ...TRAINING })
  const run = await runIn(world, { ...worldInputs(world), ...inputs })
  expect(run.failed).toBe(fails)
  expectEveryOutput(run)
  expect(run.outputs['provisioning-state']).toBe(state)
  const problems = JSON.parse(run.outputs.report!).problems as { reason: string }[]
  expect(problems.map(p => p.reason)).toEqual(reasons)
  // The summary always carries the extension section, whatever the mode and outcome.
  expect(run.summary).toContain(`AzureML extension · ${inputs.mode ?? 'apply'}`)
  expect(run.summary).toContain('### Extension')
})

test('the log shows each phase as a group with its elapsed time', async () => {
  const run = await runIn(world, { ...worldInputs(world), mode: 'delete' })
  const groups = [...run.stdout.matchAll(/^::group::(.+)$/gm)].map(m => m[1])
  expect(groups).toEqual(['Inputs', 'Sign-in', 'Preflight', 'Extension', 'Cluster', 'Report'])
  for (const g of groups) expect(run.stdout).toMatch(new RegExp(`^${g}: \\d+\\.\\d s$`, 'm'))
})
