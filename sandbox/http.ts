import http from 'node:http'
import https from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { TlsMaterial } from './tls.js'

/** A request as the sandbox's handlers see it: parsed once, body already read. */
export interface SandboxRequest {
  method: string
  /** Path without the query string, percent-decoded. */
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  /** Raw body text ('' when none). */
  text: string
}

/** What a handler answers; `drop` destroys the socket without a reply (a dropped connection). */
export type SandboxResponse =
  { status: number; headers?: Record<string, string>; body?: unknown } | { drop: true }

export type Handler = (req: SandboxRequest) => Promise<SandboxResponse> | SandboxResponse

/** A listening loopback server that can be closed without leaving handles behind. */
export interface LoopbackServer {
  /** `http(s)://127.0.0.1:PORT` with no trailing slash. */
  origin: string
  close(): Promise<void>
}

async function readText(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

function toSandboxRequest(req: http.IncomingMessage, text: string): SandboxRequest {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1')
  return {
    method: (req.method ?? 'GET').toUpperCase(),
    path: decodeURIComponent(url.pathname),
    query: url.searchParams,
    headers: req.headers,
    text
  }
}

function write(res: http.ServerResponse, reply: SandboxResponse): void {
  if ('drop' in reply) {
    res.socket?.destroy()
    return
  }
  const headers: Record<string, string> = { ...reply.headers }
  let payload = ''
  if (reply.body !== undefined) {
    payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body)
    headers['content-type'] ??= 'application/json; charset=utf-8'
  }
  headers['content-length'] = String(Buffer.byteLength(payload))
  res.writeHead(reply.status, headers)
  res.end(payload)
}

/**
 * Starts `handler` on a free 127.0.0.1 port, over TLS when `tls` is given.
 * Sockets are tracked so close() can end keep-alive connections that clients hold open.
 */
export async function listen(handler: Handler, tls?: TlsMaterial): Promise<LoopbackServer> {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    readText(req)
      .then(text => handler(toSandboxRequest(req, text)))
      .then(reply => write(res, reply))
      .catch((err: unknown) => write(res, { status: 500, body: { error: String(err) } }))
  }
  const server = tls
    ? https.createServer({ cert: tls.cert, key: tls.key }, onRequest)
    : http.createServer(onRequest)
  const sockets = new Set<Socket>()
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}
