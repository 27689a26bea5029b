import type { SandboxRequest, SandboxResponse } from '../http.js'

/** Path parameters by the names used in the route template. */
export type Params = Record<string, string>

export type RouteHandler = (
  params: Params,
  req: SandboxRequest
) => SandboxResponse | Promise<SandboxResponse>

interface Route {
  method: string
  pattern: RegExp
  handler: RouteHandler
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `/subscriptions/{sub}/…` → a case-insensitive regex with named groups, as ARM matches paths. */
function compile(template: string): RegExp {
  const source = template
    .split(/(\{\w+\})/)
    .map(part => (/^\{\w+\}$/.test(part) ? `(?<${part.slice(1, -1)}>[^/]+)` : escape(part)))
    .join('')
  return new RegExp(`^${source}/?$`, 'i')
}

/** Method + path template dispatch; first match wins. */
export class Router {
  private readonly routes: Route[] = []

  on(method: string, template: string, handler: RouteHandler): this {
    this.routes.push({ method, pattern: compile(template), handler })
    return this
  }

  /** The handler for a request, or undefined (ARM then answers 404 / 405). */
  match(req: SandboxRequest): { handler: RouteHandler; params: Params } | undefined {
    for (const route of this.routes) {
      if (route.method !== req.method) continue
      const found = route.pattern.exec(req.path)
      if (found) return { handler: route.handler, params: { ...found.groups } }
    }
    return undefined
  }
}
