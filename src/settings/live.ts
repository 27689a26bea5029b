/** The extension as ARM reports it, reduced to what the action compares and reports. */
export interface LiveExtension {
  id: string
  name: string
  extensionType: string
  /** The pinned version, when one was asked for. */
  version?: string
  /** The version running now; null while the first install is in progress. */
  currentVersion?: string
  releaseTrain?: string
  autoUpgradeMinorVersion?: boolean
  provisioningState: string
  releaseNamespace?: string
  settings: Record<string, string>
  /** Protected settings come back as keys only. */
  protectedKeys: string[]
  statuses: { code?: string; level?: string; message?: string; displayStatus?: string }[]
  errorInfo?: { code?: string; message?: string }
}
