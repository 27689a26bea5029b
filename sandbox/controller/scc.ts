/**
 * OpenShift's SCC admission, as far as the extension meets it: which service account each
 * component's pods run as, the `privileged` SCC OpenShift ships, and whether a pod of a service
 * account may be created (its SCC users/groups, or `use` granted through ClusterRole
 * `system:openshift:scc:privileged`).
 */
import type { ObjectStore } from '../kube/store.js'
import type { KubeObject } from '../kube/types.js'

export const SCC_STORAGE = 'security.openshift.io/securitycontextconstraints'
const CRB_STORAGE = 'rbac.authorization.k8s.io/clusterrolebindings'
const RB_STORAGE = 'rbac.authorization.k8s.io/rolebindings'
const PRIVILEGED = 'privileged'
const PRIVILEGED_ROLE = 'system:openshift:scc:privileged'

/**
 * The service account a component's pods run as (reference §10 names them); the components it
 * does not name run as `default` [inferred].
 */
export function serviceAccountOf(component: string, ext: string): string {
  const named: Record<string, string> = {
    [`${ext}-kube-state-metrics`]: `${ext}-kube-state-metrics`,
    [`${ext}-prometheus-operator`]: 'prom-operator',
    'prometheus-prom-prometheus': 'prom-prometheus',
    'cluster-status-reporter': 'cluster-status-reporter',
    'azureml-fe': 'azureml-fe',
    'azureml-fe-v2': 'azureml-fe-v2',
    'azureml-ingress-nginx-controller': 'azureml-ingress-nginx'
  }
  return named[component] ?? 'default'
}

/** SCC `privileged` as a fresh OpenShift 4 cluster has it: nobody's service accounts. */
export function privilegedScc(): KubeObject {
  return {
    metadata: {
      name: PRIVILEGED,
      annotations: {
        'kubernetes.io/description':
          'privileged allows access to all privileged and host features and the ability to run as any user, any group, any fsGroup, and with any SELinux context.'
      }
    },
    allowHostDirVolumePlugin: true,
    allowHostIPC: true,
    allowHostNetwork: true,
    allowHostPID: true,
    allowHostPorts: true,
    allowPrivilegeEscalation: true,
    allowPrivilegedContainer: true,
    allowedCapabilities: ['*'],
    fsGroup: { type: 'RunAsAny' },
    groups: ['system:cluster-admins', 'system:nodes', 'system:masters'],
    priority: null,
    readOnlyRootFilesystem: false,
    runAsUser: { type: 'RunAsAny' },
    seLinuxContext: { type: 'RunAsAny' },
    supplementalGroups: { type: 'RunAsAny' },
    users: ['system:admin', 'system:serviceaccount:openshift-infra:build-controller'],
    volumes: ['*']
  }
}

interface Subject {
  kind?: string
  name?: string
  namespace?: string
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []
}

/**
 * Why a pod of `namespace`/`sa` would be refused, or undefined when SCC `privileged` admits it.
 * Every extension pod is taken to need `privileged` (the stricter reading: §10 lists the
 * accounts without saying which pods could do with less). Besides the SA's own groups,
 * `system:authenticated` admits too: the controller creating the pod belongs to it.
 */
export function sccRefusal(store: ObjectStore, namespace: string, sa: string): string | undefined {
  const scc = store.get(SCC_STORAGE, '', PRIVILEGED)
  const user = `system:serviceaccount:${namespace}:${sa}`
  const groups = ['system:serviceaccounts', `system:serviceaccounts:${namespace}`]
  const admittingGroups = [...groups, 'system:authenticated']
  if (scc) {
    if (strings(scc.users).includes(user)) return undefined
    if (strings(scc.groups).some(g => admittingGroups.includes(g))) return undefined
  }
  const bindings = [
    store.get(CRB_STORAGE, '', PRIVILEGED_ROLE),
    ...store.list(RB_STORAGE, { namespace }).items
  ]
  const granted = bindings.some(b => {
    const ref = b?.roleRef as { kind?: string; name?: string } | undefined
    if (!b || ref?.kind !== 'ClusterRole' || ref.name !== PRIVILEGED_ROLE) return false
    return ((b.subjects as Subject[] | undefined) ?? []).some(
      s =>
        (s.kind === 'ServiceAccount' &&
          s.name === sa &&
          (s.namespace ?? b.metadata.namespace) === namespace) ||
        (s.kind === 'User' && s.name === user) ||
        (s.kind === 'Group' && admittingGroups.includes(s.name ?? ''))
    )
  })
  if (scc && granted) return undefined
  return (
    'unable to validate against any security context constraint: [provider "anyuid": Forbidden: not usable by user or serviceaccount, ' +
    'provider restricted-v2: .spec.securityContext.hostNetwork: Invalid value: true: Host network is not allowed to be used, ' +
    'provider restricted-v2: .containers[0].privileged: Invalid value: true: Privileged containers are not allowed, ' +
    `provider "privileged": Forbidden: not usable by user or serviceaccount]`
  )
}
