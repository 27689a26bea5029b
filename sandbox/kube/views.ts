/** The wire form of a stored object for the API version it was requested through. Pure. */
import { groupVersion, type ResourceType } from './resources.js'
import type { KubeObject } from './types.js'

export type Render = (o: KubeObject) => KubeObject

/** core/v1 Event → events.k8s.io/v1 Event, the way the API server converts between them. */
function toEventsV1(o: KubeObject): KubeObject {
  const e = o as KubeObject & Record<string, unknown>
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: o.metadata,
    eventTime: e.eventTime ?? null,
    reportingController: e.reportingComponent ?? '',
    reportingInstance: e.reportingInstance ?? '',
    action: e.action ?? '',
    reason: e.reason,
    regarding: e.involvedObject,
    note: e.message,
    type: e.type,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count
  }
}

export function renderFor(r: ResourceType): Render {
  if (r.group === 'events.k8s.io') return toEventsV1
  const apiVersion = groupVersion(r)
  return o => ({ apiVersion, kind: r.kind, ...o })
}

/** Field paths of the served version, mapped onto the stored (core) form. */
export function storedFieldPath(r: ResourceType, path: string): string {
  if (r.storage === 'events') {
    if (path === 'source') return 'source.component'
    if (path.startsWith('regarding.')) return 'involvedObject.' + path.slice('regarding.'.length)
    if (path === 'reportingController') return 'reportingComponent'
  }
  return path
}
