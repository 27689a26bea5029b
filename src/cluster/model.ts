/**
 * The cluster side in domain terms: what the `azureml` namespace holds (facts reduced from the
 * Kubernetes objects), what should run there (the catalog), and how each component stands.
 * Types only: the catalog, the assessment and the watcher all speak these.
 */

export { AZUREML_NAMESPACE, HEALTHCHECK_CONFIGMAPS, HEALTHCHECK_POD } from '../names.js'

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet'

// ---------------------------------------------------------------- facts read from the cluster

export interface ContainerFacts {
  name: string
  /** An init container (runs to completion before the others start). */
  init: boolean
  ready: boolean
  restarts: number
  state: 'waiting' | 'running' | 'terminated' | 'unknown'
  /** `waiting.reason` or `terminated.reason`: ImagePullBackOff, CrashLoopBackOff, OOMKilled, … */
  reason?: string
  message?: string
  exitCode?: number
  /** The last termination, which explains a CrashLoopBackOff (`OOMKilled`, exit code). */
  lastTermination?: { reason?: string; exitCode?: number; finishedAt?: string }
}

export interface PodCondition {
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
  lastTransitionTime?: string
}

export interface PodFacts {
  name: string
  /** Pending, Running, Succeeded, Failed, Unknown. */
  phase: string
  node?: string
  labels: Record<string, string>
  /** The controlling owner: ReplicaSet, DaemonSet, StatefulSet, Job; absent for a bare pod. */
  owner?: { kind: string; name: string }
  /** metadata.deletionTimestamp is set: the pod is on its way out. */
  terminating: boolean
  createdAt?: string
  /** status.reason / status.message of the pod itself (Evicted, …). */
  reason?: string
  message?: string
  scheduled?: PodCondition
  ready?: PodCondition
  containers: ContainerFacts[]
}

export interface WorkloadCondition {
  type: string
  status: 'True' | 'False' | 'Unknown'
  reason?: string
  message?: string
}

export interface WorkloadFacts {
  kind: WorkloadKind | 'ReplicaSet'
  name: string
  /** The owning Deployment of a ReplicaSet. */
  owner?: string
  /** The Helm release that made it (`meta.helm.sh/release-name`): the extension's name. */
  release?: string
  /** Deployment/StatefulSet/ReplicaSet: spec.replicas. DaemonSet: status.desiredNumberScheduled. */
  desired: number
  /** Ready pods as the controller counts them (readyReplicas / numberReady). */
  ready: number
  /** Pods of the current template (updatedReplicas / updatedNumberScheduled). */
  updated?: number
  generation?: number
  observedGeneration?: number
  conditions: WorkloadCondition[]
  /** The pod template's nodeSelector and tolerations (for which nodes a DaemonSet covers). */
  nodeSelector?: Record<string, string>
  tolerations?: Toleration[]
}

export interface Taint {
  key: string
  value?: string
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' | string
}

export interface Toleration {
  key?: string
  operator?: 'Exists' | 'Equal' | string
  value?: string
  effect?: string
}

export interface NodeFacts {
  name: string
  /** The Ready condition is True. */
  ready: boolean
  /** spec.unschedulable (cordoned). */
  unschedulable: boolean
  labels: Record<string, string>
  taints: Taint[]
}

export interface EventFacts {
  /** The object the event is about: Pod, ReplicaSet, Deployment, DaemonSet, StatefulSet, … */
  involvedKind: string
  involvedName: string
  type: 'Normal' | 'Warning' | string
  reason: string
  message: string
  /** Reporting component: default-scheduler, kubelet, cluster-autoscaler, … */
  source?: string
  count: number
  /** lastTimestamp, eventTime or firstTimestamp, whichever the event has (ISO 8601). */
  lastSeen?: string
}

/** Everything the assessment needs to know about `azureml`, at one moment. */
export interface NamespaceSnapshot {
  /** Active, Terminating, or absent when the namespace does not exist. */
  namespacePhase?: 'Active' | 'Terminating' | string
  pods: PodFacts[]
  workloads: WorkloadFacts[]
  nodes: NodeFacts[]
  events: EventFacts[]
  /** The healthcheck configmap's data (report keys → report text), when it exists. */
  healthcheck?: Record<string, string>
}

// ---------------------------------------------------------------- running work

/** Active work in the cluster that a disruptive update would hit. */
export interface WorkloadCount {
  trainingJobs: number
  onlineDeployments: number
}

/** What the cluster says about its use (read by `usage.ts`); each part undefined when unknown. */
export interface ClusterUsage {
  gpuInUse?: boolean
  workloads?: WorkloadCount
}

// ---------------------------------------------------------------- what should run

/** One component the extension should run, from the catalog. */
export interface ExpectedComponent {
  /** Workload name, e.g. `azureml-fe-v2`, `arcml-extension-kube-state-metrics`, or `healthcheck`. */
  name: string
  kind: WorkloadKind | 'Hook'
  /**
   * Deployments/StatefulSets: replicas. DaemonSets: the eligible nodes (Ready, schedulable,
   * matching the node selector, taints tolerated). Hook: 1.
   */
  desired: number
}

/** The extension as the catalog needs it: read from the live extension (effective settings). */
export interface CatalogInput {
  extensionName: string
  /** currentVersion; undefined (first install in progress) counts as current. */
  version?: string
  clusterType: 'connectedClusters' | 'managedClusters'
  /** The live `configurationSettings` (they include the CLI-derived keys). */
  settings: Record<string, string>
  nodes: NodeFacts[]
}

// ---------------------------------------------------------------- how it stands

export type ComponentState =
  'Ready' | 'NotReady' | 'Failed' | 'Missing' | 'Completed' | 'Unexpected'

/** One pod as the `components` output reports it. */
export interface PodStatus {
  name: string
  phase: string
  /** Ready containers over all (non-init) containers, e.g. `2/2`. */
  ready: string
  restarts: number
  node?: string
  reason?: string
  message?: string
}

/** One entry of the `components` output. */
export interface ComponentStatus {
  name: string
  kind: WorkloadKind | 'Hook' | 'Pod'
  status: ComponentState
  ready: number
  desired: number
  pods: PodStatus[]
}

/** A reason the cluster is not healthy, found in its state: what, where, the evidence, the fix. */
export interface ClusterProblem {
  component: string
  pod?: string
  /** Short machine-friendly reason: ImagePullBackOff, CrashLoopBackOff, OOMKilled, Unschedulable, … */
  reason: string
  /** What was seen: the event or status text, quoted. */
  message: string
  fix: string
}

/**
 * The verdict on a snapshot. `healthy`: done. `failed`: waiting cannot help (problems say why).
 * `waiting`: not there yet; `awaiting` says for what, `notes` say why waiting is right (autoscaler).
 */
export interface Assessment {
  verdict: 'healthy' | 'waiting' | 'failed'
  components: ComponentStatus[]
  problems: ClusterProblem[]
  /** Short phrases for the progress line: `azureml-fe-v2 (1/3 ready)`, `volcano-scheduler (ContainerCreating)`. */
  awaiting: string[]
  /** Things worth one log line while waiting, e.g. the cluster autoscaler adding a node. */
  notes: string[]
  /** Pods of no expected component: reported Unexpected and warned about, never failed on. */
  unexpected: string[]
}
