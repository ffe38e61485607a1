/**
 * Evolver throughput: candidates screened and candidates through the full gates per 10 minutes, on the
 * 9-pair 5m year the sandbox bench builds, with v001 as parent and incumbent, for each worker count.
 * `--runner redis` (default): N `brain worker` processes on this machine take the jobs from a loopback
 * redis-server (Debian's redis-server) — the scale-out path of docs/scale-out.md, warm-up included
 * (each worker fetches the 38 MB year once, starts its child and replays the incumbent's baseline);
 * `--runner inProcess`: the in-process pool with N warm children. The same seed for every N, each on a
 * fresh ledger. Worker memory is printed too (it should stay flat across candidates), and the CPU the
 * workers used: on a shared machine wall-clock rates swing with the load, CPU per candidate does not.
 * Run: npm run bench -- evolver -- [--workers 1,2,4] [--seconds 600] [--runner redis|inProcess]
 * (BENCH_EVOLVER_SECONDS also sets the default budget).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { simulatedClock } from '../src/clock/simulated.ts';
import { ConfigSchema } from '../src/config/index.ts';
import { PAIRS } from '../src/contract/pairs.ts';
import { createRepositories, openDatabase } from '../src/db/index.ts';
import type { VersionRecord } from '../src/db/versions.repo.ts';
import { evolverWorker, runEvolver, type EvolverJob, type EvolverJobResult, type EvolverReport } from '../src/evolution/evolver.ts';
import { inProcessPool, type JobRunner } from '../src/evolution/jobs.ts';
import { redisEvolverJobs } from '../src/evolution/jobs-remote.ts';
import { baselineOf, type PolicyContext } from '../src/evolution/policy.ts';
import { startVersionRunner } from '../src/evolution/setup.ts';
import { evaluationWindows } from '../src/evolution/windows.ts';
import { startLoopbackRedis, type LoopbackRedis } from '../src/redis/loopback.ts';
import { engineConfigFor } from '../src/versions/evaluate.ts';
import { openVersionStore, seedInitialVersions } from '../src/versions/seed.ts';
import { spawnWorker, type SpawnedWorker } from '../tests/worker-process.ts';
import { cpuSeconds, memoryMb, treeCpuSeconds } from './lib/proc.ts';
import { grid } from './lib/sandbox-fixtures.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED = 1;

const rss = (pid: number | undefined) => {
  const mb = memoryMb(pid);
  return Number.isFinite(mb) ? `${mb.toFixed(0)} MB` : 'gone';
};

function options(args: string[]) {
  const { values } = parseArgs({ args, options: { workers: { type: 'string' }, seconds: { type: 'string' }, runner: { type: 'string' } }, strict: true });
  const workers = (values.workers ?? '2').split(',').map(Number);
  const seconds = Number(values.seconds ?? process.env['BENCH_EVOLVER_SECONDS'] ?? 600);
  const runner = values.runner ?? 'redis';
  if (workers.some((n) => !Number.isInteger(n) || n < 1 || n > 16))
    throw new Error(`--workers takes counts in 1..16 separated by commas, got "${values.workers}"`);
  if (!(seconds > 0)) throw new Error(`--seconds must be a positive number, got "${values.seconds}"`);
  if (runner !== 'redis' && runner !== 'inProcess') throw new Error(`--runner must be redis or inProcess, got "${runner}"`);
  return { workers, seconds, runner };
}

interface Rig {
  jobs: JobRunner<EvolverJob, EvolverJobResult>;
  memory: () => string;
  /** CPU seconds the workers have used so far (worker processes with their sandbox children, or this process's children). */
  workerCpu: () => number;
  close: () => Promise<void>;
}

/** N workers of the chosen kind around one evaluation context. */
async function rig(runner: string, n: number, ctx: PolicyContext, parent: VersionRecord, redis: LoopbackRedis | null): Promise<Rig> {
  if (runner === 'inProcess') {
    const pids: Array<() => number | undefined> = [];
    const jobs = inProcessPool<EvolverJob, EvolverJobResult>({
      workers: n,
      createWorker: async () => {
        const w = await startVersionRunner(parent);
        pids.push(w.childPid);
        return evolverWorker(ctx, w.runner, w.specs, w.close);
      },
    });
    // In-process, the host replays run in this process: its own CPU counts as the workers'.
    const workerCpu = () =>
      pids
        .map((p) => cpuSeconds(p()))
        .filter(Number.isFinite)
        .reduce((a, b) => a + b, process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6);
    return { jobs, memory: () => `children ${pids.map((p) => rss(p())).join(', ')}`, workerCpu, close: () => jobs.close() };
  }
  const queue = `bench-${n}-${Date.now()}`;
  const workers: SpawnedWorker[] = await Promise.all(Array.from({ length: n }, () => spawnWorker({ url: redis!.url, queue })));
  const evolution = ConfigSchema.parse({ evolution: { runner: 'redis', redisUrl: redis!.url, queue: { name: queue } } }).evolution;
  const jobs = await redisEvolverJobs({ link: { url: redis!.url }, evolution, context: ctx, versions: { parent, incumbent: parent } });
  return {
    jobs,
    // A worker process's own memory; its sandbox child is the process it started.
    memory: () => `worker processes ${workers.map((w) => rss(w.pid)).join(', ')}`,
    workerCpu: () => workers.map((w) => treeCpuSeconds(w.pid)).reduce((a, b) => a + b, 0),
    close: async () => {
      await jobs.close();
      await Promise.all(workers.map((w) => w.stop()));
    },
  };
}

export default async function (args: string[]): Promise<void> {
  const o = options(args);
  const files = mkdtempSync(join(tmpdir(), 'bench-evolver-'));
  const year = grid(105_120, PAIRS.length);
  const data = {
    pairs: PAIRS,
    time: year.time,
    columns: year.cols.map(([op, h, l, c, v]) => ({ time: year.time, open: op!, high: h!, low: l!, close: c!, volume: v! })),
  };
  const config = ConfigSchema.parse({});
  const redis = o.runner === 'redis' ? await startLoopbackRedis() : null;
  // The machine may be shared: the load around each run says how far its figure can be trusted.
  const rows: Array<{ n: number; r: EvolverReport; load: string; workerCpu: number; enqueuerCpu: number }> = [];
  try {
    for (const n of o.workers) {
      // A fresh ledger and store per N: the same seed draws the same candidates, none of them duplicates.
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
      const baseline = await baselineOf(incumbent.runner, incumbent.params, data, engine, windows);
      const ctx: PolicyContext = {
        data,
        config: engine,
        windows,
        evolution: config.evolution,
        risk: config.risk,
        rollback: config.rollback,
        baseline,
        trials: () => repos.ledger.trials(),
        now: () => clock.now(),
      };
      const r = await rig(o.runner, n, ctx, parent, redis);
      const loadBefore = loadavg()[0]!;
      const cpu0 = { workers: r.workerCpu(), self: process.cpuUsage() };
      const t = performance.now();
      const report = await runEvolver(
        {
          ledger: repos.ledger,
          paperTests: repos.paperTests,
          expectations: repos.evolution,
          store,
          clock,
          evolution: config.evolution,
          context: ctx,
          jobs: r.jobs,
          parent: { version: parent, specs: incumbent.specs, params: incumbent.params, runner: incumbent.runner },
          elapsed: () => performance.now() - t,
          onProgress: (line) => console.log(`  [${n} ${o.runner} workers] ${line}; ${r.memory()}`),
        },
        { ms: o.seconds * 1000, seed: SEED },
      );
      const workerCpu = r.workerCpu() - cpu0.workers;
      const self = process.cpuUsage(cpu0.self);
      console.log(`  [${n} ${o.runner} workers] at the end: ${r.memory()}`);
      for (const row of repos.ledger.top(100_000).filter((x) => x.failedGate === 'evaluation'))
        console.log(`  [${n} ${o.runner} workers] evaluation failed: ${row.reason?.slice(0, 300)}`);
      await r.close();
      await incumbent.close();
      db.close();
      rows.push({ n, r: report, load: `${loadBefore.toFixed(1)}→${loadavg()[0]!.toFixed(1)}`, workerCpu, enqueuerCpu: (self.user + self.system) / 1e6 });
    }
  } finally {
    await redis?.stop();
    rmSync(files, { recursive: true, force: true });
  }
  const per10 = (x: number, ms: number) => (x * 600_000) / ms;
  const first = rows[0] ? per10(rows[0].r.screened, rows[0].r.elapsedMs) : 0;
  console.log(`evolver, 9 pairs × 105,120 5m steps, runner ${o.runner}, budget ${o.seconds} s per worker count, seed ${SEED}:`);
  console.log(
    `  workers  elapsed s  screened  fully gated  failed  per 10 min: screened  fully gated  screened vs ${rows[0]?.n ?? '-'} worker(s)  load (${cpus().length} cores)`,
  );
  for (const { n, r, load } of rows) {
    const s = per10(r.screened, r.elapsedMs);
    console.log(
      `  ${String(n).padStart(7)}  ${(r.elapsedMs / 1000).toFixed(0).padStart(9)}  ${String(r.screened).padStart(8)}  ${String(r.fullyGated).padStart(11)}  ${String(r.failedEvaluations).padStart(6)}  ${s.toFixed(0).padStart(20)}  ${per10(r.fullyGated, r.elapsedMs).toFixed(0).padStart(11)}  ${(first > 0 ? `${(s / first).toFixed(2)}×` : '-').padStart(24)}  ${load}`,
    );
  }
  // CPU time does not depend on how busy the machine was: what one core buys, and how busy the workers were kept.
  console.log('  workers  worker CPU s  worker CPU use  screened per 10 CPU-minutes  fully gated per 10 CPU-minutes  enqueuing side CPU s');
  for (const { n, r, workerCpu, enqueuerCpu } of rows) {
    const use = workerCpu / ((r.elapsedMs / 1000) * n);
    console.log(
      `  ${String(n).padStart(7)}  ${workerCpu.toFixed(0).padStart(12)}  ${`${(use * 100).toFixed(0)} %`.padStart(14)}  ${((r.screened * 600) / workerCpu).toFixed(0).padStart(27)}  ${((r.fullyGated * 600) / workerCpu).toFixed(0).padStart(30)}  ${o.runner === 'redis' ? enqueuerCpu.toFixed(0).padStart(20) : '(in the workers)'.padStart(20)}`,
    );
  }
}
