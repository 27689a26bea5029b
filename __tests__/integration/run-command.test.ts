/**
 * A private AKS cluster verified through AKS Run Command, end to end: the ContainerService SDK
 * (aksCommandRunner) against the sandbox ARM, whose Run Command runs the real kubectl against the
 * sandbox's Kubernetes API server, and openRunCommandCluster polling on top with the unchanged
 * assessment. The cluster is Entra-integrated: every command carries a token for the AKS server
 * app, which no log line may show.
 */
import { afterEach, beforeEach, expect, test } from '@jest/globals'
import { connectArm } from '../../src/azure/arm.js'
import type { Arm } from '../../src/azure/arm.js'
import { resolveCloud } from '../../src/azure/cloud.js'
import { aksCommandRunner, RunCommandError } from '../../src/azure/run-command.js'
import type { ClusterRef } from '../../src/azure/cluster.js'
import { DEFAULT_GRACES } from '../../src/cluster/graces.js'
import type { Graces } from '../../src/cluster/graces.js'
import { openRunCommandCluster } from '../../src/cluster/run-command-cluster.js'
import type { ClusterTarget } from '../../src/cluster/verify.js'
import { Deadline, TimeoutError } from '../../src/deadline.js'
import { AKS_SERVER_APP } from '../../sandbox/arm/run-command.js'
import { startSandbox } from '../../sandbox/index.js'
import type { Sandbox } from '../../sandbox/index.js'
import { trustSandboxCa } from '../../sandbox/trust.js'
import { credential } from '../sandbox-arm-helpers.js'

const POLL_MS = 300
const TARGET: ClusterTarget = {
  extensionName: 'azml',
  version: '1.1.71',
  clusterType: 'managedClusters',
  settings: { enableTraining: 'True' }
}
const REF: ClusterRef = { resourceGroup: 'rg-ml', type: 'managedClusters', name: 'aks-cluster' }
// Timed graces cut to 1 s, as AZUREML_ACTION_GRACE_MS does in tests; but the checks here start
// before the install, so a component may be absent for as long as it takes.
const GRACES = Object.fromEntries(
  Object.entries(DEFAULT_GRACES).map(([k, v]) => [
    k,
    k.endsWith('Ms') && k !== 'absentMs' ? 1000 : v
  ])
) as Partial<Graces>

let sandbox: Sandbox
let arm: Arm
let lines: string[]
const tokens: string[] = []
const debug = (line: string) => void lines.push(line)

beforeEach(async () => {
  sandbox = await startSandbox({
    clusterType: 'managedClusters',
    kube: { podStepMs: 20, helmTimeoutMs: 60_000 }
  })
  trustSandboxCa(sandbox.ca)
  // A private, Entra-integrated cluster without local accounts: only Run Command reaches it,
  // and only with a token for the AKS server app.
  Object.assign(sandbox.cluster, {
    privateCluster: true,
    aad: { azureRbac: false },
    disableLocalAccounts: true
  })
  // No Retry-After: the client's own interval (20 ms here); one test below sends it.
  sandbox.arm.runCommands.retryAfterSeconds = undefined
  lines = []
  const cloud = resolveCloud('AzureCloud', {
    armEndpoint: sandbox.arm.endpoint,
    authorityHost: sandbox.entra.authorityHost
  })
  arm = connectArm(credential(sandbox), sandbox.env.AZURE_SUBSCRIPTION_ID, cloud, {
    pollIntervalMs: 20,
    retryDelayMs: 10,
    debug
  })
})
afterEach(() => sandbox.stop())

/** A token for the AKS server app, fetched per command as the real provider would. */
async function clusterToken(): Promise<string> {
  const t = (await credential(sandbox).getToken(`${AKS_SERVER_APP}/.default`))!.token
  tokens.push(t)
  return t
}

function runner(deadline: Deadline) {
  return aksCommandRunner(arm, REF, { clusterToken, deadline, debug })
}

const install = () =>
  sandbox.kube.backend.applyExtension(
    { ...TARGET, version: TARGET.version!, name: TARGET.extensionName, protectedKeys: [] },
    'create'
  )

async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise(resolve => setTimeout(resolve, 10))
}

function expectNoToken(): void {
  expect(tokens.length).toBeGreaterThan(0)
  for (const t of tokens) {
    for (const piece of [t, ...t.split('.')]) expect(lines.join('\n')).not.toContain(piece)
  }
}

test('a healthy install verifies through Run Command: one listing per poll, no token in any line', async () => {
  const deadline = new Deadline(25_000)
  const cluster = openRunCommandCluster(runner(deadline), { pollMs: POLL_MS, debug })
  expect(await cluster.namespacePhase()).toBeUndefined()
  const progress: string[] = []
  const waiting = cluster.verdict(TARGET, {
    deadline,
    graces: GRACES,
    progress: l => progress.push(l),
    progressMs: 0
  })
  // The first listing sees no extension yet; the install happens between polls.
  await until(() => lines.some(l => l.startsWith('Listing 1 ')))
  await install()
  const verdict = await waiting
  expect(verdict.via).toBe('run-command')
  expect(verdict.timedOut).toBe(false)
  expect(verdict.assessment.verdict).toBe('healthy')
  expect(verdict.assessment.components.map(c => c.name)).toEqual(
    expect.arrayContaining(['healthcheck', 'gateway', 'aml-operator'])
  )
  expect(await cluster.namespacePhase()).toBe('Active')

  const commands = sandbox.arm.runCommands.requests
  const listings = commands.filter(c => c.command.startsWith('kubectl get namespaces,nodes,pods'))
  // The namespace checks, and one listing per poll (each logged once), each with the token.
  expect(commands).toHaveLength(listings.length + 2)
  expect(lines.filter(l => /^Listing \d+ through Run Command/.test(l))).toHaveLength(
    listings.length
  )
  expect(listings.length).toBeGreaterThan(1)
  expect(commands.every(c => c.clusterToken)).toBe(true)
  for (let i = 1; i < listings.length; i++) {
    expect(listings[i]!.at - listings[i - 1]!.at).toBeGreaterThanOrEqual(POLL_MS - 20)
  }
  expect(progress.some(l => /components ready/.test(l))).toBe(true)
  expectNoToken()
})

test('an image that cannot be pulled: the same diagnosis as through a kubeconfig, while still installing', async () => {
  sandbox.kube.controller.faults.set('gateway', { kind: 'ImagePullBackOff' })
  const deadline = new Deadline(25_000)
  const cluster = openRunCommandCluster(runner(deadline), { pollMs: POLL_MS, debug })
  void install()
  const stop = new AbortController()
  const failure = await cluster.failure(TARGET, { deadline, graces: GRACES, signal: stop.signal })
  expect(failure?.verdict).toBe('failed')
  const problem = failure!.problems.find(p => p.component === 'gateway')
  expect(problem).toMatchObject({
    reason: 'ImagePullBackOff',
    pod: expect.stringMatching(/^gateway-/)
  })
  expect(problem!.fix).toMatch(/mcr\.microsoft\.com/)
  // A look afterwards sees the same, and a second check reuses no old listing.
  const before = sandbox.arm.runCommands.requests.length
  const look = await cluster.look(TARGET, { deadline, graces: GRACES })
  expect(look.problems.find(p => p.component === 'gateway')?.reason).toBe('ImagePullBackOff')
  expect(sandbox.arm.runCommands.requests.length).toBe(before + 1)
  expectNoToken()
})

test('checks waiting at once share one listing per poll', async () => {
  const deadline = new Deadline(25_000)
  const cluster = openRunCommandCluster(runner(deadline), { pollMs: POLL_MS, debug })
  const stop = new AbortController()
  const watching = cluster.failure(TARGET, { deadline, graces: GRACES, signal: stop.signal })
  const [verdict] = await Promise.all([
    cluster.verdict(TARGET, { deadline, graces: GRACES }),
    install()
  ])
  stop.abort()
  expect(await watching).toBeUndefined()
  expect(verdict.assessment.verdict).toBe('healthy')
  const at = sandbox.arm.runCommands.requests.map(c => c.at)
  for (let i = 1; i < at.length; i++)
    expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(POLL_MS - 20)
})

test('the timeout runs out: the last listing is the verdict, marked timed out', async () => {
  sandbox.kube.controller.faults.set('gateway', { kind: 'NeverAppears' })
  const deadline = new Deadline(1_500)
  const cluster = openRunCommandCluster(runner(deadline), { pollMs: POLL_MS, debug })
  void install()
  const started = Date.now()
  const verdict = await cluster.verdict(TARGET, { deadline })
  expect(verdict.timedOut).toBe(true)
  expect(verdict.assessment.awaiting.join(' ')).toMatch(/gateway/)
  expect(Date.now() - started).toBeLessThan(5_000)
})

test('AKS cannot run the command: a RunCommandError with its reason ends the wait', async () => {
  sandbox.arm.runCommands.failNext('ImagePullBackoff')
  const deadline = new Deadline(10_000)
  const cluster = openRunCommandCluster(runner(deadline), { pollMs: POLL_MS, debug })
  const verdict = cluster.verdict(TARGET, { deadline })
  await expect(verdict).rejects.toThrow(RunCommandError)
  await expect(verdict).rejects.toThrow(
    /could not run `kubectl get namespaces,nodes,pods,.*…`: ImagePullBackoff\./
  )
})

test('a listing AKS cannot run once the cluster has answered: the next poll lists again', async () => {
  const deadline = new Deadline(25_000)
  const cluster = openRunCommandCluster(runner(deadline), { pollMs: POLL_MS, debug })
  const waiting = cluster.verdict(TARGET, { deadline, graces: GRACES })
  await until(() => lines.some(l => l.startsWith('Listing 1 ')))
  sandbox.arm.runCommands.failNext('ImagePullBackoff')
  await install()
  const verdict = await waiting
  expect(verdict.assessment.verdict).toBe('healthy')
  expect(lines.filter(l => /^Listing failed \(.*ImagePullBackoff/.test(l))).toHaveLength(1)
})

test('three listings in a row that AKS cannot run end the wait with the last failure', async () => {
  const deadline = new Deadline(25_000)
  const cluster = openRunCommandCluster(runner(deadline), { pollMs: POLL_MS, debug })
  const verdict = cluster.verdict(TARGET, { deadline, graces: GRACES })
  await until(() => lines.some(l => l.startsWith('Listing 1 ')))
  for (const reason of ['ImagePullBackoff', 'Unschedulable', 'PodFailed'])
    sandbox.arm.runCommands.failNext(reason)
  await expect(verdict).rejects.toThrow(/could not run `kubectl get .*…`: PodFailed\./)
  expect(lines.filter(l => l.startsWith('Listing failed'))).toHaveLength(2)
})

test('without the Run Command role: 403 names the action, and the token appears nowhere', async () => {
  sandbox.arm.permissions.set('/', [
    { actions: ['Microsoft.ContainerService/managedClusters/read'] }
  ])
  const run = runner(new Deadline(10_000))
  const err = (await run('kubectl get nodes').catch((e: unknown) => e)) as Error
  expect(err).toBeInstanceOf(RunCommandError)
  expect(err.message).toMatch(
    /refused: 403 AuthorizationFailed: .*managedClusters\/runCommand\/action/
  )
  lines.push(err.message, String(err.stack), JSON.stringify(err))
  expectNoToken()
})

test('Retry-After is honoured between polls of the result', async () => {
  sandbox.arm.runCommands.retryAfterSeconds = 1
  sandbox.arm.runCommands.startupMs = 200
  const result = await runner(new Deadline(10_000))('kubectl get nodes')
  expect(result.exitCode).toBe(0)
  const calls = sandbox.arm.requests.filter(r => /\/(runCommand|commandResults\/)/.test(r.path))
  expect(calls[0]).toMatchObject({ method: 'POST', status: 202 })
  expect(calls.at(-1)).toMatchObject({ method: 'GET', status: 200 })
  // Each answer said Retry-After: 1; the SDK polls at 20 ms otherwise.
  for (let i = 1; i < calls.length; i++)
    expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(950)
})

test('the deadline passes while the command runs: TimeoutError, soon', async () => {
  sandbox.arm.runCommands.startupMs = 10_000
  const started = Date.now()
  await expect(runner(new Deadline(300))('kubectl get nodes')).rejects.toThrow(TimeoutError)
  expect(Date.now() - started).toBeLessThan(2_000)
})
