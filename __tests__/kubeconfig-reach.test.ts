/**
 * The kubeconfig across the phases: checked in the Inputs phase, its problems reported with
 * every other input problem before anything calls Azure; opened with the Kubernetes client only in
 * Preflight, where what client-node still refuses stops the run before any write.
 */
import { PreflightError } from '../src/azure/errors.js'
import type { RunContext } from '../src/modes/context.js'
import { reachCluster } from '../src/modes/reach.js'
import { runAction } from './helpers/action.js'
import { BASE_INPUTS } from './helpers/inputs.js'

/** Nothing listens here: a run that calls out fails differently from one stopped by its inputs. */
const NOWHERE = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://127.0.0.1:1/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'unused',
  NO_PROXY: '127.0.0.1'
}

const KUBECONFIG = `apiVersion: v1
clusters: [{ name: c, cluster: { server: 'https://127.0.0.1:1' } }]
users: [{ name: u, user: { token: kube-token-0123456789 } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`

test('a kubeconfig problem is reported with every other input problem, its token masked first', async () => {
  const run = await runAction(
    {
      ...BASE_INPUTS,
      'cluster-type': 'connectedClusters',
      scenario: 'training',
      timeout: '5',
      kubeconfig: KUBECONFIG.replace('current-context: x', 'current-context: prod')
    },
    NOWHERE
  )
  expect(run.failed).toBe(true)
  expect(run.errors).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^::error title=Input 'timeout'::'5' is not a duration/),
      expect.stringMatching(
        /^::error title=Input 'kubeconfig'::cannot be used: the kubeconfig text is not a valid kubeconfig \(current-context "prod" names no entry of contexts\)\. Fix: Give kubeconfig/
      ),
      expect.stringMatching(/^::error::2 input problems; nothing was changed/)
    ])
  )
  const mask = run.stdout.indexOf('::add-mask::kube-token-0123456789')
  expect(mask).toBeGreaterThanOrEqual(0)
  expect(mask).toBeLessThan(run.stdout.indexOf('::error'))
  expect(run.stdout).not.toMatch(/Sign-in/)
})

/** Just what reachCluster reads of a run on the kubeconfig way. */
function kubeconfigRun(text: string) {
  const masked: string[] = []
  const ctx = {
    plan: {
      inputs: { waitForPods: true },
      access: { way: 'kubeconfig' },
      kubeconfig: { text, what: 'the kubeconfig text' }
    },
    mask: (s: string) => masked.push(s),
    log: { debug: () => undefined, info: () => undefined }
  } as unknown as RunContext
  return { ctx, masked }
}

test('Preflight opens the kubeconfig the Inputs phase checked, masking its credentials again', async () => {
  const { ctx, masked } = kubeconfigRun(KUBECONFIG)
  await reachCluster(ctx)
  expect(ctx.plan.cluster).toBeDefined()
  expect(masked).toContain('kube-token-0123456789')
})

test('what client-node still refuses stops Preflight, naming the kubeconfig input and its fix', async () => {
  // A token file gone since the Inputs phase read it: client-node reads it again while loading.
  const gone = KUBECONFIG.replace('token: kube-token-0123456789', 'token-file: /nowhere/token')
  const { ctx } = kubeconfigRun(gone)
  const refused = reachCluster(ctx)
  await expect(refused).rejects.toBeInstanceOf(PreflightError)
  await expect(refused).rejects.toThrow(
    /^Input 'kubeconfig' cannot be used: the kubeconfig text is not a valid kubeconfig\. Nothing was written\. Fix: Give kubeconfig/
  )
  expect(ctx.plan.cluster).toBeUndefined()
})
