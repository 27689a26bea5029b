/**
 * action.yml is what users see: it must pass GitHub's own manifest schema and declare exactly the
 * contract's inputs and outputs (spec/action-contract.md), with the contract's defaults,
 * except for inputs whose absence matters: those declare no default and the code applies it.
 */
import { readFileSync } from 'node:fs'
import type { ActionInputDefinition, ActionTemplate } from '@actions/workflow-parser/actions/index'
import {
  actionYmlPath,
  readActionManifest,
  readContract,
  validateActionManifest,
  type Contract
} from './helpers/action-manifest.js'

/**
 * Inputs that `config` (or `config-protected`) may also set. The runner passes an action.yml
 * default as if the user had typed it, so a default here would contradict a pasted `--config`.
 * The contract names the rule and two examples; these are all of them.
 */
const CONFIG_SETTABLE = [
  'scenario', // enableTraining / enableInference
  'inference-router-service-type', // inferenceRouterServiceType
  'inference-router-ha', // inferenceRouterHA
  'internal-load-balancer', // internalLoadBalancerProvider
  'allow-insecure-connections', // allowInsecureConnections
  'ssl-cname', // sslCname
  'ssl-cert', // scoringFe.sslCert / sslCertPemFile
  'ssl-key', // scoringFe.sslKey / sslKeyPemFile
  'ssl-secret', // sslSecret
  'node-selector' // nodeSelector.<label>
]

describe('action.yml against GitHub\u2019s action manifest schema', () => {
  test('has no schema errors', () => {
    const { errors } = readActionManifest()
    expect(errors).toEqual([])
  })

  test('runs on node24 from dist/index.js', () => {
    const t = manifest()
    expect(t.runs).toMatchObject({ using: 'node24', main: 'dist/index.js' })
    expect(t.branding?.icon).toBeTruthy()
    expect(t.branding?.color).toBeTruthy()
  })

  test('every input and output has a description', () => {
    const t = manifest()
    const missing = [
      ...(t.inputs ?? []).filter(i => !i.description?.trim()).map(i => `input ${i.id}`),
      ...(t.outputs ?? []).filter(o => !o.description?.trim()).map(o => `output ${o.id}`)
    ]
    expect(missing).toEqual([])
  })

  // The validator itself must be able to fail, or the first test proves nothing.
  test.each([
    ['an unknown runtime', (y: string) => y.replace('using: node24', 'using: node99')],
    ['an unknown top-level key', (y: string) => `${y}\nbogus-key: 1\n`],
    [
      'a non-boolean required',
      (y: string) => y.replace(/\n {4}required: true/, '\n    required: maybe')
    ],
    [
      'a branding icon Feather does not have',
      (y: string) => y.replace(/icon: \S+/, 'icon: unicorn')
    ],
    ['a missing main', (y: string) => y.replace(/\n {2}main: .*/, '')],
    ['invalid YAML', (y: string) => y.replace('inputs:', 'inputs: [')]
  ])('reports %s', (_what, mutate) => {
    const original = readFileSync(actionYmlPath, 'utf8')
    const mutated = mutate(original)
    expect(mutated).not.toEqual(original)
    expect(validateActionManifest(mutated).errors.length).toBeGreaterThan(0)
  })
})

describe('action.yml against the action contract', () => {
  let contract: Contract
  let inputs: Map<string, ActionInputDefinition>
  beforeAll(() => {
    contract = readContract()
    const t = manifest()
    inputs = new Map((t.inputs ?? []).map(i => [i.id, i]))
  })

  test('the contract was read', () => {
    expect(contract.inputs.length).toBeGreaterThan(20)
    expect(contract.outputs.length).toBeGreaterThan(5)
    expect(contract.absenceMatters).toEqual(
      expect.arrayContaining(['inference-router-service-type', 'inference-router-ha'])
    )
  })

  test('declares exactly the contract\u2019s inputs', () => {
    expect([...inputs.keys()].sort()).toEqual(contract.inputs.map(i => i.name).sort())
  })

  test('declares exactly the contract\u2019s outputs', () => {
    const outputs = (manifest().outputs ?? []).map(o => o.id)
    expect(outputs.sort()).toEqual([...contract.outputs].sort())
  })

  test('CONFIG_SETTABLE names real inputs', () => {
    const names = new Set(contract.inputs.map(i => i.name))
    expect(CONFIG_SETTABLE.filter(n => !names.has(n))).toEqual([])
  })

  test('inputs whose absence matters declare no default', () => {
    const absenceMatters = new Set([...contract.absenceMatters, ...CONFIG_SETTABLE])
    const offenders = contract.inputs
      .filter(i => i.default.kind !== 'literal' || absenceMatters.has(i.name))
      .filter(i => inputs.get(i.name)?.default !== undefined)
      .map(i => `${i.name} (default ${String(inputs.get(i.name)?.default)})`)
    expect(offenders).toEqual([])
  })

  test('other inputs declare the contract\u2019s default', () => {
    const absenceMatters = new Set([...contract.absenceMatters, ...CONFIG_SETTABLE])
    const expected: Record<string, string | undefined> = {}
    const actual: Record<string, string | undefined> = {}
    for (const i of contract.inputs) {
      if (i.default.kind !== 'literal' || absenceMatters.has(i.name)) continue
      expected[i.name] = i.default.value
      const d = inputs.get(i.name)?.default
      actual[i.name] = d === undefined ? undefined : String(d)
    }
    expect(actual).toEqual(expected)
  })

  test('a default applied in code is stated in the description', () => {
    const unstated = contract.inputs.flatMap(i => {
      const description = inputs.get(i.name)?.description ?? ''
      if (i.default.kind === 'env' && !description.includes(i.default.variable)) {
        return [`${i.name} should name ${i.default.variable}`]
      }
      if (
        i.default.kind === 'literal' &&
        inputs.get(i.name)?.default === undefined &&
        !description.includes(`\`${i.default.value}\``)
      ) {
        return [`${i.name} should say its default is \`${i.default.value}\``]
      }
      return []
    })
    expect(unstated).toEqual([])
  })

  test('exactly the contract\u2019s required inputs are required', () => {
    const required = [...inputs.values()].filter(i => i.required === true).map(i => i.id)
    expect(required.sort()).toEqual(
      contract.inputs
        .filter(i => i.default.kind === 'required')
        .map(i => i.name)
        .sort()
    )
  })
})

function manifest(): ActionTemplate {
  const { errors, template } = readActionManifest()
  if (template === undefined) throw new Error(`action.yml is invalid:\n${errors.join('\n')}`)
  return template
}
