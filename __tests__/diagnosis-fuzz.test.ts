/**
 * The cluster diagnosis over random namespaces (issue 11): Kubernetes objects of random shape,
 * reduced by the action's facts reducers, judged by the catalog and the assessment the run uses.
 * It never throws; a namespace where every expected component runs Running and Ready is never
 * failed, whatever else it holds; a problem always names a component and pod that exist; and the
 * verdict does not depend on the order the API lists things in.
 */
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node'
import fc from 'fast-check'
import { podFacts } from '../src/cluster/facts.js'
import type { Graces } from '../src/cluster/graces.js'
import { DEFAULT_GRACES } from '../src/cluster/graces.js'
import { KNOWN_PROBLEMS } from '../src/cluster/known-problems.js'
import type { Assessment, NamespaceSnapshot } from '../src/cluster/model.js'
import { time } from '../src/cluster/match.js'
import { assessTarget } from '../src/cluster/verify.js'
import {
  completedJobPod,
  eventArb,
  eventFor,
  healthyWorld,
  k8sEvent,
  nodesArb,
  NOW,
  random,
  readyPod,
  snapshotOf,
  targetArb,
  troubleArb,
  troubled
} from './helpers/fuzz-cluster.js'
import type { Objects, RandomEvent, Trouble, World } from './helpers/fuzz-cluster.js'

const MIN = 60_000
/** Any state: the property that needs the most cases. */
const RUNS = 1000
/** Healthy namespaces vary less (the catalog's settings, nodes, history). */
const HEALTHY_RUNS = 300

/** The extension, its nodes, a seed for the pods' details: printed short, built in the property. */
const worldArb = fc.record({ target: targetArb, nodes: nodesArb, seed: fc.integer() })
type WorldSeed = typeof worldArb extends fc.Arbitrary<infer T> ? T : never
const build = (w: WorldSeed): World => healthyWorld(w.target, w.nodes, w.seed)

const judge = (w: World, o: Objects, now = NOW, since = NOW - 30 * MIN, graces?: Graces) =>
  assessTarget(w.target, snapshotOf(o), now, since, { graces })

const summary = (a: Assessment) => ({
  verdict: a.verdict,
  problems: a.problems.map(p => `${p.component} ${p.reason}`).sort(),
  statuses: a.components.map(c => `${c.name} ${c.status}`).sort()
})

// ---------------------------------------------------------------- noise a healthy namespace may hold

/** Pods of no expected component, in any state, and their events: warned about, never failed on. */
const strangersArb = fc.array(fc.tuple(troubleArb, fc.array(eventArb, { maxLength: 3 })), {
  maxLength: 3
})
type Strangers = [Trouble, RandomEvent[]][]

function withStrangers(o: Objects, strangers: Strangers): Objects {
  return strangers.reduce((acc, [trouble, events], i) => {
    const owner = { kind: 'ReplicaSet', name: `zz-stranger-${i}` }
    const pod = readyPod(`zz-stranger-${i}-x7k2p`, owner, undefined, random(i))
    const pods = troubled([pod], { ...trouble, pod: 0, owner: 'keep' })
    const said = events.map(e => eventFor({ ...acc, pods }, { ...e, about: 'pod' }))
    return { ...acc, pods: [...acc.pods, ...pods], events: [...acc.events, ...said] }
  }, o)
}

/** History that says nothing about the pods now: events of deleted pods, a predecessor's, old reports. */
const historyArb = fc.record({
  goneEvents: fc.array(
    eventArb.map(e => ({ ...e, about: 'gone' as const })),
    { maxLength: 4 }
  ),
  predecessorEvents: fc.array(eventArb, { maxLength: 3 }),
  evicted: fc.array(fc.nat(), { maxLength: 2 }),
  completedJobs: fc.nat(2),
  oldFailedCreate: fc.boolean(),
  failedReport: fc.boolean()
})
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never

const createdAt = (pod: V1Pod) => time(podFacts(pod).createdAt)

/** A StatefulSet pod or the hook recreated under its old name: its predecessor's events are older. */
function predecessorEvents(o: Objects, events: RandomEvent[]): CoreV1Event[] {
  return events.flatMap(e => {
    const pod = o.pods[e.index % Math.max(1, o.pods.length)]
    const created = pod && createdAt(pod)
    if (!pod || created === undefined) return []
    const at = new Date(created - 10 * MIN).toISOString()
    return [
      k8sEvent('Pod', pod.metadata!.name!, e.reason, e.message, {
        count: e.count,
        lastTimestamp: at
      })
    ]
  })
}

/** Deployment pods the kubelet evicted: their replacements run. */
function evictedPods(o: Objects, picks: number[]): V1Pod[] {
  const owned = o.pods.filter(p => p.metadata?.ownerReferences?.[0]?.kind === 'ReplicaSet')
  if (owned.length === 0) return []
  return picks.map(i => {
    const victim = structuredClone(owned[i % owned.length]!)
    return {
      ...victim,
      metadata: { ...victim.metadata, name: `${victim.metadata!.name}-old` },
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory.'
      }
    }
  })
}

function withHistory(o: Objects, h: History): Objects {
  const longAgo = new Date(NOW - 3 * 3600_000).toISOString()
  const failedCreates = h.oldFailedCreate
    ? o.deployments.map(d =>
        k8sEvent(
          'Deployment',
          d.metadata!.name!,
          'FailedCreate',
          'Error creating: quota exceeded',
          {
            lastTimestamp: longAgo
          }
        )
      )
    : []
  const jobs = Array.from({ length: h.completedJobs }, (_, i) =>
    completedJobPod(`zz-job-${i}-abcde`, `zz-job-${i}`)
  )
  return {
    ...o,
    pods: [...o.pods, ...evictedPods(o, h.evicted), ...jobs],
    events: [
      ...o.events,
      ...h.goneEvents.map(e => eventFor(o, e)),
      ...predecessorEvents(o, h.predecessorEvents),
      ...failedCreates
    ],
    ...(h.failedReport
      ? {
          healthcheck: {
            'reports-pre-install':
              'Status: Failed\nName: node-check\nErrorCode: E40001 ErrorMessage: an old install failed'
          }
        }
      : {})
  }
}

// ---------------------------------------------------------------- properties

test('a healthy namespace is healthy whatever history and strangers it holds', () => {
  fc.assert(
    fc.property(worldArb, strangersArb, historyArb, (seed, strangers, history) => {
      const w = build(seed)
      const o = withHistory(withStrangers(w.objects, strangers), history)
      const a = judge(w, o)
      expect(a.problems).toEqual([])
      expect(a.awaiting).toEqual([])
      expect(a.verdict).toBe('healthy')
    }),
    { numRuns: HEALTHY_RUNS }
  )
})

/** Churn a healthy namespace goes through: more pods than desired, old ones leaving, a rollout. */
const churnArb = fc.record({
  surplus: fc.array(fc.tuple(fc.nat(), fc.boolean(), troubleArb), { maxLength: 3 }),
  rollingOut: fc.array(fc.nat(), { maxLength: 2 }),
  starting: fc.array(fc.nat(), { maxLength: 2 })
})
type Churn = typeof churnArb extends fc.Arbitrary<infer T> ? T : never

/**
 * A second pod beside a component's pod: a ready one (scaling) or one on its way out in any state;
 * a workload whose new generation is not observed yet; a pod that has just started, not yet ready.
 */
function withChurn(o: Objects, c: Churn): Objects {
  const owned = o.pods.filter(p => p.metadata?.ownerReferences?.length)
  const pick = (i: number) => owned[i % owned.length]!
  if (owned.length === 0) return o
  const extra = c.surplus.map(([i, leaving, trouble], n) => {
    const twin = structuredClone(pick(i))
    twin.metadata!.name = `${twin.metadata!.name!.slice(0, 57)}-${'abcde'[n % 5]!.repeat(5)}`
    return leaving
      ? troubled([twin], { ...trouble, pod: 0, owner: 'keep', deleting: true })[0]!
      : twin
  })
  const starting = new Set(c.starting.map(i => pick(i).metadata!.name))
  const pods = o.pods.map(p => (starting.has(p.metadata?.name) ? justStarted(p) : p))
  const rolling = new Set(c.rollingOut.map(i => i % Math.max(1, o.deployments.length)))
  const deployments = o.deployments.map((d, i) =>
    rolling.has(i) ? { ...d, metadata: { ...d.metadata, generation: 2 } } : d
  )
  return { ...o, pods: [...pods, ...extra], deployments }
}

/** Created seconds ago, its containers running but not ready yet. */
function justStarted(p: V1Pod): V1Pod {
  const q = structuredClone(p)
  q.metadata!.creationTimestamp = new Date(NOW - 10_000)
  for (const c of q.status?.containerStatuses ?? [])
    Object.assign(c, { ready: false, restartCount: 0 })
  q.status!.conditions = [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady' }]
  return q
}

test('a namespace whose components all run is never failed, through churn and noise', () => {
  fc.assert(
    fc.property(worldArb, churnArb, strangersArb, historyArb, (seed, churn, strangers, history) => {
      const w = build(seed)
      const o = withHistory(withStrangers(withChurn(w.objects, churn), strangers), history)
      const a = judge(w, o)
      expect(a.problems).toEqual([])
      expect(a.verdict).not.toBe('failed')
    }),
    { numRuns: HEALTHY_RUNS }
  )
})

// ---------------------------------------------------------------- any state at all

const gracesArb = fc.option(
  fc.constantFrom<Graces>(
    { ...DEFAULT_GRACES },
    Object.fromEntries(
      Object.entries(DEFAULT_GRACES).map(([k, v]) => [k, k.endsWith('Ms') ? 0 : v])
    ) as unknown as Graces
  ),
  { nil: undefined }
)

const chaosArb = fc.record({
  world: worldArb,
  troubles: fc.array(troubleArb, { maxLength: 6 }),
  events: fc.array(eventArb, { maxLength: 12 }),
  strangers: strangersArb,
  namespacePhase: fc.option(fc.constantFrom('Active', 'Terminating', ''), { nil: undefined }),
  dropWorkloads: fc.array(fc.nat(), { maxLength: 3 }),
  report: fc.option(
    fc.constantFrom(
      'Status: Failed\nName: dns\nErrorCode: E45004 ErrorMessage: cannot resolve',
      'Status: Passed\nName: dns',
      'garbage'
    ),
    { nil: undefined }
  ),
  now: fc.integer({ min: -5, max: 240 }).map(m => NOW + m * MIN),
  since: fc.integer({ min: 0, max: 300 }).map(m => NOW - m * MIN),
  graces: gracesArb,
  order: fc.integer()
})
type Chaos = typeof chaosArb extends fc.Arbitrary<infer T> ? T : never

/** The world's pods in trouble, events about anything, a workload or two gone; strangers last. */
function chaosObjects(c: Chaos, w: World, strangers = c.strangers): Objects {
  const o = w.objects
  const pods = c.troubles.reduce((list, t) => troubled(list, t), o.pods)
  const drop = new Set(c.dropWorkloads.map(i => i % Math.max(1, o.deployments.length)))
  const troubledObjects: Objects = {
    ...o,
    pods,
    namespacePhase: c.namespacePhase,
    deployments: o.deployments.filter((_, i) => !drop.has(i)),
    events: [...o.events, ...c.events.map(e => eventFor({ ...o, pods }, e))],
    ...(c.report ? { healthcheck: { 'reports-pre-install': c.report } } : {})
  }
  return withStrangers(troubledObjects, strangers)
}

/** The same objects in another order, as another list call may return them. */
function shuffled(o: Objects, seed: number): Objects {
  const r = random(seed)
  const mix = <T>(list: T[]) =>
    list
      .map(x => [r.next(), x] as const)
      .sort((a, b) => a[0] - b[0])
      .map(([, x]) => x)
  return {
    ...o,
    pods: mix(o.pods),
    deployments: mix(o.deployments),
    statefulSets: mix(o.statefulSets),
    daemonSets: mix(o.daemonSets),
    replicaSets: mix(o.replicaSets),
    nodes: mix(o.nodes),
    events: mix(o.events)
  }
}

/** A placeholder `fill` is given a value for: left in a fix, the user would see `<secret>`. */
const PLACEHOLDER = /<(pod|component|container|secret|constraint|taint|removal)>/

test('any namespace: no throw, problems name what exists, the order of the lists does not matter', () => {
  const verdicts = { healthy: 0, waiting: 0, failed: 0 }
  expect(Object.values(KNOWN_PROBLEMS).filter(k => PLACEHOLDER.test(k.fix)).length).toBeGreaterThan(
    3
  )
  fc.assert(
    fc.property(chaosArb, c => {
      const w = build(c.world)
      const o = chaosObjects(c, w)
      const snapshot: NamespaceSnapshot = snapshotOf(o)
      const a = judge(w, o, c.now, c.since, c.graces)
      verdicts[a.verdict]++
      expect(a.verdict === 'failed').toBe(a.problems.length > 0)
      if (a.verdict === 'healthy') expect(a.awaiting).toEqual([])
      const components = new Set([...w.expected.map(e => e.name), 'azureml'])
      const pods = new Set(snapshot.pods.map(p => p.name))
      for (const p of a.problems) {
        expect(components).toContain(p.component)
        if (p.pod !== undefined) expect(pods).toContain(p.pod)
        expect(p.fix).not.toMatch(PLACEHOLDER)
        expect(p.reason).not.toBe('')
      }
      // Every pod is shown exactly once, under its component or as Unexpected.
      const shown = a.components.flatMap(s => s.pods.map(p => p.name)).sort()
      expect(shown).toEqual(snapshot.pods.map(p => p.name).sort())
      expect(summary(judge(w, shuffled(o, c.order), c.now, c.since, c.graces))).toEqual(summary(a))
      // Pods of no component are warned about, never failed on: without them, the same verdict.
      const alone = judge(w, chaosObjects(c, w, []), c.now, c.since, c.graces)
      expect([alone.verdict, alone.problems]).toEqual([a.verdict, a.problems])
    }),
    { numRuns: RUNS }
  )
  // Each verdict must come up often, or the properties above say little.
  expect(Math.min(...Object.values(verdicts))).toBeGreaterThan(RUNS / 20)
})
