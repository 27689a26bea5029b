import { request } from 'node:https'
import type { KubeConfig } from '@kubernetes/client-node'

/**
 * Whether the API server answers at all within `timeoutMs`: one unauthenticated GET /version, any
 * HTTP status counting as an answer. A private or IP-restricted API server often takes no
 * packets rather than refusing them, and the client's own connect timeout would hold the run
 * far longer. Resolves undefined when it answered, else the failure in words.
 */
export function unanswered(kc: KubeConfig, timeoutMs: number): Promise<string | undefined> {
  const cluster = kc.getCurrentCluster()
  if (!cluster) return Promise.resolve('no cluster in the kubeconfig')
  const url = new URL('/version', cluster.server)
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64') : undefined
  return new Promise(resolve => {
    const req = request(url, { method: 'GET', ca, timeout: timeoutMs, agent: false }, res => {
      res.resume()
      resolve(undefined)
      req.destroy()
    })
    req.on('timeout', () => {
      resolve(`no answer within ${Math.round(timeoutMs / 100) / 10} s`)
      req.destroy()
    })
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve(`${err.code ?? err.name}: ${err.message}`)
    )
    req.end()
  })
}
