import { randomUUID } from 'node:crypto'
import type { ClusterBackend, ClusterOutcome, InstalledExtension } from '../contract.js'
import { nowIso, type ObjectStore } from '../kube/store.js'
import { ComponentSet, podSignature } from './component-set.js'
import { expectedComponents, flag, nodeSelectorOf, SYSTEM_LABELS } from './components.js'
import { crdObjects } from './custom-resources.js'
import { EventRecorder } from './event-recorder.js'
import { ComponentFaults } from './faults.js'
import {
  extensionManagerMessage,
  healthcheckReport,
  hookFailedError,
  ownershipError,
  reportKeys,
  timeoutError,
  type HelmOperation
} from './healthcheck.js'
import { nodeViews } from './nodes.js'
import { step, type PodRuntime } from './pod-lifecycle.js'
import { podObject } from './pod-manifest.js'
import { place } from './scheduler.js'
import { sccRefusal } from './scc.js'

export interface ControllerOptions {
  podStepMs: number
  /** Helm's atomic wait for readiness (the real one is 15 minutes). */
  helmTimeoutMs: number
  /** How long a deleted pod stays Terminating; default 0 (gone on the next tick). */
  terminationGraceMs?: number
  /** OpenShift: pods whose service account SCC `privileged` does not admit are not created. */
  openshift?: boolean
}

interface Operation {
  op: HelmOperation
  phase: 'hook' | 'rollout'
  deadline: number
  startedAt: number
  resolve: (outcome: ClusterOutcome) => void
}

const NS = 'azureml'
const HOOK = 'healthcheck'

/**
 * The extension's in-cluster side: runs the healthcheck hook, reconciles `azureml` to the components
 * the settings imply, walks pods on a clock, and reports how each Helm operation ended.
 */
export class ExtensionController implements ClusterBackend {
  readonly faults = new ComponentFaults()
  private readonly events: EventRecorder
  private readonly components: ComponentSet
  private ext: InstalledExtension | undefined
  /** The release being uninstalled: its objects keep its name until the namespace is gone. */
  private leaving: InstalledExtension | undefined
  private op: Operation | undefined
  private hook: PodRuntime | undefined
  private hookWritten = ''
  private revision = 0
  private timer: NodeJS.Timeout | undefined
  /** After a delete: the namespace is Terminating until its pods have stopped. */
  private tearingDown = false
  private readonly logs = new Map<string, string>()

  constructor(
    private readonly store: ObjectStore,
    private readonly opts: ControllerOptions
  ) {
    this.events = new EventRecorder(store)
    this.components = new ComponentSet(
      store,
      this.events,
      this.faults,
      () => ({
        name: (this.ext ?? this.leaving)?.name ?? 'azureml',
        version: (this.ext ?? this.leaving)?.version ?? '1.1.71'
      }),
      opts.terminationGraceMs,
      opts.openshift ? sa => sccRefusal(store, NS, sa) : undefined
    )
    this.faults.listen(() => this.wake())
  }

  applyExtension(ext: InstalledExtension, operation: 'create' | 'update'): Promise<ClusterOutcome> {
    const op: HelmOperation = operation === 'create' || !this.ext ? 'install' : 'upgrade'
    const ns = this.store.get('namespaces', '', NS)
    if (ns?.metadata.deletionTimestamp) {
      const err = `create: failed to create: namespaces "${NS}" is forbidden: unable to create new content in namespace ${NS} because it is being terminated`
      return Promise.resolve(this.failure(op, err))
    }
    if (this.ext && this.ext.name !== ext.name)
      return Promise.resolve(this.failure(op, ownershipError(ext.name, this.ext.name)))
    this.ext = ext
    if (!ns) this.createNamespace()
    for (const crd of crdObjects())
      this.store.put('apiextensions.k8s.io/customresourcedefinitions', crd)
    return this.begin(op)
  }

  deleteExtension(name: string): Promise<ClusterOutcome> {
    if (!this.ext || this.ext.name !== name) return Promise.resolve({ ok: true })
    return this.begin('delete')
  }

  nodeCount(): number {
    return nodeViews(this.store).filter(n => !n.unschedulable).length
  }

  /** Container log text for `kubectl logs` (the healthcheck pod prints its report). */
  podLog(namespace: string, pod: string, _container?: string): string | undefined {
    if (namespace !== NS) return undefined
    return (
      this.logs.get(pod) ??
      (this.store.get('pods', NS, pod)
        ? 'I0101 00:00:00.000000       1 main.go:52] started\n'
        : undefined)
    )
  }

  /** Stops the clock; an operation still running ends as failed. */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.finish({
      ok: false,
      errorInfo: { code: 'ExtensionOperationFailed', message: 'the cluster sandbox was stopped' }
    })
  }

  private begin(op: HelmOperation): Promise<ClusterOutcome> {
    // Helm refuses concurrent operations on one release; the earlier one is reported as failed.
    this.finish(
      this.failure(this.op?.op ?? op, 'another operation (install/upgrade/rollback) is in progress')
    )
    return new Promise(resolve => {
      const now = Date.now()
      this.op = {
        op,
        phase: 'hook',
        startedAt: now,
        deadline: now + this.opts.helmTimeoutMs,
        resolve
      }
      this.startHook()
      this.wake()
    })
  }

  private wake(): void {
    this.timer ??= setInterval(() => this.tick(), this.opts.podStepMs)
  }

  private tick(): void {
    const now = nowIso()
    this.stepHook(now)
    this.components.tick(now)
    this.progress()
    if (this.tearingDown && this.components.empty) this.deleteNamespace()
    if (!this.op && !this.tearingDown && !this.components.busy && (!this.hook || this.hookDone())) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }

  private progress(): void {
    const op = this.op
    if (!op) return
    if (op.phase === 'hook' && this.hookDone()) this.afterHook(op)
    else if (op.phase === 'rollout' && this.components.rolledOut) this.succeed()
    if (this.op && this.op.phase === 'rollout' && Date.now() > this.op.deadline)
      this.timeOut(this.op)
  }

  private afterHook(op: Operation): void {
    const failed = this.hook!.stage === 'Failed'
    this.writeReport(op.op, failed)
    if (failed) return this.finish(this.failure(op.op, hookFailedError(op.op)))
    if (op.op === 'delete') {
      // Helm's uninstall returns once it has asked for every deletion, and ARM reports the
      // extension gone then: the pods stop afterwards, inside a Terminating namespace
      // (spec/azureml-extension.md §6: wait for GET 404 *and* the namespace gone). The
      // stricter of the readings.
      this.components.removeAll()
      this.markNamespaceTerminating()
      this.tearingDown = true
      this.leaving = this.ext
      this.ext = undefined
      return this.finish({ ok: true })
    }
    op.phase = 'rollout'
    const ext = this.ext!
    const desired = expectedComponents(ext).filter(
      c => this.faults.get(c.name)?.kind !== 'NeverAppears'
    )
    this.components.reconcile(desired, nodeSelectorOf(ext.settings))
    this.components.sync(nowIso())
  }

  private timeOut(op: Operation): void {
    // Helm's atomic install uninstalls what it created; a failed upgrade leaves the release as it is.
    if (op.op === 'install') this.components.removeAll()
    this.finish(this.failure(op.op, timeoutError(op.op, this.ext!.name)))
  }

  private succeed(): void {
    this.finish({ ok: true })
  }

  private finish(outcome: ClusterOutcome): void {
    const op = this.op
    this.op = undefined
    if (op && op.op !== 'delete') this.writeReleaseSecret(outcome.ok ? 'deployed' : 'failed')
    op?.resolve(outcome)
  }

  private failure(op: HelmOperation, helmError: string): ClusterOutcome {
    return {
      ok: false,
      errorInfo: {
        code: 'ExtensionOperationFailed',
        message: extensionManagerMessage(op, helmError)
      }
    }
  }

  // --- the healthcheck hook pod -------------------------------------------------------------

  private startHook(): void {
    // hook-delete-policy before-hook-creation: the previous run's pod goes first.
    this.store.remove('pods', NS, HOOK)
    this.hookWritten = ''
    const version = this.ext?.version ?? '1.1.71'
    this.hook = {
      name: HOOK,
      uid: randomUUID(),
      component: HOOK,
      hook: true,
      containers: [HOOK],
      images: [`mcr.microsoft.com/azureml/amlarc/docker/healthcheck:${version}`],
      stage: 'Pending',
      ticksInStage: 0,
      restarts: 0
    }
    this.writeHook(nowIso())
  }

  private hookDone(): boolean {
    return this.hook?.stage === 'Succeeded' || this.hook?.stage === 'Failed'
  }

  private hookFails(): boolean {
    const f = this.faults.get(HOOK)
    return (
      f?.kind === 'HealthcheckFailed' &&
      (f.operations ?? ['install', 'upgrade']).includes(this.op?.op ?? 'install')
    )
  }

  private stepHook(now: string): void {
    const hook = this.hook
    if (!hook || this.hookDone()) return
    const nodes = nodeViews(this.store)
    const selector = nodeSelectorOf(this.ext?.settings ?? {})
    const evs = step(hook, {
      hookFails: this.hookFails(),
      place: () => place({ nodes, nodeSelector: selector, load: new Map() }),
      now
    })
    for (const e of evs)
      this.events.record(
        { kind: 'Pod', name: hook.name, uid: hook.uid, apiVersion: 'v1', node: hook.node },
        e,
        now
      )
    this.writeHook(now)
  }

  private writeHook(now: string): void {
    const hook = this.hook!
    if (podSignature(hook) === this.hookWritten) return
    this.hookWritten = podSignature(hook)
    const labels = { app: HOOK, ...SYSTEM_LABELS }
    this.store.put(
      'pods',
      podObject(
        hook,
        {
          labels,
          nodeSelector: nodeSelectorOf(this.ext?.settings ?? {}),
          serviceAccount: 'default'
        },
        undefined,
        now
      )
    )
  }

  private writeReport(op: HelmOperation, failed: boolean): void {
    const f = this.faults.get(HOOK)
    const ext = this.ext!
    const report = healthcheckReport({
      date: nowIso(),
      durationMs: Date.now() - this.op!.startedAt,
      distribution: ext.clusterType === 'managedClusters' ? 'aks' : 'k3s',
      correlationId: randomUUID(),
      failure:
        failed && f?.kind === 'HealthcheckFailed'
          ? { code: f.code, message: f.message }
          : undefined,
      inference: flag(ext.settings, 'enableInference', false)
    })
    this.logs.set(HOOK, report)
    const data = Object.fromEntries(reportKeys(op, failed).map(k => [k, report]))
    const existing = this.store.get('configmaps', NS, 'arcml-healthcheck')
    this.store.put('configmaps', {
      metadata: { name: 'arcml-healthcheck', namespace: NS, labels: { ...SYSTEM_LABELS } },
      data: { ...((existing?.data as Record<string, string>) ?? {}), ...data }
    })
  }

  // --- namespace and release bookkeeping ----------------------------------------------------

  private createNamespace(): void {
    this.store.put('namespaces', {
      metadata: { name: NS, labels: { 'kubernetes.io/metadata.name': NS } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' }
    })
  }

  /** Helm stores each release revision as a Secret `sh.helm.release.v1.<release>.v<n>`. */
  private writeReleaseSecret(state: 'deployed' | 'failed'): void {
    const ext = this.ext
    if (!ext) return
    this.revision++
    this.store.put('secrets', {
      metadata: {
        name: `sh.helm.release.v1.${ext.name}.v${this.revision}`,
        namespace: NS,
        labels: { name: ext.name, owner: 'helm', status: state, version: String(this.revision) }
      },
      type: 'helm.sh/release.v1',
      data: {
        release: Buffer.from(
          JSON.stringify({
            name: ext.name,
            version: this.revision,
            chart: `amlarc-extension-${ext.version}`
          })
        ).toString('base64')
      }
    })
  }

  private markNamespaceTerminating(): void {
    this.store.update('namespaces', '', NS, ns => {
      ns.metadata.deletionTimestamp = nowIso()
      ns.status = { phase: 'Terminating' }
    })
  }

  private deleteNamespace(): void {
    this.store.removeNamespace(NS)
    this.store.remove('namespaces', '', NS)
    this.hook = undefined
    this.ext = undefined
    this.leaving = undefined
    this.revision = 0
    this.logs.clear()
    this.events.forget()
    this.tearingDown = false
  }
}
