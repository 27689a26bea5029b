/**
 * OpenShift: the service accounts the extension's pods run as must be admitted by SCC
 * `privileged` (spec/azureml-extension.md §10), else their pods are never created and Helm waits
 * out its timeout. Which accounts a request needs, which of them the SCC does not admit, the
 * `oc` commands that admit them, and what the preflight does about it. Pure.
 */
import { AZUREML_NAMESPACE } from '../names.js'
import { expectedComponents } from './catalog.js'
import type { CatalogInput } from './model.js'

export const PRIVILEGED_SCC = 'privileged'

/** The ClusterRole, and binding name, `oc adm policy add-scc-to-user` uses since oc 4.5. */
export const sccRoleName = (scc: string): string => `system:openshift:scc:${scc}`

/** Whether an Arc cluster's `properties.distribution` names OpenShift (`openshift`, any case). */
export function isOpenShift(distribution: string | undefined): boolean {
  return distribution?.trim().toLowerCase() === 'openshift'
}

/** A read RBAC refused (403); `what` names the verb and resource. */
export class SccReadForbidden extends Error {
  override name = 'SccReadForbidden'
  constructor(readonly what: string) {
    super(`${what}: 403 Forbidden`)
  }
}

export interface ServiceAccountRef {
  namespace: string
  name: string
}

export interface BindingSubject {
  kind: string
  name: string
  namespace?: string
}

/** Who may use an SCC, as far as the action reads it. */
export interface SccGrants {
  /** The SCC's own `users` and `groups`. */
  users: string[]
  groups: string[]
  /**
   * Subjects of the bindings to ClusterRole `system:openshift:scc:<scc>` that
   * `oc adm policy add-scc-to-user` makes: the ClusterRoleBinding of that name (no namespace) and
   * RoleBindings of that name (in their namespace). Since oc 4.5 that command edits no SCC.
   */
  bindings: { namespace?: string; subjects: BindingSubject[] }[]
}

/** What the extension will run as: the request's effective settings and name. */
export type SccTarget = Omit<CatalogInput, 'nodes'> & {
  /** `{COMPUTE-NAMESPACE}:default` is needed only when the workspace attach names a namespace. */
  computeNamespace?: string
}

const ARC_AAD_PROXY: ServiceAccountRef = {
  namespace: 'azure-arc',
  name: 'azure-arc-kube-aad-proxy-sa'
}

/** Service accounts per component, as §10 lists them; components not named run as `default`. */
function accountsOf(component: string, ext: string): string[] {
  const fixed: Record<string, string[]> = {
    [`${ext}-kube-state-metrics`]: [`${ext}-kube-state-metrics`],
    // The operator and its admission-webhook hook jobs.
    [`${ext}-prometheus-operator`]: ['prom-admission', 'prom-operator'],
    'prometheus-prom-prometheus': ['prom-prometheus'],
    'cluster-status-reporter': ['cluster-status-reporter'],
    'csi-blob-node': ['csi-blob-node-sa'],
    'csi-blob-controller': ['csi-blob-controller-sa'],
    'azureml-fe': ['azureml-fe'],
    'azureml-fe-v2': ['azureml-fe-v2'],
    'azureml-ingress-nginx-controller': ['azureml-ingress-nginx', 'azureml-ingress-nginx-admission']
  }
  return fixed[component] ?? []
}

/**
 * The service accounts SCC `privileged` must admit for this request on OpenShift: those of the
 * components it installs (the catalog's, so seed-era, Prometheus, inference and nginx toggles
 * count), `default` and the SELinux policy loader's in `azureml`, the Arc agents' AAD proxy.
 */
export function requiredServiceAccounts(target: SccTarget): ServiceAccountRef[] {
  const ext = target.extensionName
  const components = expectedComponents({ ...target, nodes: [] }).map(c => c.name)
  const names = [
    'default',
    'load-amlarc-selinux-policy-sa',
    ...components.flatMap(c => accountsOf(c, ext))
  ]
  const accounts: ServiceAccountRef[] = [
    ...(target.clusterType === 'connectedClusters' ? [ARC_AAD_PROXY] : []),
    ...[...new Set(names)].map(name => ({ namespace: AZUREML_NAMESPACE, name }))
  ]
  if (target.computeNamespace && target.computeNamespace !== AZUREML_NAMESPACE) {
    accounts.push({ namespace: target.computeNamespace, name: 'default' })
  }
  return accounts
}

export const serviceAccountUser = (sa: ServiceAccountRef): string =>
  `system:serviceaccount:${sa.namespace}:${sa.name}`

/** The command that admits a service account, as the OpenShift docs give it. */
export const sccCommand = (sa: ServiceAccountRef, scc = PRIVILEGED_SCC): string =>
  `oc adm policy add-scc-to-user ${scc} ${serviceAccountUser(sa)}`

/**
 * The groups that admit a service account's pods: its own (`system:serviceaccounts`,
 * `system:serviceaccounts:<ns>`), and `system:authenticated`, which every requester (the
 * ReplicaSet controller creating the pod included) belongs to; SCC admission checks both.
 */
function admittingGroups(sa: ServiceAccountRef): string[] {
  return [
    'system:serviceaccounts',
    `system:serviceaccounts:${sa.namespace}`,
    'system:authenticated'
  ]
}

function subjectIs(s: BindingSubject, sa: ServiceAccountRef, bindingNs?: string): boolean {
  if (s.kind === 'ServiceAccount')
    return s.name === sa.name && (s.namespace ?? bindingNs) === sa.namespace
  if (s.kind === 'User') return s.name === serviceAccountUser(sa)
  return s.kind === 'Group' && admittingGroups(sa).includes(s.name)
}

/** SCC admission: a listed user or group, or `use` granted by a binding in the pod's namespace or cluster-wide. */
export function admits(grants: SccGrants, sa: ServiceAccountRef): boolean {
  if (grants.users.includes(serviceAccountUser(sa))) return true
  if (admittingGroups(sa).some(g => grants.groups.includes(g))) return true
  return grants.bindings.some(
    b =>
      (b.namespace === undefined || b.namespace === sa.namespace) &&
      b.subjects.some(s => subjectIs(s, sa, b.namespace))
  )
}

export function notAdmitted(
  required: readonly ServiceAccountRef[],
  grants: SccGrants
): ServiceAccountRef[] {
  return required.filter(sa => !admits(grants, sa))
}

// ---------------------------------------------------------------- the preflight's decision

/** What the preflight could learn about SCC `privileged`. */
export type SccFacts =
  | { kind: 'read'; grants: SccGrants }
  /** The cluster serves no SCC `privileged` (no security.openshift.io API): not OpenShift after all. */
  | { kind: 'not-served' }
  /** 403 on a read: which one. */
  | { kind: 'forbidden'; what: string }
  /** Another failure; `fatal` when the run needs the cluster (it is to verify the pods). */
  | { kind: 'failed'; message: string; fatal: boolean }
  /** No kubeconfig, or a way of reaching the cluster that cannot read SCCs. */
  | { kind: 'unreachable' }

export type SccDecision =
  | { act: 'proceed'; note: string }
  | { act: 'warn'; message: string }
  | { act: 'refuse'; message: string }

const HANG =
  "without them the extension's pods are never created and the install hangs until Helm's 15-minute timeout"

function commandLines(accounts: readonly ServiceAccountRef[]): string {
  return accounts.map(sa => `\n  ${sccCommand(sa)}`).join('')
}

/** What to do before any write on an OpenShift cluster, given what could be read. */
export function decideScc(required: readonly ServiceAccountRef[], facts: SccFacts): SccDecision {
  const all = commandLines(required)
  switch (facts.kind) {
    case 'read': {
      const missing = notAdmitted(required, facts.grants)
      if (missing.length === 0) {
        return {
          act: 'proceed',
          note: `OpenShift: SCC ${PRIVILEGED_SCC} admits all ${required.length} service accounts the extension runs as.`
        }
      }
      const n = missing.length
      return {
        act: 'refuse',
        message: `OpenShift: SCC ${PRIVILEGED_SCC} does not admit ${n} service account${n === 1 ? '' : 's'} the extension runs as; ${HANG}. As a cluster admin, run:${commandLines(missing)}\nthen run again. Nothing was written.`
      }
    }
    case 'not-served':
      return {
        act: 'warn',
        message: `Arc reports the distribution openshift, but the cluster serves no SCC ${PRIVILEGED_SCC} (security.openshift.io/v1): its service accounts were not checked.`
      }
    case 'forbidden':
      return {
        act: 'refuse',
        message: `OpenShift: SCC ${PRIVILEGED_SCC} could not be checked (${facts.what}: 403 Forbidden). Give the kubeconfig's user get on securitycontextconstraints.security.openshift.io named ${PRIVILEGED_SCC} and on clusterrolebindings and rolebindings (rbac.authorization.k8s.io) named ${sccRoleName(PRIVILEGED_SCC)}; or check yourself (oc get scc ${PRIVILEGED_SCC} -o yaml; oc get clusterrolebinding ${sccRoleName(PRIVILEGED_SCC)} -o yaml) that it admits these service accounts, running the commands for those it does not (${HANG}):${all}\nNothing was written.`
      }
    case 'failed':
      if (facts.fatal)
        return {
          act: 'refuse',
          message: `OpenShift: SCC ${PRIVILEGED_SCC} could not be read: ${facts.message}. Nothing was written.`
        }
      return {
        act: 'warn',
        message: `OpenShift: SCC ${PRIVILEGED_SCC} could not be read (${facts.message}); unless it admits these service accounts, ${HANG}. If not done yet, as a cluster admin run:${all}`
      }
    case 'unreachable':
      return {
        act: 'warn',
        message: `OpenShift: SCC ${PRIVILEGED_SCC} cannot be checked: this run does not reach the cluster through a kubeconfig. Unless it admits these service accounts, ${HANG}. If not done yet, as a cluster admin run:${all}`
      }
  }
}
