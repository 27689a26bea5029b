/**
 * Which workloads an AzureML extension install runs in `azureml` (spec/azureml-extension.md §8.2/§8.3), as a pure
 * function of the extension's settings, version and cluster type.
 */
import type { InstalledExtension } from '../contract.js'

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet'

export interface ComponentSpec {
  /** Workload name (Deployment/StatefulSet/DaemonSet). */
  name: string
  kind: WorkloadKind
  /** Deployments and StatefulSets; a DaemonSet runs one pod per eligible node instead. */
  replicas: number
  containers: string[]
  /** Pod template labels, besides the controller-added hash labels. */
  labels: Record<string, string>
  /** Required pod anti-affinity on hostname: at most one replica per node (azureml-fe-v2 with HA). */
  onePerNode?: boolean
}

export const SYSTEM_LABELS = {
  'ml.azure.com/amlarc-system': 'true',
  'ml.azure.com/billing-category': 'azureml-system'
}

/** `true` in any case is true, anything else false, absent → default (the CLI's reading). */
export function flag(settings: Record<string, string>, key: string, fallback: boolean): boolean {
  const v = settings[key]
  return v === undefined ? fallback : v.toLowerCase() === 'true'
}

/** `nodeSelector.<label>=<value>` settings as a pod nodeSelector. */
export function nodeSelectorOf(settings: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(settings)) {
    if (k.startsWith('nodeSelector.')) out[k.slice('nodeSelector.'.length)] = v
  }
  return out
}

/** Compares dotted numeric versions; a missing version counts as current. */
export function versionBefore(version: string | undefined, boundary: string): boolean {
  if (!version) return false
  const a = version.split('.').map(n => parseInt(n, 10) || 0)
  const b = boundary.split('.').map(n => parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) < (b[i] ?? 0)
  }
  return false
}

/** Since 1.1.17 fluent-bit runs as a sidecar in most components (READY 1/1 → 2/2). */
function withLogSidecar(main: string[], sidecars: boolean): string[] {
  return sidecars ? [...main, 'fluent-bit'] : main
}

function deployment(
  name: string,
  containers: string[],
  replicas = 1,
  extra: Partial<ComponentSpec> = {}
): ComponentSpec {
  return {
    name,
    kind: 'Deployment',
    replicas,
    containers,
    labels: { app: name, ...SYSTEM_LABELS },
    ...extra
  }
}

function daemonSet(name: string, containers: string[]): ComponentSpec {
  return {
    name,
    kind: 'DaemonSet',
    replicas: 0,
    containers,
    labels: { app: name, ...SYSTEM_LABELS }
  }
}

export function expectedComponents(ext: InstalledExtension): ComponentSpec[] {
  const s = ext.settings
  const arc = ext.clusterType === 'connectedClusters'
  const training = flag(s, 'enableTraining', false)
  const inference = flag(s, 'enableInference', false)
  const legacy = versionBefore(ext.version, '1.1.5')
  const sidecars = !versionBefore(ext.version, '1.1.17')
  const out: ComponentSpec[] = []
  const add = (c: ComponentSpec) => out.push(c)

  if (flag(s, 'relayserver.enabled', arc) || legacy) {
    add(deployment('relayserver', withLogSidecar(['relayserver'], sidecars), 2))
  }
  add(deployment('gateway', withLogSidecar(['gateway'], sidecars)))
  add(deployment('metrics-controller-manager', withLogSidecar(['manager'], sidecars)))
  add(deployment(`${ext.name}-kube-state-metrics`, ['kube-state-metrics']))
  if (flag(s, 'installPromOp', true))
    add(deployment(`${ext.name}-prometheus-operator`, ['prometheus-operator']))
  add({
    name: 'prometheus-prom-prometheus',
    kind: 'StatefulSet',
    replicas: 1,
    containers: ['prometheus', 'config-reloader'],
    labels: { app: 'prometheus', prometheus: 'prom-prometheus', ...SYSTEM_LABELS }
  })
  // [inferred] boundary: a July 2022 1.1.x install still ran cluster-status-reporter (fixture 4).
  if (versionBefore(ext.version, '1.1.9'))
    add(deployment('cluster-status-reporter', ['cluster-status-reporter']))
  if (training) add(deployment('aml-operator', withLogSidecar(['aml-operator'], sidecars)))
  if (training && flag(s, 'installVolcano', true)) {
    for (const v of ['volcano-admission', 'volcano-controllers', 'volcano-scheduler'])
      add(deployment(v, [v]))
  }
  if (inference) addInference(ext, sidecars, legacy, add)
  if (!sidecars) add(daemonSet('fluent-bit', ['fluent-bit']))
  if (flag(s, 'installNvidiaDevicePlugin', false)) {
    add(daemonSet('nvidia-device-plugin-daemonset', ['nvidia-device-plugin-ctr']))
  }
  if (flag(s, 'installDcgmExporter', false))
    add(daemonSet(`${ext.name}-dcgm-exporter`, ['exporter']))
  return out
}

function addInference(
  ext: InstalledExtension,
  sidecars: boolean,
  legacy: boolean,
  add: (c: ComponentSpec) => void
): void {
  const s = ext.settings
  const arc = ext.clusterType === 'connectedClusters'
  add(deployment('amlarc-identity-controller', withLogSidecar(['identity-controller'], sidecars)))
  add(deployment('amlarc-identity-proxy', withLogSidecar(['identity-proxy'], sidecars)))
  add(deployment('inference-operator-controller-manager', withLogSidecar(['manager'], sidecars)))
  const ha = flag(s, 'inferenceRouterHA', flag(s, 'inferenceLoadBalancerHA', true))
  const fe = legacy ? 'azureml-fe' : 'azureml-fe-v2'
  add(
    deployment(fe, withLogSidecar(['azureml-fe', 'fe-sidecar', 'telegraf'], sidecars), ha ? 3 : 1, {
      onePerNode: true,
      labels: {
        azuremlappname: 'azureml-fe',
        ...(legacy ? {} : { azuremlappversion: 'v2' }),
        ...SYSTEM_LABELS
      }
    })
  )
  if (flag(s, 'nginxIngress.enabled', !arc)) {
    add(deployment('azureml-ingress-nginx-controller', ['controller']))
  }
}
