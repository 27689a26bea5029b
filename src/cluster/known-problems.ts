/**
 * Every cluster problem the assessment can report, with what it means and the fix, in one table,
 * so the README's troubleshooting section can be generated from the same text the action prints.
 * `<name>` placeholders are filled per problem (see `fill`).
 */

export interface KnownProblem {
  /** The `reason` a ClusterProblem carries. */
  reason: string
  /** The signal, as a user would see it in kubectl. */
  signal: string
  means: string
  fix: string
}

const SIZING =
  'the extension needs about 1.9 vCPU / 2.9 GiB of requests for training and inference together, each azureml-fe-v2 replica 0.9–2 vCPU and 0.8–1.2 GiB; use nodes of at least 4 vCPU / 14 GB (e.g. Standard_DS3_v2), 3 of them for inference-router HA'
const LOGS = '`kubectl logs -n azureml <pod> -c <container> --previous`'

export const KNOWN_PROBLEMS = {
  imagePull: {
    reason: 'ImagePullBackOff',
    signal: 'ErrImagePull / ImagePullBackOff, event "Back-off pulling image"',
    means: 'the nodes cannot pull the extension images from Microsoft Container Registry',
    fix: 'allow outbound HTTPS (443) from the nodes to `mcr.microsoft.com` and `*.data.mcr.microsoft.com` (the AzureML extension firewall list) in the firewall, proxy or network policy'
  },
  imageNotFound: {
    reason: 'ImageNotFound',
    signal: 'ErrImagePull with "manifest unknown" or "not found"',
    means: 'the registry answered but has no such image or tag',
    fix: 'check the `version` and `release-train` inputs and any image or registry overrides in `config`'
  },
  invalidImageName: {
    reason: 'InvalidImageName',
    signal: 'waiting reason InvalidImageName',
    means: 'the image reference is malformed',
    fix: 'remove image or registry overrides from `config`, or pin a published `version`'
  },
  crashLoop: {
    reason: 'CrashLoopBackOff',
    signal: 'CrashLoopBackOff with restarts past the threshold',
    means: 'a container keeps exiting',
    fix: `read why it exits: ${LOGS}; troubleshooting guide https://aka.ms/arcmltsg`
  },
  relayCrashLoop: {
    reason: 'CrashLoopBackOff',
    signal: 'relayserver in CrashLoopBackOff (Arc)',
    means: 'relayserver cannot reach its Azure Relay',
    fix: `allow egress to \`*.servicebus.windows.net\` and check that the Azure Relay in the cluster's resource group still exists; then read ${LOGS}`
  },
  oomKilled: {
    reason: 'OOMKilled',
    signal: 'last termination reason OOMKilled',
    means: 'the container exceeds its memory limit or the node runs out of memory',
    fix: `give the nodes more memory or spread the load: ${SIZING}`
  },
  nginxOomKilled: {
    reason: 'OOMKilled',
    signal: 'azureml-ingress-nginx-controller OOMKilled',
    means:
      'ingress-nginx starts one worker per node CPU, and many CPUs need more memory than its limit',
    fix: 'set `nginxIngress.controllerConfig.worker-processes` (e.g. 4) in `config`, or give the controller a higher memory limit'
  },
  antiAffinity: {
    reason: 'Unschedulable',
    signal: "FailedScheduling: node(s) didn't match pod anti-affinity rules",
    means: 'the replicas must run on different nodes and there are too few nodes',
    fix: 'inference-router HA runs one azureml-fe-v2 replica per node and needs 3 schedulable nodes: set `inference-router-ha: false`, or add nodes'
  },
  insufficientResources: {
    reason: 'Unschedulable',
    signal: 'FailedScheduling: Insufficient cpu / Insufficient memory',
    means: 'no node has enough free CPU or memory for the pod',
    fix: `add nodes or use larger ones: ${SIZING}`
  },
  selectorMismatch: {
    reason: 'Unschedulable',
    signal: "FailedScheduling: node(s) didn't match Pod's node affinity/selector",
    means: 'no node carries the labels the pods select',
    fix: 'fix the `node-selector` input (label=value lines) or label the nodes (`kubectl label node <node> key=value`); AKS labels such as `agentpool` do not exist on Arc clusters'
  },
  untoleratedTaint: {
    reason: 'Unschedulable',
    signal: 'FailedScheduling: node(s) had untolerated taint',
    means: 'the nodes carry a taint the extension pods do not tolerate',
    fix: 'remove taint <taint> from the nodes (`kubectl taint nodes <node> <removal>`) or add untainted nodes; extension pods tolerate only `ml.azure.com/amlarc` and `ml.azure.com/amlarc-system`'
  },
  tooManyPods: {
    reason: 'Unschedulable',
    signal: 'FailedScheduling: Too many pods',
    means: 'the nodes hold their maximum number of pods',
    fix: 'raise the node pool max pods (AKS `--max-pods`), free pod slots, or add nodes'
  },
  cordoned: {
    reason: 'Unschedulable',
    signal: 'FailedScheduling: node(s) were unschedulable',
    means: 'the nodes are cordoned',
    fix: 'uncordon them (`kubectl uncordon <node>`) or add nodes'
  },
  unschedulable: {
    reason: 'Unschedulable',
    signal: 'FailedScheduling (other)',
    means: 'the scheduler finds no node for the pod',
    fix: 'make room as the scheduler message says (add nodes, relax the constraint it names)'
  },
  scaleUpLimit: {
    reason: 'Unschedulable',
    signal: 'NotTriggerScaleUp from cluster-autoscaler',
    means: 'the cluster autoscaler will not add a node (max node group size reached)',
    fix: "raise the node pool's maximum node count"
  },
  secretMissing: {
    reason: 'CreateContainerConfigError',
    signal:
      'CreateContainerConfigError, event "Error: secret \\"<name>\\" not found" or "couldn\'t find key"',
    means:
      'the TLS secret named by `ssl-secret` is not in `azureml`, or lacks `cert.pem` / `key.pem`',
    fix: 'create secret `<secret>` in namespace `azureml` with keys `cert.pem` and `key.pem` (`kubectl create secret generic <secret> -n azureml --from-file=cert.pem --from-file=key.pem`), or give `ssl-cert` and `ssl-key` instead of `ssl-secret`'
  },
  containerConfig: {
    reason: 'CreateContainerConfigError',
    signal: 'CreateContainerConfigError / CreateContainerError',
    means: 'the kubelet cannot build the container from its spec',
    fix: 'read the pod events (`kubectl describe pod -n azureml <pod>`) and fix the object they name'
  },
  identityCerts: {
    reason: 'FailedMount',
    signal: 'long ContainerCreating, FailedMount of secret amlarc-identity-certs',
    means: 'the Arc agents have not provided the identity certificates',
    fix: 'upgrade the Arc agents (`az connectedk8s upgrade`), then reinstall the extension'
  },
  failedMount: {
    reason: 'FailedMount',
    signal: 'long ContainerCreating, FailedMount',
    means: 'a volume of the pod cannot be mounted',
    fix: 'create the object the FailedMount event names, or read `kubectl describe pod -n azureml <pod>`'
  },
  healthcheckFailed: {
    reason: 'HealthcheckFailed',
    signal: 'healthcheck pod Error, no report',
    means: 'the pre-install/upgrade checks failed',
    fix: 'read `kubectl get configmap arcml-healthcheck -n azureml -o yaml` and `kubectl logs -n azureml healthcheck`; error codes at https://aka.ms/arcmltsg'
  },
  progressDeadline: {
    reason: 'ProgressDeadlineExceeded',
    signal: 'Deployment condition Progressing=False, ProgressDeadlineExceeded',
    means: 'the rollout stopped making progress',
    fix: "fix the pods' own problems named here; `kubectl describe deployment -n azureml <component>` shows the rest"
  },
  admissionDenied: {
    reason: 'FailedCreate',
    signal: 'Warning FailedCreate: admission webhook "…" denied the request',
    means: 'a policy (Azure Policy / Gatekeeper) rejects the extension pods',
    fix: 'exempt namespace `azureml` from the policy assignment behind constraint `<constraint>`, or change its effect to audit'
  },
  failedCreate: {
    reason: 'FailedCreate',
    signal: 'Warning FailedCreate on a ReplicaSet/DaemonSet/StatefulSet',
    means: 'Kubernetes cannot create the pods',
    fix: 'fix the cause quoted (a ResourceQuota, LimitRange or webhook on `azureml`)'
  },
  missing: {
    reason: 'Missing',
    signal: 'expected component absent after provisioning succeeded',
    means: 'Helm did not create the component',
    fix: 'read `helm history -n azureml <extension>` and `kubectl get events -n azureml --sort-by=.lastTimestamp`; reinstall the extension if it stays absent'
  },
  namespaceTerminating: {
    reason: 'NamespaceTerminating',
    signal: 'namespace azureml Terminating',
    means: 'an earlier delete of the extension is still running',
    fix: 'wait for the earlier delete to finish (about 10 minutes, until the namespace is gone), then run again'
  }
} as const satisfies Record<string, KnownProblem>

export type KnownProblemId = keyof typeof KNOWN_PROBLEMS

export interface HealthcheckCode {
  name: string
  /** Below E45000 the install cannot proceed; above, the check is diagnostic. */
  critical: boolean
  fix: string
}

/** The healthcheck's error codes (https://aka.ms/arcmltsg). */
export const HEALTHCHECK_CODES: Record<string, HealthcheckCode> = {
  E40000: {
    name: 'UNKNOWN_ERROR',
    critical: true,
    fix: 'read `kubectl logs -n azureml healthcheck`'
  },
  E40001: {
    name: 'LOAD_BALANCER_NOT_SUPPORT',
    critical: true,
    fix: 'the cluster has no LoadBalancer provider: set `inference-router-service-type` to `nodePort` or `clusterIP`'
  },
  E40002: {
    name: 'INSUFFICIENT_NODE',
    critical: true,
    fix: 'too few healthy nodes for the inference router (HA needs 3; `node-selector` may narrow them): set `inference-router-ha: false`, widen `node-selector`, or add nodes'
  },
  E40003: {
    name: 'INTERNAL_LOAD_BALANCER_NOT_SUPPORT',
    critical: true,
    fix: 'an internal load balancer works only on AKS with provider `azure`: set `internal-load-balancer: false`'
  },
  E40004: {
    name: 'AZUREML_FE_DEPLOYMENT_NOT_FOUND',
    critical: true,
    fix: 'azureml-fe is missing: reinstall the extension'
  },
  E40005: {
    name: 'AZUREML_FE_SCALE_UP_TIMEOUT',
    critical: true,
    fix: "azureml-fe did not become ready in time: fix its pods' problems (scheduling, image pulls), or set `inference-router-ha: false` on small clusters"
  },
  E40006: {
    name: 'AZUREML_FE_UPDATE_REPLICAS_FAILED',
    critical: true,
    fix: 'updating the azureml-fe replicas failed: read `kubectl logs -n azureml healthcheck`'
  },
  E40007: {
    name: 'INVALID_SSL_SETTING',
    critical: true,
    fix: 'the certificate or key is invalid, they do not match, or the certificate is not for `ssl-cname`: fix `ssl-cert`/`ssl-key` (or the secret named by `ssl-secret`) and `ssl-cname`'
  },
  E45001: {
    name: 'AGENT_UNHEALTHY',
    critical: false,
    fix: 'some pods or workloads in `azureml` are unhealthy: see the component problems and `kubectl get pods -n azureml`'
  },
  E45002: {
    name: 'PROMETHEUS_CONFLICT',
    critical: false,
    fix: 'a Prometheus operator already runs in the cluster: add `installPromOp=false` to `config` and integrate the existing one'
  },
  E45003: {
    name: 'BAD_NETWORK_CONNECTIVITY',
    critical: false,
    fix: 'egress is blocked: allow `mcr.microsoft.com`, `*.data.mcr.microsoft.com`, `management.azure.com`, `login.microsoftonline.com`, `<region>.dp.kubernetesconfiguration.azure.com` and the rest of the AzureML extension firewall list'
  },
  E45004: {
    name: 'AZUREML_FE_ROLE_CONFLICT',
    critical: false,
    fix: 'a legacy AKS-v1 `azureml-fe-role` exists: delete the legacy objects, or add `scoringFe.enableUpgrade=true` to `config`'
  },
  E45005: {
    name: 'AZUREML_FE_DEPLOYMENT_CONFLICT',
    critical: false,
    fix: 'a legacy AKS-v1 `azureml-fe` Deployment exists: delete the legacy objects, or add `scoringFe.enableUpgrade=true` to `config`'
  },
  E45006: {
    name: 'INSTANCE_TYPE_FAILED',
    critical: false,
    fix: 'validating or updating instance types failed: check `kubectl get instancetypes` and the healthcheck log'
  },
  E49999: {
    name: 'CHECKER_PANIC',
    critical: false,
    fix: 'a checker crashed: read `kubectl logs -n azureml healthcheck` and retry'
  }
}

/** Replaces `<name>` placeholders; unknown ones stay, so a README shows them as written. */
export function fill(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/<([a-z]+)>/g, (whole, key: string) => vars[key] ?? whole)
}
