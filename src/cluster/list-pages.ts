/** Listing a resource in pages, reduced to facts as each page arrives. */
import { isAscii } from 'node:buffer'
import { Observable, SelfDecodingBody } from '@kubernetes/client-node'
import type { ConfigurationOptions, ObservableMiddleware } from '@kubernetes/client-node'
import type { RequestContext, ResponseContext } from '@kubernetes/client-node'
import { metaOf, type FeedSpec, type Listed } from './watch-feed.js'

/**
 * Caps the list pages in flight across all resources. A page of 500 nodes (with their image
 * lists) is megabytes parsed, so they are not all let loose; but one at a time leaves the API
 * server idle while a page is parsed and the client idle while the server renders the next.
 * Two overlap the two; the pages of one resource stay serial (each needs the last's continue).
 */
export class PageQueue {
  private active = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly limit: number) {}

  async run<R>(request: () => Promise<R>): Promise<R> {
    if (this.active < this.limit) this.active++
    else await new Promise<void>(resolve => this.waiting.push(resolve))
    try {
      return await request()
    } finally {
      // The slot passes straight to the next waiter, first come first served.
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}

type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>

/**
 * Every page of a resource, reduced into a fresh map by object name, and the list's
 * resourceVersion; undefined when `signal` aborted. The caller swaps the map in whole, so no
 * half-listed state is ever seen.
 */
export async function listAll<F>(
  spec: FeedSpec<F>,
  pageSize: number,
  signal: AbortSignal,
  queue: PageQueue
): Promise<{ facts: Map<string, F>; rv: string } | undefined> {
  const facts = new Map<string, F>()
  const connection: { dispatcher?: Dispatcher } = {}
  const options = pageOptions(signal, connection, items => {
    for (const item of items) facts.set(metaOf(item)?.name ?? '', spec.reduce(item as never))
  })
  let page: Listed | undefined
  try {
    do {
      const query = {
        limit: pageSize,
        _continue: page?.metadata?._continue,
        fieldSelector: spec.fieldSelector
      }
      page = await queue.run(() => spec.list(query, options))
    } while (page.metadata?._continue && !signal.aborted)
  } finally {
    // Its keep-alive connection would otherwise linger until the server drops it.
    connection.dispatcher?.close().catch(() => undefined)
  }
  if (signal.aborted) return undefined
  return { facts, rv: page.metadata?.resourceVersion ?? '' }
}

/**
 * Options for one list's calls: abortable (client-node takes a signal only through middleware),
 * on one connection, and each page's items handed to `take` as plain JSON before client-node
 * deserializes them. Typed copies (model classes, Dates) of a 500-pod page are megabytes of
 * garbage per page, and the JSON is what the watch delivers too. The typed client still builds,
 * authenticates and checks each request, and turns a failure into an ApiException.
 *
 * client-node gives every request a dispatcher of its own (with TLS options, a new connection
 * and handshake); the pages of one list, seconds apart, all go through the first page's.
 */
function pageOptions(
  signal: AbortSignal,
  connection: { dispatcher?: Dispatcher },
  take: (items: unknown[]) => void
): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: ctx => {
      ctx.setSignal(signal)
      if (connection.dispatcher) ctx.setDispatcher(connection.dispatcher)
      else connection.dispatcher = ctx.getDispatcher()
      return new Observable(Promise.resolve(ctx))
    },
    post: res =>
      new Observable(res.httpStatusCode === 200 ? takeItems(res, take) : Promise.resolve(res))
  }
  return { middleware: [middleware], middlewareMergeStrategy: 'append' }
}

/** Takes the items out of a page and leaves client-node the rest (a few hundred bytes). */
async function takeItems(res: ResponseContext, take: (items: unknown[]) => void) {
  const page = JSON.parse(await bodyText(res)) as { items?: unknown[] }
  take(page.items ?? [])
  page.items = []
  res.body = new SelfDecodingBody(Promise.resolve(Buffer.from(JSON.stringify(page))))
  return res
}

/**
 * The body as a string. API server JSON is almost always ASCII, which decodes as Latin-1 (the
 * same string) several times faster than UTF-8; tens of megabytes of pages make that count.
 */
async function bodyText(res: ResponseContext): Promise<string> {
  const stream = res.body.stream()
  if (!stream) return res.body.text()
  const chunks: Uint8Array[] = []
  for await (const chunk of stream) chunks.push(chunk)
  const body = Buffer.concat(chunks)
  return body.toString(isAscii(body) ? 'latin1' : 'utf8')
}
