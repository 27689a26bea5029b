/**
 * The Kubernetes API server misbehaving while the action watches `azureml`: dropped watches and
 * 410 Gone are resumed and relisted; an API server that goes away and comes back is waited for;
 * one that never comes back ends the run, naming it, well within the timeout.
 */
import type { Sandbox } from '../../sandbox/index.js'
import { runAction } from '../helpers/action.js'
import type { ActionRun } from '../helpers/action.js'
import { runBundle } from '../helpers/bundle-run.js'
import { sandboxInputs, startFullSandbox } from '../helpers/sandbox-run.js'
import type { Expected, TimedRun } from './fault-run.js'
import { expectLiveIsOneOf, expectOutcome, TIMEOUT_S, TRAINING, visibleLog } from './fault-run.js'

const TUNING = {
  AZUREML_ACTION_POLL_MS: '10',
  AZUREML_ACTION_RETRY_MS: '10',
  AZUREML_ACTION_GRACE_MS: '1000'
}

interface ClusterRow {
  fault: string
  /** Done while the run goes, once the action watches the namespace. */
  during: (s: Sandbox) => Promise<void>
  /** The bundle in a child process, where exiting on time is part of the outcome. */
  bundle?: boolean
  expected: Expected
  /** What the debug log shows the watcher did about it. */
  log?: RegExp
  /** A run that gives up after its retries may take longer than PROMPT_MS, never its timeout. */
  limitMs?: number
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** Resolves once the action has a watch open on the API server. */
async function watching(s: Sandbox): Promise<void> {
  while (s.kube.apiFaults.openWatches() === 0) await sleep(5)
}

const rows: ClusterRow[] = [
  {
    fault: 'every watch dropped, three times',
    during: async s => {
      for (let i = 0; i < 3; i++) {
        await watching(s)
        s.kube.apiFaults.dropWatches()
        await sleep(100)
      }
    },
    expected: 'succeeds',
    log: /watch ended, resuming from \d+|watch failed \(.*\), resuming from/
  },
  {
    fault: '410 Gone (history compacted, watches dropped)',
    during: async s => {
      await watching(s)
      // Something else in the cluster changes, then etcd compacts: every watch's rv is too old.
      s.kube.store.create('configmaps', { metadata: { name: 'elsewhere', namespace: 'default' } })
      s.kube.apiFaults.expireHistory()
      s.kube.apiFaults.dropWatches()
    },
    expected: 'succeeds',
    log: /410 Gone, relisting/
  },
  {
    fault: 'the API server going away for 2 s mid-watch',
    during: async s => {
      await watching(s)
      await s.kube.apiFaults.goAway(2000)
    },
    bundle: true,
    expected: 'succeeds',
    log: /ECONNREFUSED|ECONNRESET/
  },
  {
    fault: 'the API server going away mid-watch for good',
    during: async s => {
      await watching(s)
      await s.kube.apiFaults.goAway()
    },
    bundle: true,
    expected:
      /cannot reach the Kubernetes API server https:\/\/127\.0\.0\.1:\d+: the connection was refused/,
    // About 8 s of retries (backoff doubling from 0.5 s), then the verdict.
    limitMs: TIMEOUT_S * 1000
  }
]

async function runIn(
  s: Sandbox,
  row: ClusterRow,
  inputs: Record<string, string>
): Promise<TimedRun> {
  const started = Date.now()
  if (row.bundle) return runBundle(s, inputs, TUNING)
  const run = await runAction(inputs, {
    ACTIONS_ID_TOKEN_REQUEST_URL: s.env.ACTIONS_ID_TOKEN_REQUEST_URL,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: s.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    NO_PROXY: '127.0.0.1,localhost',
    ...TUNING
  })
  return { ...run, ms: Date.now() - started }
}

let sandbox: Sandbox | undefined
afterEach(async () => {
  await sandbox?.stop()
  sandbox = undefined
})

test.each(rows)('$fault: $expected', async row => {
  // Pods take a while to start, so the action watches for a while.
  const s = (sandbox = await startFullSandbox({ kube: { podStepMs: 60 } }))
  const inputs = { ...sandboxInputs(s), ...TRAINING, timeout: `${TIMEOUT_S}s` }
  const [run] = await Promise.all([runIn(s, row, inputs), row.during(s)])
  expectOutcome(run, row.expected, TIMEOUT_S, { limitMs: row.limitMs })
  if (row.log) expect(visibleLog(run)).toMatch(row.log)
  await s.kube.apiFaults.comeBack()
  const drift = (more: Record<string, string>): Promise<ActionRun> =>
    runIn(s, { ...row, bundle: false }, { ...sandboxInputs(s), ...more })
  await expectLiveIsOneOf(s, ['absent', TRAINING], drift)
})
