/** Maps an API server URL path to what it addresses. Pure. */
import { findResource, type ResourceType } from './resources.js'

export type ApiTarget =
  | { type: 'apiVersions' }
  | { type: 'groupList' }
  | { type: 'group'; group: string }
  | { type: 'resourceList'; groupVersion: string }
  | { type: 'version' }
  | { type: 'health' }
  | {
      type: 'resource'
      resource: ResourceType
      namespace?: string
      name?: string
      subresource?: string
    }
  | { type: 'unknown' }

export function parseApiPath(pathname: string): ApiTarget {
  const seg = pathname
    .split('/')
    .filter(s => s !== '')
    .map(decodeURIComponent)
  if (seg[0] === 'version') return { type: 'version' }
  if (['healthz', 'readyz', 'livez'].includes(seg[0] ?? '')) return { type: 'health' }
  if (seg[0] === 'api') {
    if (seg.length === 1) return { type: 'apiVersions' }
    if (seg[1] !== 'v1') return { type: 'unknown' }
    if (seg.length === 2) return { type: 'resourceList', groupVersion: 'v1' }
    return resourceTarget('', 'v1', seg.slice(2))
  }
  if (seg[0] === 'apis') {
    if (seg.length === 1) return { type: 'groupList' }
    if (seg.length === 2) return { type: 'group', group: seg[1]! }
    if (seg.length === 3) return { type: 'resourceList', groupVersion: `${seg[1]}/${seg[2]}` }
    return resourceTarget(seg[1]!, seg[2]!, seg.slice(3))
  }
  return { type: 'unknown' }
}

function resourceTarget(group: string, version: string, rest: string[]): ApiTarget {
  // /namespaces/{ns}/{plural}[/{name}[/{sub}]] addresses namespaced objects;
  // /namespaces[/{name}] is the Namespace resource itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    const resource = findResource(group, version, rest[2]!)
    if (!resource?.namespaced) return { type: 'unknown' }
    return { type: 'resource', resource, namespace: rest[1], name: rest[3], subresource: rest[4] }
  }
  const resource = findResource(group, version, rest[0]!)
  if (!resource) return { type: 'unknown' }
  return { type: 'resource', resource, name: rest[1], subresource: rest[2] }
}
