/**
 * The seam between the sandbox's ARM stand-in and its cluster (Kubernetes API + extension controller).
 * ARM owns the extension resource and its operations; the cluster side owns what runs in `azureml`.
 */

/** What ARM hands the cluster when an extension is created or updated. */
export interface InstalledExtension {
  name: string
  clusterType: 'connectedClusters' | 'managedClusters'
  /** The version that will be reported as `currentVersion` once the operation succeeds. */
  version: string
  /** `configurationSettings` after the create or the per-key merge of a PATCH. */
  settings: Record<string, string>
  /** Keys of `configurationProtectedSettings` (values are not the cluster's business here). */
  protectedKeys: string[]
}

/** ARM's ErrorDetail shape, as it appears in `properties.errorInfo`. */
export interface ArmErrorDetail {
  code: string
  message: string
  target?: string
  details?: ArmErrorDetail[]
  additionalInfo?: { type: string; info: unknown }[]
}

/** One entry of `properties.statuses`. */
export interface ArmExtensionStatus {
  code?: string
  displayStatus?: string
  level?: 'Error' | 'Warning' | 'Information'
  message?: string
  time?: string
}

/** How an install, upgrade or removal ended on the cluster. */
export type ClusterOutcome =
  { ok: true } | { ok: false; errorInfo: ArmErrorDetail; statuses?: ArmExtensionStatus[] }

/** Implemented by the cluster side; called by ARM while an operation is in progress. */
export interface ClusterBackend {
  /** Reconcile `azureml` to the extension; resolves when the Helm-like operation has ended. */
  applyExtension(ext: InstalledExtension, operation: 'create' | 'update'): Promise<ClusterOutcome>
  /** Remove the extension's components; resolves when the delete operation ends. */
  deleteExtension(name: string): Promise<ClusterOutcome>
  /** Schedulable node count, which ARM reports on the cluster resource. */
  nodeCount(): number
}
