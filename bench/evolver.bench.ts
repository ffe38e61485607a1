/**
 * Evolver throughput: candidates screened and candidates through the full gates per 10 minutes, on the
 * 9-pair 5m year the sandbox bench builds, with v001 as parent and incumbent, 2 workers (one warm
 * sandbox child each, datasets kept loaded), and each child's resident memory as the run goes (it
 * should stay flat across candidates). Budget: BENCH_EVOLVER_SECONDS (default 600).
 * Run: npm run bench -- evolver
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simulatedClock } from '../src/clock/clock.ts';
import { ConfigSchema } from '../src/config/index.ts';
import { PAIRS } from '../src/contract/pairs.ts';
import { createRepositories, openDatabase } from '../src/db/index.ts';
import { evolverWorker, runEvolver, type EvolverJob, type EvolverJobResult } from '../src/evolution/evolver.ts';
import { inProcessPool } from '../src/evolution/jobs.ts';
import { baselineOf, type PolicyContext } from '../src/evolution/policy.ts';
import { startVersionRunner } from '../src/evolution/setup.ts';
import { evaluationWindows } from '../src/evolution/windows.ts';
import { engineConfigFor } from '../src/versions/evaluate.ts';
import { openVersionStore, seedInitialVersions } from '../src/versions/seed.ts';
import { grid } from './lib/sandbox-fixtures.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORKERS = 2;

function rssMb(pid: number | undefined): string {
  if (pid === undefined) return '-';
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? `${(Number(m[1]) / 1024).toFixed(0)} MB` : '-';
  } catch {
    return 'gone';
  }
}

export default async function (): Promise<void> {
  const seconds = Number(process.env.BENCH_EVOLVER_SECONDS ?? 600);
  const files = mkdtempSync(join(tmpdir(), 'bench-evolver-'));
  const year = grid(105_120, PAIRS.length);
  const data = { pairs: PAIRS, time: year.time, columns: year.cols.map(([o, h, l, c, v]) => ({ time: year.time, open: o!, high: h!, low: l!, close: c!, volume: v! })) };
  const config = ConfigSchema.parse({});
  const db = openDatabase({ path: ':memory:' });
  const repos = createRepositories(db);
  const clock = simulatedClock(Date.UTC(2025, 0, 1));
  const store = openVersionStore({ db, clock, repoRoot: ROOT, filesRoot: files });
  await seedInitialVersions(store, ROOT);
  const parent = store.get(store.repo.active('strategy')!.versionId);
  const incumbent = await startVersionRunner(parent);
  const start = incumbent.meta.warmup;
  const engine = engineConfigFor(config, data.pairs, incumbent.meta, start);
  const windows = evaluationWindows(data, start, config.evolution.policy);
  let t = performance.now();
  const baseline = await baselineOf(incumbent.runner, incumbent.params, data, engine, windows);
  console.log(`incumbent baseline over the selection window (${windows.holdoutStart - start} steps × 9 pairs): ${((performance.now() - t) / 1000).toFixed(2)} s`);
  const ctx: PolicyContext = { data, config: engine, windows, evolution: config.evolution, risk: config.risk, rollback: config.rollback, baseline, trials: () => repos.ledger.trials(), now: () => clock.now() };
  const pids: Array<() => number | undefined> = [];
  const jobs = inProcessPool<EvolverJob, EvolverJobResult>({
    workers: WORKERS,
    createWorker: async () => {
      const w = await startVersionRunner(parent);
      pids.push(w.childPid);
      return evolverWorker(ctx, w.runner, w.specs, w.close);
    },
  });
  const memory = () => pids.map((p) => rssMb(p())).join(', ');
  t = performance.now();
  const report = await runEvolver(
    {
      ledger: repos.ledger, paperTests: repos.paperTests, expectations: repos.evolution, store, clock, evolution: config.evolution, context: ctx, jobs,
      parent: { version: parent, specs: incumbent.specs, params: incumbent.params, runner: incumbent.runner },
      elapsed: () => performance.now() - t,
      onProgress: (line) => console.log(`  ${line}; child RSS ${memory()}`),
    },
    { ms: seconds * 1000 },
  );
  const per10 = (n: number) => ((n * 600_000) / report.elapsedMs).toFixed(0);
  console.log(`evolver, 9 pairs × 105,120 5m steps, ${WORKERS} workers, ${(report.elapsedMs / 1000).toFixed(0)} s:`);
  console.log(`  candidates screened ${report.screened} (${report.screenRuns} screen runs incl. longer rungs), fully gated ${report.fullyGated}, passed ${report.passedGates}, evaluations that failed (sandbox crash, replay mismatch) ${report.failedEvaluations}`);
  console.log(`  per 10 minutes: ${per10(report.screened)} screened, ${per10(report.fullyGated)} through the full gates`);
  console.log(`  child RSS at the end: ${memory()}`);
  await jobs.close();
  await incumbent.close();
  db.close();
  rmSync(files, { recursive: true, force: true });
}
