import { randomUUID } from 'node:crypto'
import type { ArmErrorDetail, ArmExtensionStatus, InstalledExtension } from '../contract.js'
import type { ClusterRecord } from './clusters.js'
import { clusterId } from './clusters.js'

type Json = Record<string, unknown>
export type Settings = Record<string, string>

export type ProvisioningState =
  'Creating' | 'Updating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Canceled'

/** An extension as the sandbox stores it: protected values kept, never shown. */
export interface StoredExtension {
  id: string
  name: string
  cluster: ClusterRecord
  identity?: Json
  plan?: Json
  extensionType: string
  autoUpgradeMinorVersion: boolean
  releaseTrain: string
  version: string | null
  scope: Json
  settings: Settings
  protectedSettings: Settings
  provisioningState: ProvisioningState
  currentVersion: string | null
  statuses: ArmExtensionStatus[]
  errorInfo: ArmErrorDetail | null
  createdAt: string
  modifiedAt: string
}

/** The patchable fields of a PATCH body (`properties` of patchExtension). */
export interface ExtensionPatch {
  autoUpgradeMinorVersion?: boolean
  releaseTrain?: string
  version?: string | null
  configurationSettings?: Settings | null
  configurationProtectedSettings?: Settings | null
}

export function extensionId(cluster: ClusterRecord, name: string): string {
  return `${clusterId(cluster)}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`
}

/** A new stored extension from a PUT body (already schema-valid). */
export function fromPutBody(
  cluster: ClusterRecord,
  name: string,
  body: Json,
  tenantId: string
): StoredExtension {
  const props = (body.properties ?? {}) as Json
  const now = new Date().toISOString()
  const identity = body.identity as Json | undefined
  return {
    id: extensionId(cluster, name),
    name,
    cluster,
    ...(identity?.type
      ? { identity: { type: identity.type, principalId: randomUUID(), tenantId } }
      : {}),
    ...(body.plan ? { plan: body.plan as Json } : {}),
    extensionType: (props.extensionType as string | undefined) ?? '',
    autoUpgradeMinorVersion: (props.autoUpgradeMinorVersion as boolean | undefined) ?? true,
    releaseTrain: (props.releaseTrain as string | undefined) ?? 'Stable',
    version: (props.version as string | null | undefined) ?? null,
    scope: (props.scope as Json | undefined) ?? { cluster: { releaseNamespace: name } },
    settings: { ...(props.configurationSettings as Settings | undefined) },
    protectedSettings: { ...(props.configurationProtectedSettings as Settings | undefined) },
    provisioningState: 'Creating',
    currentVersion: null,
    statuses: [],
    errorInfo: null,
    createdAt: now,
    modifiedAt: now
  }
}

/**
 * The extension after a PATCH: public settings merged per key, protected settings replaced
 * whole when any protected key is sent (an empty or absent map leaves them).
 */
export function patched(ext: StoredExtension, patch: ExtensionPatch): StoredExtension {
  const protectedSent = Object.keys(patch.configurationProtectedSettings ?? {}).length > 0
  return {
    ...ext,
    autoUpgradeMinorVersion: patch.autoUpgradeMinorVersion ?? ext.autoUpgradeMinorVersion,
    releaseTrain: patch.releaseTrain ?? ext.releaseTrain,
    version: patch.version === undefined ? ext.version : patch.version,
    settings: mergePatch(ext.settings, patch.configurationSettings),
    protectedSettings: protectedSent
      ? { ...patch.configurationProtectedSettings }
      : ext.protectedSettings
  }
}

/** JSON merge-patch (RFC 7396) of a settings map: a null value removes its key. */
function mergePatch(settings: Settings, patch: Settings | null | undefined): Settings {
  const out: Settings = { ...settings }
  for (const [k, v] of Object.entries(patch ?? {})) {
    if (v === null) delete out[k]
    else out[k] = v
  }
  return out
}

/** Whether a PATCH changes anything the service acts on (else it answers 200, no operation). */
export function changes(before: StoredExtension, after: StoredExtension): boolean {
  const view = (e: StoredExtension): string =>
    JSON.stringify([
      e.autoUpgradeMinorVersion,
      e.releaseTrain,
      e.version,
      sorted(e.settings),
      sorted(e.protectedSettings)
    ])
  return view(before) !== view(after)
}

const sorted = (s: Settings): [string, string][] =>
  Object.entries(s).sort(([a], [b]) => a.localeCompare(b))

/** What the cluster is told to install. */
export function installed(ext: StoredExtension, defaultVersion: string): InstalledExtension {
  return {
    name: ext.name,
    clusterType: ext.cluster.type,
    version: ext.version ?? ext.currentVersion ?? defaultVersion,
    settings: { ...ext.settings },
    protectedKeys: Object.keys(ext.protectedSettings)
  }
}

/** The resource on the wire. Protected settings come back as keys with empty values. */
export function toWire(ext: StoredExtension, clientId: string): Json {
  return {
    id: ext.id,
    name: ext.name,
    type: 'Microsoft.KubernetesConfiguration/extensions',
    systemData: {
      createdBy: clientId,
      createdByType: 'Application',
      createdAt: ext.createdAt,
      lastModifiedBy: clientId,
      lastModifiedByType: 'Application',
      lastModifiedAt: ext.modifiedAt
    },
    ...(ext.identity ? { identity: ext.identity } : {}),
    ...(ext.plan ? { plan: ext.plan } : {}),
    properties: {
      extensionType: ext.extensionType,
      autoUpgradeMinorVersion: ext.autoUpgradeMinorVersion,
      releaseTrain: ext.releaseTrain,
      version: ext.version,
      scope: ext.scope,
      configurationSettings: ext.settings,
      configurationProtectedSettings: Object.fromEntries(
        Object.keys(ext.protectedSettings).map(key => [key, ''])
      ),
      currentVersion: ext.currentVersion,
      provisioningState: ext.provisioningState,
      statuses: ext.statuses,
      errorInfo: ext.errorInfo,
      customLocationSettings: null,
      packageUri: null,
      aksAssignedIdentity: null,
      isSystemExtension: false
    }
  }
}
