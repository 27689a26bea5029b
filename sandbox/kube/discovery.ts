/** Legacy (unaggregated) discovery documents, which kubectl falls back to. Pure. */
import { RESOURCES, VERBS, groupVersion, type ResourceType } from './resources.js'

const serverAddress = (host: string) => [{ clientCIDR: '0.0.0.0/0', serverAddress: host }]

export function apiVersions(host: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: serverAddress(host) }
}

export function apiGroupList(served: (r: ResourceType) => boolean) {
  const groups = new Map<string, string>()
  for (const r of RESOURCES) if (r.group && served(r)) groups.set(r.group, r.version)
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, version]) => {
      const gv = { groupVersion: `${name}/${version}`, version }
      return { name, versions: [gv], preferredVersion: gv }
    })
  }
}

export function apiGroup(group: string, served: (r: ResourceType) => boolean) {
  const r = RESOURCES.find(x => x.group === group && served(x))
  if (!r) return undefined
  const gv = { groupVersion: groupVersion(r), version: r.version }
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: [gv], preferredVersion: gv }
}

export function apiResourceList(gv: string, served: (r: ResourceType) => boolean) {
  const resources = RESOURCES.filter(r => groupVersion(r) === gv && served(r))
  if (resources.length === 0) return undefined
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: resources.flatMap(r => [
      {
        name: r.plural,
        singularName: r.singular,
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: VERBS,
        ...(r.shortNames ? { shortNames: r.shortNames } : {}),
        ...(r.categories ? { categories: r.categories } : {})
      },
      ...(r.plural === 'pods'
        ? [{ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] }]
        : [])
    ])
  }
}

export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.4',
  gitCommit: '59526cd4867447956156ae3a602fcbac10a2c335',
  gitTreeState: 'clean',
  buildDate: '2025-04-22T16:02:27Z',
  goVersion: 'go1.23.6',
  compiler: 'gc',
  platform: 'linux/amd64'
}
