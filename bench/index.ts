/**
 * `npm run bench` (a benchmark, not a test): readiness detection, start-up, scale and ARM economy
 * of the bundled action (dist/index.js, or AZUREML_ACTION_DIST), each figure the median of several
 * runs beside a comparison measured in the same run on the same machine. Prints one markdown table
 * with notes; BENCH_WRITE_README=1 also writes them into the README's bench section, BENCH_RUNS=n
 * sets the runs per figure (default 5). Needs kubectl at /usr/bin/kubectl. The choices behind each
 * figure are in readiness.ts, startup.ts, scale.ts and arm-economy.ts.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { economySeries } from './arm-economy.js'
import { economyNotes, economyRows } from './economy-rows.js'
import { ENTRY, snapshotBundle, timed, type Exit } from './proc.js'
import { KUBECTL, readinessRun, type ReadinessPath, type ReadinessRun } from './readiness.js'
import {
  readinessNotes,
  readinessRows,
  scaleNotes,
  scaleRows,
  startupNotes,
  startupRows
} from './rows.js'
import { scaleSeries } from './scale.js'
import { bundleSize, startupSeries } from './startup.js'
import { renderTable, withBenchSection } from './table.js'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('BENCH_RUNS must be a whole number ≥ 1')
/** kubectl takes tens of seconds on 20,000 pods; ARM series take several seconds each. */
const KUBECTL_GET_RUNS = Math.min(RUNS, 3)
const ARM_RUNS = Math.min(RUNS, 3)
const started = performance.now()

const sec = (v: number): string => `${(v / 1000).toFixed(2)} s`
/** Progress on stderr, so stdout stays the table. */
const progress = (line: string): void =>
  void process.stderr.write(`[${sec(performance.now() - started)}] ${line}\n`)
const load = (): string =>
  loadavg()
    .map(v => v.toFixed(2))
    .join(' ')

async function machine(): Promise<string> {
  const cpuinfo = await readFile('/proc/cpuinfo', 'utf8')
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown CPU'
  const kubectl = await timed(KUBECTL, ['version', '--client'])
  const version = kubectl.tail.find(l => l.startsWith('Client Version'))?.split(': ')[1]
  const memory = `${(totalmem() / 2 ** 30).toFixed(1)} GiB`
  return `${cpu}, ${cpus().length} cores, ${memory}, Node ${process.version}, kubectl ${version ?? '?'}`
}

/** A source file newer than the bundle, which would then measure old code. */
async function staleBundle(builtAt: number): Promise<string | undefined> {
  const src = new URL('../src/', import.meta.url).pathname
  for (const file of await readdir(src, { recursive: true })) {
    const info = await stat(join(src, file))
    if (info.isFile() && info.mtimeMs > builtAt) return `src/${file}`
  }
  return undefined
}

async function readinessSeries(path: ReadinessPath, cacheDir: string): Promise<ReadinessRun[]> {
  const out: ReadinessRun[] = []
  const ms = (v: number) => `${Math.round(v)} ms`
  // The unfiltered wait runs once: it can only end by its 60 s timeout (see unfilteredCell).
  for (let i = 0; i < RUNS; i++) {
    const run = await readinessRun(path, cacheDir, path === 'verify' && i === 0)
    progress(
      `readiness ${path} ${i + 1}/${RUNS}: action ${ms(run.actionMs)}, kubectl ${ms(run.kubectlMs)}`
    )
    out.push(run)
  }
  return out
}

async function measure(): Promise<string> {
  const bundle = await snapshotBundle()
  const stale = await staleBundle(bundle.builtAt)
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ')
  const header = `\`npm run bench\`, ${when} UTC, on ${await machine()}; medians of ${RUNS} runs (kubectl scale ${KUBECTL_GET_RUNS}, ARM series ${ARM_RUNS}); load average at start ${load()}.`
  const cacheDir = await mkdtemp(join(tmpdir(), 'bench-kubectl-'))
  try {
    const size = await bundleSize()
    const startup = await startupSeries(RUNS, progress)
    const verify = await readinessSeries('verify', cacheDir)
    const apply = await readinessSeries('apply', cacheDir)
    const economy = await economySeries(ARM_RUNS, progress)
    const scale = await scaleSeries(RUNS, KUBECTL_GET_RUNS, progress)
    const unfiltered: Exit = await verify[0]!.unfiltered!
    const rows = [
      ...readinessRows(verify, apply, unfiltered),
      ...startupRows(startup, size),
      ...scaleRows(scale),
      ...economyRows(economy)
    ]
    return [
      header,
      '',
      renderTable(rows),
      '',
      ...readinessNotes(verify, apply),
      ...startupNotes(startup, size),
      ...scaleNotes(scale),
      ...economyNotes(economy),
      ...(stale ? [`- **${ENTRY} is older than ${stale}**: run \`npm run bundle\`.`] : []),
      '',
      `Total runtime ${sec(performance.now() - started)}; load average at end ${load()}.`
    ].join('\n')
  } finally {
    await rm(cacheDir, { recursive: true, force: true })
    await bundle.drop()
  }
}

/** The README's bench section rewritten, formatted as the repository formats markdown. */
async function writeReadme(section: string): Promise<void> {
  const path = new URL('../README.md', import.meta.url).pathname
  const prettier = await import('prettier')
  const options = { ...(await prettier.resolveConfig(path)), filepath: path }
  const text = withBenchSection(await readFile(path, 'utf8'), section)
  await writeFile(path, await prettier.format(text, options))
  progress('README.md: bench section rewritten')
}

const out = await measure()
console.log(out)
if (process.env.BENCH_WRITE_README === '1') await writeReadme(out)
