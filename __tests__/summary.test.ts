/** The job summary built from a report: sections in order, narrow tables, small at any scale. */
import type { ComponentStatus } from '../src/cluster/model.js'
import { Report } from '../src/report/report.js'
import { summaryOf } from '../src/report/summary.js'
import { BASE_INPUTS, inputsFrom } from './helpers/inputs.js'

function report(mode = 'apply'): Report {
  const r = new Report()
  r.begin(inputsFrom({ ...BASE_INPUTS, mode }).inputs)
  r.provisioningState = 'Succeeded'
  r.extensionId =
    '/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.Kubernetes/connectedClusters/arc-cluster/providers/Microsoft.KubernetesConfiguration/extensions/arcml-extension'
  r.extensionVersion = '1.1.71'
  return r
}

const pod = (name: string, ready = '2/2', phase = 'Running') => ({
  name,
  phase,
  ready,
  restarts: 0,
  node: 'aks-nodepool1-0'
})

function daemonSet(name: string, pods: number, notReady = 0): ComponentStatus {
  return {
    name,
    kind: 'DaemonSet',
    status: notReady > 0 ? 'NotReady' : 'Ready',
    ready: pods - notReady,
    desired: pods,
    pods: Array.from({ length: pods }, (_, i) =>
      pod(`${name}-${i.toString(36).padStart(5, '0')}`, i < notReady ? '1/2' : '2/2')
    )
  }
}

/** Widest table row, in cells. */
const widest = (md: string) =>
  Math.max(
    ...md
      .split('\n')
      .filter(l => l.startsWith('|'))
      .map(l => l.split(' | ').length)
  )

test('a failed run shows the verdict, then the problems with their fixes, before anything else', () => {
  const r = report()
  r.fail('The extension’s components in azureml are failing (1 problem).', {
    component: 'gateway',
    pod: 'gateway-7f9-2lxzh',
    reason: 'ImagePullBackOff',
    message: 'Back-off pulling image',
    fix: 'allow mcr.microsoft.com'
  })
  const md = summaryOf(r)
  const order = ['## ❌', '**The extension', '### Problems (1)', '### Extension'].map(h =>
    md.indexOf(h)
  )
  expect(order).toEqual([...order].sort((a, b) => a - b))
  expect(md).toContain(
    '| gateway · gateway-7f9-2lxzh | ImagePullBackOff: Back-off pulling image | allow mcr.microsoft.com |'
  )
})

test('the extension links to the portal of its cloud', () => {
  const md = summaryOf(report())
  expect(md).toContain(
    '[arcml-extension](https://portal.azure.com/#@66666666-7777-8888-9999-000000000000/resource/subscriptions/s/'
  )
})

test('components with a mark each, pods in collapsible details, no table wider than five columns', () => {
  const r = report()
  r.components = [daemonSet('fluent-bit', 3, 1)]
  const md = summaryOf(r)
  expect(md).toContain('| ⏳ NotReady | fluent-bit | DaemonSet | 2/3 |')
  expect(md).toMatch(
    /<details><summary>fluent-bit: 3 pods<\/summary>[\s\S]*fluent-bit-00000 \| Running \| 1\/2/
  )
  expect(widest(md)).toBeLessThanOrEqual(5)
})

test('20,000 pods: summarised per component, not-ready pods first, well under 1 MiB', () => {
  const r = report()
  r.components = [
    daemonSet('fluent-bit', 5000, 2),
    daemonSet('nvidia-device-plugin-daemonset', 5000),
    daemonSet('arcml-extension-dcgm-exporter', 5000),
    daemonSet('k8s-host-device-plugin-daemonset', 5000)
  ]
  const md = summaryOf(r)
  expect(Buffer.byteLength(md)).toBeLessThan(64 * 1024)
  expect(md).toMatch(/fluent-bit-00000 \| Running \| 1\/2/)
  expect(md).toContain('4980 more pods; 2 of all 5000 not ready.')
})

test.each(['apply', 'verify', 'drift', 'delete'])(
  '%s: the extension section is always there',
  mode => {
    const md = summaryOf(report(mode))
    expect(md).toContain(`AzureML extension · ${mode}`)
    expect(md).toContain('| State | Succeeded |')
  }
)
