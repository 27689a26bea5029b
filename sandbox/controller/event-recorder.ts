/** Writes core/v1 Events into the store, folding repeats into `count` like the kubelet's correlator. */
import { randomBytes } from 'node:crypto'
import type { ObjectStore } from '../kube/store.js'
import type { EventSpec } from './pod-lifecycle.js'

export interface Regarding {
  kind: string
  name: string
  uid: string
  apiVersion: string
  node?: string
}

export class EventRecorder {
  /** (object uid, reason, message) → event name, so repeats bump the same Event. */
  private readonly seen = new Map<string, string>()

  constructor(private readonly store: ObjectStore) {}

  record(about: Regarding, e: EventSpec, now: string): void {
    const key = `${about.uid}\0${e.reason}\0${e.message}\0${e.fieldPath ?? ''}`
    const existing = this.seen.get(key)
    if (existing && this.store.get('events', 'azureml', existing)) {
      this.store.update('events', 'azureml', existing, ev => {
        ev.count = ((ev.count as number) ?? 1) + 1
        ev.lastTimestamp = now
      })
      return
    }
    const name = `${about.name}.${randomBytes(8).toString('hex')}`
    this.seen.set(key, name)
    const scheduler = e.source === 'default-scheduler'
    this.store.create('events', {
      metadata: { name, namespace: 'azureml' },
      involvedObject: {
        kind: about.kind,
        namespace: 'azureml',
        name: about.name,
        uid: about.uid,
        apiVersion: about.apiVersion,
        ...(e.fieldPath ? { fieldPath: e.fieldPath } : {})
      },
      reason: e.reason,
      message: e.message,
      source: scheduler
        ? { component: 'default-scheduler' }
        : { component: e.source, ...(about.node ? { host: about.node } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: e.type,
      eventTime: null,
      reportingComponent: scheduler ? 'default-scheduler' : e.source,
      reportingInstance: scheduler ? '' : (about.node ?? '')
    })
  }

  forget(): void {
    this.seen.clear()
  }
}
