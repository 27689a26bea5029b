/** The API resources the stand-in serves, as discovery lists them. Pure data. */

export interface ResourceType {
  group: string // '' for the core group
  version: string
  plural: string
  singular: string
  kind: string
  namespaced: boolean
  shortNames?: string[]
  categories?: string[]
  /** Bucket in the store; two API versions may share one (core and events.k8s.io events). */
  storage: string
  /** Field selectors the real API server accepts for this resource, besides metadata.name/namespace. */
  fields?: string[]
  /** Served only while this CustomResourceDefinition exists, like a real CRD-backed API. */
  crd?: string
  /** Served only by an OpenShift cluster (security.openshift.io). */
  openshift?: boolean
}

export const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']

const ALL = ['all']
const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type'
]

function core(
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {}
): ResourceType {
  return {
    group: '',
    version: 'v1',
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    storage: plural,
    ...extra
  }
}

function grouped(
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {}
): ResourceType {
  return {
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    storage: `${group}/${plural}`,
    ...extra
  }
}

export const AMLARC_GROUP = 'amlarc.azureml.com'
export const AMLARC_VERSION = 'v1alpha1'

export const RESOURCES: ResourceType[] = [
  core('namespaces', 'Namespace', false, { shortNames: ['ns'], fields: ['status.phase'] }),
  core('nodes', 'Node', false, { shortNames: ['no'], fields: ['spec.unschedulable'] }),
  core('pods', 'Pod', true, {
    shortNames: ['po'],
    categories: ALL,
    fields: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'status.phase']
  }),
  core('events', 'Event', true, { shortNames: ['ev'], fields: EVENT_FIELDS }),
  core('configmaps', 'ConfigMap', true, { shortNames: ['cm'] }),
  core('secrets', 'Secret', true, { fields: ['type'] }),
  core('services', 'Service', true, { shortNames: ['svc'], categories: ALL }),
  grouped('apps', 'v1', 'deployments', 'Deployment', true, {
    shortNames: ['deploy'],
    categories: ALL
  }),
  grouped('apps', 'v1', 'replicasets', 'ReplicaSet', true, { shortNames: ['rs'], categories: ALL }),
  grouped('apps', 'v1', 'statefulsets', 'StatefulSet', true, {
    shortNames: ['sts'],
    categories: ALL
  }),
  grouped('apps', 'v1', 'daemonsets', 'DaemonSet', true, { shortNames: ['ds'], categories: ALL }),
  grouped('events.k8s.io', 'v1', 'events', 'Event', true, {
    shortNames: ['ev'],
    storage: 'events',
    fields: EVENT_FIELDS
  }),
  grouped('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false),
  grouped('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true),
  grouped(
    'security.openshift.io',
    'v1',
    'securitycontextconstraints',
    'SecurityContextConstraints',
    false,
    { shortNames: ['scc'], openshift: true }
  ),
  grouped(
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    false,
    { shortNames: ['crd', 'crds'] }
  ),
  // CRD names as the extension's own RBAC and scripts use them (amljobs, instancetypes).
  grouped(AMLARC_GROUP, AMLARC_VERSION, 'amljobs', 'AmlJob', true, {
    crd: `amljobs.${AMLARC_GROUP}`
  }),
  grouped(AMLARC_GROUP, AMLARC_VERSION, 'onlineendpoints', 'OnlineEndpoint', true, {
    crd: `onlineendpoints.${AMLARC_GROUP}`
  }),
  grouped(AMLARC_GROUP, AMLARC_VERSION, 'onlinedeployments', 'OnlineDeployment', true, {
    crd: `onlinedeployments.${AMLARC_GROUP}`
  }),
  grouped(AMLARC_GROUP, AMLARC_VERSION, 'instancetypes', 'InstanceType', false, {
    crd: `instancetypes.${AMLARC_GROUP}`
  })
]

export function groupVersion(r: ResourceType): string {
  return r.group ? `${r.group}/${r.version}` : r.version
}

export function findResource(
  group: string,
  version: string,
  plural: string
): ResourceType | undefined {
  return RESOURCES.find(r => r.group === group && r.version === version && r.plural === plural)
}

/** The resource a store bucket is primarily served as (the first registered). */
export function resourceForStorage(storage: string): ResourceType {
  const found = RESOURCES.find(r => r.storage === storage)
  if (!found) throw new Error(`unknown storage ${storage}`)
  return found
}

/** Short helper for callers that know the resource by its plural (and group). */
export function resource(plural: string, group = ''): ResourceType {
  const found = RESOURCES.find(r => r.plural === plural && r.group === group)
  if (!found) throw new Error(`unknown resource ${group}/${plural}`)
  return found
}
