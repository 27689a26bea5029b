/** The loose object shape the stand-in API server stores and serves (the real wire JSON). */
export interface ObjectMeta {
  name: string
  namespace?: string
  uid?: string
  resourceVersion?: string
  generation?: number
  creationTimestamp?: string
  deletionTimestamp?: string
  generateName?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
  ownerReferences?: OwnerReference[]
  finalizers?: string[]
}

export interface OwnerReference {
  apiVersion: string
  kind: string
  name: string
  uid: string
  controller?: boolean
  blockOwnerDeletion?: boolean
}

export interface KubeObject {
  apiVersion?: string
  kind?: string
  metadata: ObjectMeta
  // Kubernetes objects are open-ended JSON; typed views live where they are built.
  [field: string]: unknown
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED'

/** One change as the store records it; `previous` lets a filtered watch turn MODIFIED into ADDED/DELETED. */
export interface StoredEvent {
  type: WatchEventType
  object: KubeObject
  previous?: KubeObject
  resourceVersion: number
}
