/**
 * What the extension should run in `azureml` (spec/azureml-extension.md §8), as a pure function of the live
 * extension: its version, cluster type, effective settings and the cluster's nodes. Also which
 * expected component a pod belongs to, and which nodes a DaemonSet covers.
 */
import { HEALTHCHECK_POD } from './model.js'
import type {
  CatalogInput,
  ExpectedComponent,
  NodeFacts,
  PodFacts,
  Taint,
  Toleration,
  WorkloadFacts
} from './model.js'

/** The tolerations the extension's system pods carry (§8.4); no effect given, so any effect. */
export const SYSTEM_TOLERATIONS: readonly Toleration[] = Object.freeze([
  Object.freeze({ key: 'ml.azure.com/amlarc', operator: 'Equal', value: 'true' }),
  Object.freeze({ key: 'ml.azure.com/amlarc-system', operator: 'Equal', value: 'true' })
])

/**
 * seed: before 1.1.5 GA (azureml-fe v1, Blob CSI, NFD, alertmanager, host-device plugin).
 * transition: 1.1.5 up to 1.1.16 (fluent-bit still a DaemonSet).
 * current: 1.1.17 on, and an unknown version (first install in progress).
 */
type Era = 'seed' | 'transition' | 'current'

function eraOf(version: string | undefined): Era {
  if (versionBefore(version, [1, 1, 5])) return 'seed'
  if (versionBefore(version, [1, 1, 17])) return 'transition'
  return 'current'
}

/** Dotted numeric comparison; a missing or unreadable version counts as current. */
function versionBefore(version: string | undefined, boundary: readonly number[]): boolean {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version?.trim() ?? '')
  if (!match) return false
  const parts = match.slice(1).map(Number)
  for (let i = 0; i < boundary.length; i++) {
    const a = parts[i] ?? 0
    const b = boundary[i] ?? 0
    if (a !== b) return a < b
  }
  return false
}

/** The CLI's reading (§2.5): `true` in any case is true, anything else false, absent → default. */
function flag(settings: Record<string, string>, key: string, fallback: boolean): boolean {
  const value = settings[key]
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true'
}

/** `nodeSelector.<label>=<value>` settings (exact-case keys, §2.5) as a pod nodeSelector. */
export function nodeSelectorOf(settings: Record<string, string>): Record<string, string> {
  const prefix = 'nodeSelector.'
  const selector: Record<string, string> = {}
  for (const [key, value] of Object.entries(settings)) {
    if (key.startsWith(prefix) && key.length > prefix.length)
      selector[key.slice(prefix.length)] = value
  }
  return selector
}

interface Toggles {
  training: boolean
  inference: boolean
  ha: boolean
  promOp: boolean
  volcano: boolean
  blobCsi: boolean
  nvidia: boolean
  dcgm: boolean
  relay: boolean
  nginx: boolean
}

function togglesOf(input: CatalogInput, era: Era): Toggles {
  const s = input.settings
  const arc = input.clusterType === 'connectedClusters'
  const inference = flag(s, 'enableInference', false)
  return {
    training: flag(s, 'enableTraining', false),
    inference,
    // Current keys win; the legacy keys (§2.3) still count on extensions created before the rename.
    ha: flag(s, 'inferenceRouterHA', flag(s, 'inferenceLoadBalancerHA', true)),
    promOp: flag(s, 'installPromOp', !flag(s, 'reuseExistingPromOp', false)),
    volcano: flag(s, 'installVolcano', flag(s, 'volcanoScheduler.enable', true)),
    blobCsi: flag(s, 'blobCsiDriverEnabled', true),
    // The seed's default was True; Learn's (since 2022-04) is False.
    nvidia: flag(s, 'installNvidiaDevicePlugin', era === 'seed'),
    dcgm: flag(s, 'installDcgmExporter', false),
    // CLIs up to 1.2.1 wrote no key and the relay ran on every cluster type (seed table; fixture 4
    // on AKS in July 2022), so an absent key means on before 1.1.17. An explicit `false` is
    // honoured in every era: a missing relay would fail the run, an extra one is only a warning.
    relay: flag(s, 'relayserver.enabled', era !== 'current' || arc),
    // Inference only: training-only nginx is [unverified], and expecting a pod that may never come
    // fails a healthy install, while an unexpected one is only a warning. The seed table has no
    // nginx at all, so before 1.1.5 it is expected only when asked for.
    nginx: inference && flag(s, 'nginxIngress.enabled', era === 'seed' ? false : !arc)
  }
}

const component = (
  name: string,
  kind: ExpectedComponent['kind'],
  desired = 1
): ExpectedComponent => ({ name, kind, desired })
const when = <T>(condition: boolean, ...items: T[]): T[] => (condition ? items : [])

/** In every scenario: the hook, the agents talking to Azure, and the metrics stack. */
function coreComponents(ext: string, t: Toggles, era: Era): ExpectedComponent[] {
  return [
    component(HEALTHCHECK_POD, 'Hook'),
    ...when(t.relay, component('relayserver', 'Deployment', 2)),
    component('gateway', 'Deployment'),
    component('metrics-controller-manager', 'Deployment'),
    component(`${ext}-kube-state-metrics`, 'Deployment'),
    ...when(t.promOp, component(`${ext}-prometheus-operator`, 'Deployment')),
    component('prometheus-prom-prometheus', 'StatefulSet'),
    // [inferred] Docs dropped it in 2022-04/05, yet fixture 4 (AKS, July 2022, azureml-fe-v2 so
    // >= 1.1.5) still ran it and no 2024-25 listing does. No release note dates its removal; the
    // nearest documented restructuring is 1.1.17 (fluent-bit into sidecars), so it goes with that.
    ...when(era !== 'current', component('cluster-status-reporter', 'Deployment'))
  ]
}

function trainingComponents(t: Toggles, era: Era): ExpectedComponent[] {
  if (!t.training) return []
  const seed = era === 'seed'
  return [
    component('aml-operator', 'Deployment'),
    ...when(
      t.volcano,
      component('volcano-admission', 'Deployment'),
      component('volcano-controllers', 'Deployment'),
      component('volcano-scheduler', 'Deployment')
    ),
    ...when(seed, component('nfd-master', 'Deployment')),
    ...when(seed && t.blobCsi, component('csi-blob-controller', 'Deployment')),
    // The seed names only `alertmanager`; its pod name is matched by prefix.
    ...when(seed, component('alertmanager', 'StatefulSet'))
  ]
}

function inferenceComponents(t: Toggles, era: Era): ExpectedComponent[] {
  if (!t.inference) return []
  return [
    component('amlarc-identity-controller', 'Deployment'),
    component('amlarc-identity-proxy', 'Deployment'),
    component('inference-operator-controller-manager', 'Deployment'),
    component(era === 'seed' ? 'azureml-fe' : 'azureml-fe-v2', 'Deployment', t.ha ? 3 : 1),
    ...when(t.nginx, component('azureml-ingress-nginx-controller', 'Deployment'))
  ]
}

function daemonSetNames(ext: string, t: Toggles, era: Era): string[] {
  const seed = era === 'seed'
  return [
    ...when(era !== 'current', 'fluent-bit'),
    ...when(seed, 'k8s-host-device-plugin-daemonset'),
    ...when(seed && t.training, 'nfd-worker'),
    ...when(seed && t.training && t.blobCsi, 'csi-blob-node'),
    // §8.2 does not say which namespace the plugin lands in; `azureml` is the reading here.
    ...when(t.nvidia, 'nvidia-device-plugin-daemonset'),
    ...when(t.dcgm, `${ext}-dcgm-exporter`)
  ]
}

export function expectedComponents(input: CatalogInput): ExpectedComponent[] {
  const era = eraOf(input.version)
  const t = togglesOf(input, era)
  const ext = input.extensionName
  const selector = nodeSelectorOf(input.settings)
  const perNode = eligibleNodes(input.nodes, selector, SYSTEM_TOLERATIONS).length
  return [
    ...coreComponents(ext, t, era),
    ...trainingComponents(t, era),
    ...inferenceComponents(t, era),
    ...daemonSetNames(ext, t, era).map(name => component(name, 'DaemonSet', perNode))
  ]
}

// ---------------------------------------------------------------- pods → components

/** Kubernetes cuts a generated name's base to 58 characters before adding 5 random ones. */
const GENERATED_BASE_MAX = 58
const GENERATED_NAME_MAX = 63

/** The workload that owns a pod: a ReplicaSet stands for its Deployment. */
function ownerWorkload(pod: PodFacts, workloads?: readonly WorkloadFacts[]): string | undefined {
  const owner = pod.owner
  if (!owner) return undefined
  if (owner.kind !== 'ReplicaSet') return owner.name
  const known = workloads?.find(w => w.kind === 'ReplicaSet' && w.name === owner.name)
  if (known?.owner) return known.owner
  // A ReplicaSet is named `<deployment>-<pod-template-hash>`, and is never truncated.
  const cut = owner.name.lastIndexOf('-')
  return cut > 0 ? owner.name.slice(0, cut) : owner.name
}

/** Exact name, else the longest expected name that `name` starts with followed by `-`. */
function byPrefix(name: string, expected: readonly string[]): string | undefined {
  if (expected.includes(name)) return name
  let best: string | undefined
  for (const candidate of expected) {
    if (name.startsWith(`${candidate}-`) && candidate.length > (best?.length ?? -1))
      best = candidate
  }
  return best
}

/**
 * A 63-character generated name whose 58-character base was cut inside the workload name.
 * Helm caps release (extension) names at 53 characters, so the cut keeps at least 4 characters
 * of the suffix after `{EXT}-`, enough to tell the `{EXT}-` components apart; if it still matched
 * more than one, guessing would miscount, so it matches none.
 */
function byTruncatedBase(name: string, expected: readonly string[]): string | undefined {
  if (name.length !== GENERATED_NAME_MAX) return undefined
  const base = name.slice(0, GENERATED_BASE_MAX)
  const candidates = expected.filter(candidate => `${candidate}-`.startsWith(base))
  return candidates.length === 1 ? candidates[0] : undefined
}

/** Which expected component a pod belongs to (by owner workload first, else by name prefix), or undefined. */
export function componentOfPod(
  pod: PodFacts,
  expected: readonly ExpectedComponent[],
  workloads?: readonly WorkloadFacts[]
): string | undefined {
  const names = expected.map(e => e.name)
  const workload = ownerWorkload(pod, workloads)
  const byOwner = workload === undefined ? undefined : byPrefix(workload, names)
  return byOwner ?? byPrefix(pod.name, names) ?? byTruncatedBase(pod.name, names)
}

// ---------------------------------------------------------------- DaemonSet coverage

/** Taints that keep an untolerating pod off a node; PreferNoSchedule is only a preference. */
function repels(taint: Taint): boolean {
  return taint.effect === 'NoSchedule' || taint.effect === 'NoExecute'
}

/** Kubernetes toleration matching: empty effect matches any; `Exists` ignores the value. */
function tolerates(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false
  if (toleration.operator === 'Exists') return !toleration.key || toleration.key === taint.key
  return toleration.key === taint.key && (toleration.value ?? '') === (taint.value ?? '')
}

/**
 * Nodes a DaemonSet's pods may run on: Ready, not cordoned, matching the node selector, taints
 * (NoSchedule/NoExecute) tolerated. A lower bound on purpose: Kubernetes still places DaemonSet
 * pods on cordoned nodes, but a pod on a cordoned or NotReady node is not one to wait for.
 */
export function eligibleNodes(
  nodes: readonly NodeFacts[],
  nodeSelector: Record<string, string>,
  tolerations: readonly Toleration[]
): NodeFacts[] {
  const selector = Object.entries(nodeSelector)
  return nodes.filter(
    node =>
      node.ready &&
      !node.unschedulable &&
      selector.every(([label, value]) => node.labels[label] === value) &&
      node.taints.every(taint => !repels(taint) || tolerations.some(t => tolerates(t, taint)))
  )
}
