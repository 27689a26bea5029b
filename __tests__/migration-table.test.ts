/**
 * The README's migration table: for each `az k8s-extension create` row, the action inputs beside it
 * produce the same extension request as the command's own `--config` (both through the settings
 * engine, whose CLI parity the seed-case tests pin). A row that drifts from the code fails here.
 */
import { readFileSync } from 'node:fs'
import { desiredExtension, planRequest } from '../src/settings/index.js'
import type { ClusterFacts } from '../src/settings/index.js'
import { BASE_INPUTS, inputsFrom, SUBSCRIPTION } from './helpers/inputs.js'
import { FILES, tls } from './helpers/seed-cases.js'

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const PEM_FILES = 'sslCertPemFile=/certs/cert.pem\nsslKeyPemFile=/certs/key.pem'

const AKS: ClusterFacts = {
  id: `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml/providers/Microsoft.ContainerService/managedClusters/aks`,
  name: 'aks',
  type: 'managedClusters',
  location: 'eastus',
  nodeCount: 3
}

interface Row {
  what: string
  az: Record<string, string>
  action: Record<string, string>
}

function rows(): Row[] {
  const start = README.indexOf('<!-- migration-table')
  const lines = README.slice(start).split('\n').slice(1)
  const table = lines.slice(lines.findIndex(l => l.startsWith('|')))
  const body = table.slice(
    2,
    table.findIndex(l => !l.startsWith('|'))
  )
  return body.map(line => {
    const [what, az, action] = line
      .split(/(?<!\\)\|/)
      .slice(1, 4)
      .map(c => c.trim())
    return { what: what!, az: azInputs(az!), action: actionInputs(action!) }
  })
}

/** `` `k=v k=v` `--config-protected …PemFile=…` `` → the `config` (and TLS files) an az user has. */
function azInputs(cell: string): Record<string, string> {
  const [config, ...rest] = [...cell.matchAll(/`([^`]+)`/g)].map(m => m[1]!)
  const out: Record<string, string> = { config: config!.split(/\s+/).join('\n') }
  if (rest.some(r => r.startsWith('--config-protected'))) out['config-protected'] = PEM_FILES
  return out
}

/** `` `key: value`<br>… `` → inputs; `…` stands for the PEM text from a secret. */
function actionInputs(cell: string): Record<string, string> {
  const pem: Record<string, string> = { 'ssl-cert': tls.cert, 'ssl-key': tls.key }
  return Object.fromEntries(
    [...cell.matchAll(/`([\w-]+): ([^`]+)`/g)].map(([, k, v]) => [k!, v === '…' ? pem[k!]! : v!])
  )
}

function body(table: Record<string, string>) {
  const { inputs, problems } = inputsFrom(
    { ...BASE_INPUTS, 'cluster-type': 'managedClusters', ...table },
    FILES
  )
  return desiredExtension(planRequest(inputs, problems).request, AKS).body
}

test('the table has every command of the original guide', () => {
  expect(rows().map(r => r.what)).toHaveLength(8)
})

test.each(rows())('$what: the action inputs make the same request as the command', row => {
  expect(body(row.action)).toEqual(body(row.az))
})
