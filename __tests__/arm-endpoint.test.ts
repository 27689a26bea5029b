/** An arm-endpoint that is not Azure Resource Manager is named as the cause, not "not found". */
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { sandboxTls } from '../sandbox/tls.js'
import { visibleLog } from './helpers/action.js'
import { runInSandbox, sandboxInputs, startFullSandbox } from './helpers/sandbox-run.js'
import type { Sandbox } from './helpers/sandbox-run.js'

let s: Sandbox
beforeAll(async () => {
  s = await startFullSandbox()
})
afterAll(() => s.stop())

test.each([
  ['an HTML 404 page', 404, 'text/html', '<html><body>Not Found</body></html>'],
  ['a JSON 404 without an ARM error', 404, 'application/json', '{"message":"no route"}'],
  ['a 200 that is not JSON', 200, 'text/plain', 'ok']
])('arm-endpoint answering %s: the run names arm-endpoint', async (_, status, type, body) => {
  const tls = sandboxTls()
  const server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
    res.writeHead(status, { 'content-type': type }).end(body)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  try {
    const port = (server.address() as AddressInfo).port
    const r = await runInSandbox(s, {
      ...sandboxInputs(s),
      'arm-endpoint': `https://127.0.0.1:${port}`,
      scenario: 'training',
      'cluster-access': 'none'
    })
    expect(r.failed).toBe(true)
    expect(visibleLog(r)).toMatch(/not Azure Resource Manager's: check arm-endpoint/)
    expect(visibleLog(r)).not.toMatch(/was not found/)
  } finally {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
})
