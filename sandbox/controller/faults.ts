/** Pod troubles that can be switched on per component, and the registry the controller consults. */

export type HealthcheckErrorCode =
  | 'E40000'
  | 'E40001'
  | 'E40002'
  | 'E40003'
  | 'E40004'
  | 'E40005'
  | 'E40006'
  | 'E40007'
  | 'E45001'
  | 'E45002'
  | 'E45003'
  | 'E45004'
  | 'E45005'
  | 'E49999'

export type PodFault =
  /** Image pull fails (MCR egress blocked): ErrImagePull, then ImagePullBackOff. */
  | { kind: 'ImagePullBackOff'; container?: string }
  /** The container exits 1 right after starting; restarts climb under CrashLoopBackOff. */
  | { kind: 'CrashLoopBackOff'; container?: string; exitCode?: number; log?: string }
  /** The scheduler cannot place the pods. */
  | { kind: 'Unschedulable'; reason: 'anti-affinity' | 'insufficient-cpu' }
  /** Helm never creates the component (so Helm does not wait for it either). */
  | { kind: 'NeverAppears' }
  /** Only for 'healthcheck': a checker fails, the hook pod ends in Error, the operation fails. */
  | {
      kind: 'HealthcheckFailed'
      code: HealthcheckErrorCode
      message?: string
      /** Operations whose hook fails; default install and upgrade. */
      operations?: ('install' | 'upgrade' | 'delete')[]
    }

export class ComponentFaults {
  private readonly byComponent = new Map<string, PodFault>()
  private onChange: () => void = () => {}

  /** `component` is a workload name ('gateway', 'azureml-fe-v2', '<ext>-kube-state-metrics') or 'healthcheck'. */
  set(component: string, fault: PodFault): void {
    this.byComponent.set(component, fault)
    this.onChange()
  }

  clear(component?: string): void {
    if (component === undefined) this.byComponent.clear()
    else this.byComponent.delete(component)
    this.onChange()
  }

  get(component: string): PodFault | undefined {
    return this.byComponent.get(component)
  }

  /** The controller re-arms its clock when a fault changes (a crash loop needs ticks). */
  listen(onChange: () => void): void {
    this.onChange = onChange
  }
}
