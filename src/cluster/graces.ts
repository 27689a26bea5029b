/**
 * How long a state may last before waiting stops helping. Each is what a real cluster needs to get
 * past a transient version of the same signal; tests and the sandbox shorten them.
 */
export interface Graces {
  /**
   * Image pulls fail this long (from pod creation) before the run fails, unless back-offs come
   * first. The kubelet retries at 10s, 20s, 40s, 80s…: two minutes is four failed pulls.
   */
  imagePullMs: number
  /**
   * "Back-off pulling image" events (counted) that prove the registry is unreachable: the first
   * back-off can be a registry blip, the second follows another failed pull.
   */
  imagePullBackOffs: number
  /**
   * Restarts of a container in CrashLoopBackOff before it counts as a crash loop. Components that
   * start before their webhook or CRDs restart once or twice (an early single restart is normal).
   */
  crashLoopRestarts: number
  /** Restarts after OOMKilled: one kill can be a start-up spike, a second repeats it. */
  oomKilledRestarts: number
  /**
   * Unschedulable this long (from the PodScheduled=False transition). Covers old pods of a
   * rollout freeing their node (anti-affinity) and the autoscaler noticing the pod (~10–30 s).
   */
  unschedulableMs: number
  /**
   * A TriggeredScaleUp keeps the run waiting this long after the event: new AKS nodes take
   * 3–10 minutes; a scale-up older than this did not place the pod.
   */
  scaleUpMs: number
  /**
   * CreateContainerConfigError / CreateContainerError this long: a secret created right after
   * the install (`ssl-secret`) or a slow container runtime recovers within a minute.
   */
  configErrorMs: number
  /** FailedMount this long: the kubelet retries mounts and reports a timeout after 2 minutes. */
  mountMs: number
  /**
   * FailedCreate on a workload this long after verification began: a webhook briefly
   * unreachable recovers; a policy that denies does not.
   */
  failedCreateMs: number
  /**
   * An expected component still absent this long after provisioning succeeded: Helm created
   * every object before reporting success; the extra covers Arc status lag and slow API servers.
   */
  absentMs: number
}

export const DEFAULT_GRACES: Readonly<Graces> = Object.freeze({
  imagePullMs: 2 * 60_000,
  imagePullBackOffs: 2,
  crashLoopRestarts: 3,
  oomKilledRestarts: 2,
  unschedulableMs: 2 * 60_000,
  scaleUpMs: 15 * 60_000,
  configErrorMs: 60_000,
  mountMs: 5 * 60_000,
  failedCreateMs: 60_000,
  absentMs: 5 * 60_000
})

/** Defaults overlaid with the given values; non-numbers and negatives fall back to defaults. */
export function gracesOf(given: Partial<Graces> | undefined): Graces {
  const out = { ...DEFAULT_GRACES }
  for (const key of Object.keys(out) as (keyof Graces)[]) {
    const v = given?.[key]
    if (typeof v === 'number' && v >= 0) out[key] = v
  }
  return out
}
