/**
 * Reads who may use an OpenShift SCC: the SCC's own users and groups, and the bindings
 * `oc adm policy add-scc-to-user` makes (ClusterRole `system:openshift:scc:<scc>`, bound
 * cluster-wide or in a namespace under the same name).
 */
import { CustomObjectsApi, RbacAuthorizationV1Api } from '@kubernetes/client-node'
import type { KubeConfig, V1RoleBinding } from '@kubernetes/client-node'
import { errorText, httpStatus } from './api-errors.js'
import { SccReadForbidden, sccRoleName } from './scc.js'
import type { BindingSubject, SccGrants } from './scc.js'

/** 404 → undefined; 403 → SccReadForbidden; anything else rethrown as one line. */
function absentOr<T>(what: string): (err: unknown) => T | undefined {
  return err => {
    if (httpStatus(err) === 404) return undefined
    if (httpStatus(err) === 403) throw new SccReadForbidden(what)
    throw new Error(`${what}: ${errorText(err)}`, { cause: err })
  }
}

interface SccObject {
  users?: string[] | null
  groups?: string[] | null
}

/**
 * Undefined when the cluster serves no such SCC (no security.openshift.io API, or no object).
 * `namespaces`: where the service accounts live (a RoleBinding grants only its own namespace).
 */
export async function readSccGrants(
  kc: KubeConfig,
  scc: string,
  namespaces: readonly string[]
): Promise<SccGrants | undefined> {
  const custom = kc.makeApiClient(CustomObjectsApi)
  const object = (await custom
    .getClusterCustomObject({
      group: 'security.openshift.io',
      version: 'v1',
      plural: 'securitycontextconstraints',
      name: scc
    })
    .catch(absentOr(`get securitycontextconstraints ${scc}`))) as SccObject | undefined
  if (!object) return undefined
  const rbac = kc.makeApiClient(RbacAuthorizationV1Api)
  const name = sccRoleName(scc)
  const cluster = await rbac
    .readClusterRoleBinding({ name })
    .catch(absentOr<never>(`get clusterrolebindings ${name}`))
  const local = await Promise.all(
    [...new Set(namespaces)].map(namespace =>
      rbac
        .readNamespacedRoleBinding({ name, namespace })
        .catch(absentOr<never>(`get rolebindings ${name} in ${namespace}`))
    )
  )
  const bindings = [cluster, ...local].filter(b => b && grantsRole(b, name)) as V1RoleBinding[]
  return {
    users: object.users ?? [],
    groups: object.groups ?? [],
    bindings: bindings.map(b => ({
      ...(b.metadata?.namespace ? { namespace: b.metadata.namespace } : {}),
      subjects: (b.subjects ?? []).map((s): BindingSubject => ({
        kind: s.kind,
        name: s.name,
        ...(s.namespace ? { namespace: s.namespace } : {})
      }))
    }))
  }
}

/** A binding of that name counts only while it still refers to the SCC's ClusterRole. */
function grantsRole(b: V1RoleBinding, role: string): boolean {
  return b.roleRef.kind === 'ClusterRole' && b.roleRef.name === role
}
