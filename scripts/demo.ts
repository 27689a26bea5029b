/**
 * `npm run demo`: the bundled action (dist/index.js), run as a workflow step would run it, against
 * the local sandbox. Prints each step's log, outputs and job summary.
 */
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startSandbox } from '../sandbox/index.js'
import { clusterId } from '../sandbox/arm/clusters.js'
import type { Sandbox } from '../sandbox/index.js'
import { inputEnv, parseOutputs, stepEnv, targetInputs } from '../sandbox/step.js'

const ACTION = new URL('../dist/index.js', import.meta.url).pathname
const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s)

/** Long JSON outputs (components, report) cut to a line; the summary shows them in full. */
const clip = (v: string) => (v.length > 160 ? `${v.slice(0, 157)}…` : v)

/** The summary's Markdown as a terminal shows it: the collapsible pod lists left folded. */
function forTerminal(markdown: string): string {
  return markdown
    .replace(
      /(<details>[\s\S]*?<\/details>\s*)+/,
      "(each component's pods are listed, folded, in the summary)\n"
    )
    .replace(/<br>/g, ' / ')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

async function step(
  sandbox: Sandbox,
  title: string,
  inputs: Record<string, string>
): Promise<void> {
  console.log(`\n${bold(`━━ ${title}`)}`)
  const dir = await mkdtemp(join(tmpdir(), 'demo-step-'))
  const [outputFile, summaryFile] = [join(dir, 'output'), join(dir, 'summary')]
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')])
  const env: Record<string, string> = {
    ...stepEnv(sandbox),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    AZUREML_ACTION_POLL_MS: '250',
    AZUREML_ACTION_RETRY_MS: '200',
    // The cluster checks' graces, shortened from minutes so that a fault is diagnosed at once.
    AZUREML_ACTION_GRACE_MS: '1500',
    ...inputEnv({ ...targetInputs(sandbox), ...inputs })
  }
  for (const [k, v] of Object.entries(inputs)) {
    console.log(`  with ${k}: ${v.replace(/\n/g, '\n' + ' '.repeat(k.length + 9))}`)
  }
  const code = await new Promise<number>(resolve => {
    const child = spawn(process.execPath, [ACTION], { env, stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line || /^::(add-mask|debug|endgroup)::/.test(line)) continue
        // Workflow commands escape newlines; show them as the runner would.
        const text = line
          .replace(/^::group::/, '▸ ')
          .replace(/%0A/g, '\n')
          .replace(/%0D/g, '')
          .replace(/%25/g, '%')
        console.log(text.replace(/^/gm, '  │ '))
      }
    })
    child.on('close', c => resolve(c ?? 1))
  })
  const outputs = parseOutputs(await readFile(outputFile, 'utf8'))
  console.log(`  step ${code === 0 ? 'succeeded' : 'failed'}; outputs:`)
  for (const [name, value] of Object.entries(outputs)) console.log(`    ${name} = ${clip(value)}`)
  const summary = forTerminal(await readFile(summaryFile, 'utf8'))
  if (summary) console.log(`  job summary:\n${summary.replace(/^/gm, '    ')}`)
  await rm(dir, { recursive: true, force: true })
}

const sandbox = await startSandbox({ kube: { podStepMs: 100, terminationGraceMs: 1500 } })
try {
  console.log(
    bold(
      'AzureML extension action against the local sandbox (GitHub OIDC, Entra ID, ARM, Kubernetes)'
    )
  )
  const both = {
    scenario: 'training-and-inference',
    'inference-router-service-type': 'NodePort',
    'allow-insecure-connections': 'true'
  }
  await step(
    sandbox,
    '1. apply: training and inference on a 3-node Arc cluster, pods verified',
    both
  )
  await step(sandbox, '2. apply again with the same inputs: nothing to write', both)
  await step(sandbox, '3. verify: the promotion gate, read-only', { mode: 'verify' })
  changeByHand(sandbox)
  await step(sandbox, '4. drift: someone turned the Prometheus operator off by hand', {
    ...both,
    mode: 'drift'
  })
  sandbox.kube.controller.faults.set('gateway', { kind: 'CrashLoopBackOff' })
  await step(sandbox, '5. verify: the gateway now crashes; diagnosed with its fix', {
    mode: 'verify',
    timeout: '2m'
  })
  sandbox.kube.controller.faults.clear()
  sandbox.kube.workloads.addTrainingJob('nightly-train')
  await step(sandbox, '6. apply turning inference off while jobs run: refused as disruptive', {
    scenario: 'training'
  })
  await step(sandbox, '7. delete: waits until the pods have left azureml', { mode: 'delete' })
} finally {
  await sandbox.stop()
}

// AKS needs no kubeconfig: a private, Entra-integrated cluster is verified through Run Command.
const aks = await startSandbox({
  clusterType: 'managedClusters',
  kube: { podStepMs: 100, terminationGraceMs: 1500 }
})
try {
  Object.assign(aks.cluster, { privateCluster: true, aad: { azureRbac: true } })
  aks.arm.permissions.set(clusterId(aks.cluster), [
    { actions: [], dataActions: ['Microsoft.ContainerService/managedClusters/*/read'] }
  ])
  await step(
    aks,
    '8. apply on a private AKS cluster, no kubeconfig: verified through AKS Run Command',
    { scenario: 'training', kubeconfig: '' }
  )
} finally {
  await aks.stop()
}

/** What `az k8s-extension update --config installPromOp=false` would leave behind. */
function changeByHand(s: Sandbox): void {
  for (const ext of s.arm.extensions.store.values()) ext.settings.installPromOp = 'false'
  console.log(`\n${bold('━━ (by hand) az k8s-extension update … --config installPromOp=false')}`)
}
