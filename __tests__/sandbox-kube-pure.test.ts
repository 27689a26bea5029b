import { humanDuration } from '../sandbox/kube/duration.js'
import { summarizePod } from '../sandbox/kube/pod-status.js'
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError
} from '../sandbox/kube/selectors.js'
import { failedSchedulingMessage } from '../sandbox/controller/scheduler.js'
import { filteredEvent } from '../sandbox/kube/watch.js'
import { ObjectStore } from '../sandbox/kube/store.js'

describe('label selectors', () => {
  const labels = { app: 'gateway', tier: 'system' }
  test.each([
    ['app=gateway', true],
    ['app==gateway,tier=system', true],
    ['app!=gateway', false],
    ['app in (fe, gateway)', true],
    ['app notin (fe,gateway)', false],
    ['tier', true],
    ['!tier', false],
    ['missing notin (x)', true],
    ['', true]
  ])('%s → %s', (sel, expected) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(expected)
  })

  test('garbage is refused', () => {
    expect(() => parseLabelSelector('app in gateway')).toThrow(SelectorError)
  })
})

test('field selectors read dotted paths; != matches missing fields', () => {
  const pod = { metadata: { name: 'a' }, status: { phase: 'Running' } }
  expect(matchesFields(parseFieldSelector('status.phase=Running,metadata.name==a'), pod)).toBe(true)
  expect(matchesFields(parseFieldSelector('spec.nodeName!=n1'), pod)).toBe(true)
  expect(matchesFields(parseFieldSelector('status.phase!=Running'), pod)).toBe(false)
})

test('AGE columns use HumanDuration', () => {
  const s = 1000
  expect(
    [59 * s, 150 * s, 11 * 60 * s, 5 * 3600 * s + 60 * s, 50 * 3600 * s, 400 * 86400 * s].map(
      humanDuration
    )
  ).toEqual(['59s', '2m30s', '11m', '5h1m', '2d2h', '400d'])
})

test('pod STATUS follows kubectl: waiting reason wins, then terminated reason, Terminating last', () => {
  const base = { metadata: {}, spec: { containers: [{}, {}] } }
  const waiting = {
    ...base,
    status: {
      phase: 'Pending',
      containerStatuses: [
        { state: { waiting: { reason: 'ImagePullBackOff' } } },
        { ready: true, state: { running: {} } }
      ]
    }
  }
  expect(summarizePod(waiting)).toEqual({ ready: '1/2', status: 'ImagePullBackOff', restarts: '0' })
  const done = {
    metadata: { deletionTimestamp: 'x' },
    spec: { containers: [{}] },
    status: {
      phase: 'Succeeded',
      containerStatuses: [{ state: { terminated: { reason: 'Completed' } } }]
    }
  }
  expect(summarizePod(done).status).toBe('Terminating')
})

test('FailedScheduling message groups and sorts reasons like the scheduler', () => {
  const msg = failedSchedulingMessage(
    5,
    new Map([
      ["node(s) didn't match pod anti-affinity rules", 2],
      ["node(s) didn't match Pod's node affinity/selector", 3]
    ])
  )
  expect(msg).toBe(
    "0/5 nodes are available: 2 node(s) didn't match pod anti-affinity rules, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/5 nodes are available: 2 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling."
  )
})

test('a filtered watch sees objects entering and leaving the selection as ADDED and DELETED', () => {
  const obj = (app: string) => ({ metadata: { name: 'p', labels: { app } } })
  const isGw = (o: { metadata: { labels?: Record<string, string> } }) =>
    o.metadata.labels?.app === 'gw'
  const ev = (from: string, to: string) =>
    filteredEvent(
      { type: 'MODIFIED', object: obj(to), previous: obj(from), resourceVersion: 2 },
      isGw
    )?.type
  expect([ev('gw', 'gw'), ev('fe', 'gw'), ev('gw', 'fe'), ev('fe', 'fe')]).toEqual([
    'MODIFIED',
    'ADDED',
    'DELETED',
    undefined
  ])
})

test('the store keeps a bounded history: older resourceVersions are expired', () => {
  const store = new ObjectStore(3)
  for (let i = 0; i < 5; i++) store.create('pods', { metadata: { name: `p${i}`, namespace: 'ns' } })
  expect(store.changesSince('pods', 1)).toBe('expired')
  expect(store.changesSince('pods', 2)).toHaveLength(3)
  expect(
    store
      .list('pods', { namespace: 'ns', limit: 2, afterKey: 'ns/p1' })
      .items.map(o => o.metadata.name)
  ).toEqual(['p2', 'p3'])
})
