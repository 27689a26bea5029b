/** Listing a resource in pages, reduced to facts as each page arrives. */
import { Observable, SelfDecodingBody, type ResponseContext } from '@kubernetes/client-node'
import type { ConfigurationOptions, ObservableMiddleware } from '@kubernetes/client-node'
import { metaOf, type FeedSpec, type Listed } from './watch-feed.js'

/**
 * List pages of all resources go one at a time: a page of 500 nodes (with their image lists)
 * can be tens of megabytes parsed, and parallel pages would multiply that peak.
 */
export class PageQueue {
  private last: Promise<void> = Promise.resolve()

  run<R>(request: () => Promise<R>): Promise<R> {
    const result = this.last.then(request)
    this.last = result.then(
      () => undefined,
      () => undefined
    )
    return result
  }
}

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
  const options = pageOptions(signal, items => {
    for (const item of items) facts.set(metaOf(item)?.name ?? '', spec.reduce(item as never))
  })
  let page: Listed | undefined
  do {
    const query = {
      limit: pageSize,
      _continue: page?.metadata?._continue,
      fieldSelector: spec.fieldSelector
    }
    page = await queue.run(() => spec.list(query, options))
  } while (page.metadata?._continue && !signal.aborted)
  if (signal.aborted) return undefined
  return { facts, rv: page.metadata?.resourceVersion ?? '' }
}

/**
 * Options for one list call: abortable (client-node takes a signal only through middleware), and
 * the page's items handed to `take` as plain JSON before client-node deserializes them. Typed
 * copies (model classes, Dates) of a 500-pod page are megabytes of garbage per page, and the
 * JSON is what the watch delivers too. The typed client still builds, authenticates and checks
 * the request, and turns a failure into an ApiException.
 */
function pageOptions(signal: AbortSignal, take: (items: unknown[]) => void): ConfigurationOptions {
  const middleware: ObservableMiddleware = {
    pre: ctx => {
      ctx.setSignal(signal)
      return new Observable(Promise.resolve(ctx))
    },
    post: res =>
      new Observable(res.httpStatusCode === 200 ? takeItems(res, take) : Promise.resolve(res))
  }
  return { middleware: [middleware], middlewareMergeStrategy: 'append' }
}

async function takeItems(res: ResponseContext, take: (items: unknown[]) => void) {
  const page = JSON.parse(await res.body.text()) as { items?: unknown[] }
  take(page.items ?? [])
  page.items = []
  res.body = new SelfDecodingBody(Promise.resolve(Buffer.from(JSON.stringify(page))))
  return res
}
