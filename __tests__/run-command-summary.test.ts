/** The job summary says when the cluster was checked through AKS Run Command, and only then. */
import { Report } from '../src/report/report.js'
import { summaryOf } from '../src/report/summary.js'
import { BASE_INPUTS, inputsFrom } from './helpers/inputs.js'

function report(): Report {
  const r = new Report()
  r.begin(inputsFrom({ ...BASE_INPUTS, mode: 'verify' }).inputs)
  r.provisioningState = 'Succeeded'
  return r
}

test('a cluster checked through Run Command: one line says so', () => {
  const r = report()
  r.clusterVia = 'run-command'
  const lines = summaryOf(r)
    .split('\n')
    .filter(l => /Run Command/.test(l))
  expect(lines).toEqual([
    'The cluster was checked through AKS Run Command: `kubectl get` ran inside the cluster through ARM, not from the runner.'
  ])
})

test('a cluster checked through a kubeconfig: no word of Run Command', () => {
  expect(summaryOf(report())).not.toMatch(/Run Command/)
})
