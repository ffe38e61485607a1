/**
 * Where `brain backtest --data DIR --quick` spends its time on the 9-pair 5m year from CSV (issue 13.10;
 * the whole command against the pandas port is in `npm run bench -- market`): the same steps the command
 * takes, in this process one after another: the strategy file through the static gates (cold: TypeScript
 * + esbuild loaded on first use; warm: the verdict from the gate cache), its sandbox child started, the
 * CSV import (parse + align), the parts of the run one by one (dataset sent, the child's run, the host
 * replay, the canaries computed and read from their cache, Monte Carlo), then the run's stages as the
 * command meets them, first on new candles and again, and the report a run writes only when asked. A
 * fresh process adds the CLI's start-up (node + the build + imports), printed first. (The command overlaps the CSV
 * import with the gates and the child's start, and the replay and canaries with the child's run; here
 * the parts add up.) Prints figures only. Run: npm run bench -- backtest-phases
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST } from '../src/build/bundle.ts';
import { currentBundle } from '../src/build/current.mjs';
import { loadConfig } from '../src/config/index.ts';
import type { StrategyMeta } from '../src/contract/index.ts';
import { openDatabase } from '../src/db/index.ts';
import { writeReport } from '../src/backtest/report/index.ts';
import { sliceMarketData } from '../src/backtest/data.ts';
import type { EngineConfig, MarketData } from '../src/backtest/engine.ts';
import { backtestLimits } from '../src/backtest/engine-config.ts';
import { StreamedReplay } from '../src/backtest/replay.ts';
import { metricsInputOf } from '../src/backtest/run.ts';
import { buyAndHoldCanary, lookAheadCanary, randomEntriesCanary } from '../src/backtest/validation/canaries.ts';
import { runCanaries } from '../src/backtest/validation/canary-report.ts';
import { monteCarlo } from '../src/backtest/validation/monte-carlo.ts';
import { backtestInChild, loadDataset, sandboxRunner } from '../src/sandbox/backtest.ts';
import { DEFAULT_GATE_PROCESS_LIMITS, GateProcess } from '../src/sandbox/gates/child-process.ts';
import { usableGateSnapshot } from '../src/sandbox/gates/snapshot.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import { PROJECT_ROOT } from '../src/paths.ts';
import { engineConfigFor, evaluate, loadData } from '../src/versions/evaluate.ts';
import { resolveStrategy } from '../src/versions/resolve.ts';
import { median } from './lib/stats.ts';
import { writeYearCsv, yearMarket } from './lib/year.ts';

const RUNS = 3;

/**
 * What the command does with a new file when dist/ is current: the gates in a process started from the
 * build's snapshot (src/build/gate-snapshot.ts), beside the CSV parse. Here from the sources, so the
 * snapshot is looked for in dist/ directly.
 */
async function snapshotGates(source: string): Promise<void> {
  const blob = usableGateSnapshot(PROJECT_ROOT, DIST);
  if (!blob) {
    console.log("  the same in a gate process from the build's snapshot: no snapshot in dist/ for this Node.js (npm run build makes it)");
    return;
  }
  const t = performance.now();
  const gates = new GateProcess(PROJECT_ROOT, DEFAULT_GATE_PROCESS_LIMITS, blob);
  try {
    const outcome = await gates.run({ kind: 'strategy', source: `${source}\n// a new file\n` });
    const stages = outcome.stages.map((s) => `${s.gate} ${Math.round(s.ms)}`).join(', ');
    console.log(
      `  the same in a gate process from the build's snapshot (brain backtest, dist/ current): ${((performance.now() - t) / 1000).toFixed(2)} s to the verdict (${stages} ms)`,
    );
  } finally {
    await gates.close();
  }
}

async function phases(dir: string, csv: string, pairs: readonly string[]): Promise<void> {
  const config = loadConfig({ env: {}, argv: [], cwd: dir });
  const db = openDatabase({ path: join(dir, 'phases.db') });
  const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);
  try {
    const gateCache = join(dir, 'gate-cache');
    let t = performance.now();
    await resolveStrategy(undefined, db, dir, gateCache);
    const coldGates = seconds(t);
    t = performance.now();
    const strategy = await resolveStrategy(undefined, db, dir, gateCache);
    console.log(
      `  strategy file through the static gates: cold ${coldGates} s (empty cache: TypeScript compiler and esbuild loaded, gates run), warm ${seconds(t)} s (verdict from the cache)`,
    );
    await snapshotGates(strategy.source);
    t = performance.now();
    const host = await StrategyHost.start({ versionId: strategy.versionId, kind: 'strategy', bundle: strategy.bundle });
    console.log(`  sandbox child started (runner bundled, Deno spawned, module loaded): ${seconds(t)} s`);
    try {
      const meta = host.meta as StrategyMeta;
      const imports: number[] = [];
      let loaded: Awaited<ReturnType<typeof loadData>> | undefined;
      for (let i = 0; i < RUNS; i++) {
        t = performance.now();
        loaded = await loadData({ pairs: pairs as never, timeframe: '5m', from: 0, to: Number.MAX_SAFE_INTEGER, dir: csv, tradeFrom: 0 }, db);
        imports.push((performance.now() - t) / 1000);
      }
      const { data, start } = loaded!;
      console.log(
        `  CSV import (${data.pairs.length} pairs × ${data.time.length} rows, parse + align): first ${imports[0]!.toFixed(2)} s, median of ${RUNS} ${median(imports).toFixed(2)} s`,
      );
      const engineConfig = engineConfigFor(config, data.pairs, meta, start);
      await runParts(host, data, engineConfig, join(dir, 'parts-canary-cache'));
      const canaryCacheDir = join(dir, 'canary-cache');
      let out: Awaited<ReturnType<typeof evaluate>> | undefined;
      // A copy of the candles for each: as in a new process, nothing of the first run is kept in memory (the child's dataset, the prepared market, the canaries' memo).
      for (const [label, candles] of [
        ['first on these candles (canaries computed and stored)', data],
        ['again (canaries read from canary-cache/)', sliceMarketData(data, 0, data.time.length)],
      ] as const) {
        const marks: Array<[string, number]> = [];
        t = performance.now();
        out = await evaluate(
          { now: () => Date.now(), onStage: (s) => marks.push([s, performance.now()]) },
          { runner: sandboxRunner(host), data: candles, config: engineConfig, specs: meta.params, quick: true, canaryCacheDir },
        );
        marks.push(['end', performance.now()]);
        const steps = marks.slice(0, -1).map(([name, at], i) => `${name} ${((marks[i + 1]![1] - at) / 1000).toFixed(2)}`);
        console.log(`  the run with --quick, ${label}: ${seconds(t)} s (${steps.join(', ')} s; 'gates' is what is left of the canaries and Monte Carlo)`);
      }
      t = performance.now();
      const input = metricsInputOf(out!.result, data, engineConfig);
      await writeReport({
        dir: join(dir, 'phases-report'),
        title: 'phases',
        subtitle: [],
        metrics: out!.metrics,
        equity: input.equity,
        markets: input.markets,
        trades: out!.result.trades,
        gates: out!.gates,
        stepTimes: data.time,
      });
      console.log(`  the HTML/PNG report (only with --report or --out DIR): ${seconds(t)} s`);
    } finally {
      await host.close();
    }
  } finally {
    db.close();
  }
}

/**
 * The parts of 'run', one after another (the command overlaps them: the host replays each chunk of
 * intents as it arrives and checks the canaries while the child computes): the dataset sent to the
 * child, the child's run (the strategy over the year, its intents streamed back), the host replay of
 * those intents through the engine, the canaries computed and then read from their cache, Monte Carlo.
 */
async function runParts(host: StrategyHost, data: MarketData, engineConfig: EngineConfig, canaryCacheDir: string): Promise<void> {
  const config = { ...engineConfig, limits: backtestLimits(engineConfig.limits) };
  const ms = (t0: number) => `${(performance.now() - t0).toFixed(0)} ms`;
  let t = performance.now();
  await loadDataset(host, 'parts', data);
  const send = ms(t);
  t = performance.now();
  let first = 0;
  const claim = await backtestInChild(host, { datasetId: 'parts', params: config.params, engineConfig: config }, () => {
    first ||= performance.now();
  });
  const child = `${ms(t)} (first intents after ${(first - t).toFixed(0)} ms: the indicator series are computed before the first step)`;
  await host.call({ kind: 'dropDataset', id: 'parts' }, undefined, 'control');
  t = performance.now();
  const replay = new StreamedReplay(host.versionId, config, data);
  replay.feed(replay.end, claim.intents);
  const result = replay.finish(claim.summary);
  replay.release();
  const replayed = ms(t);
  const canaries: string[] = [];
  for (let i = 0; i < 2; i++) {
    t = performance.now();
    await runCanaries(sliceMarketData(data, 0, data.time.length), config, { cache: { dir: canaryCacheDir } });
    canaries.push(ms(t));
  }
  // Each canary once more on a new copy of the candles, the engine's code warm by now: where the first figure goes.
  const copy = sliceMarketData(data, 0, data.time.length);
  const each: string[] = [];
  for (const [name, canary] of [
    ['buy-and-hold', async () => buyAndHoldCanary(copy, config)],
    ['random entries', async () => randomEntriesCanary(copy, config)],
    ['look-ahead', () => lookAheadCanary(copy, config)],
  ] as const) {
    t = performance.now();
    await canary();
    each.push(`${name} ${ms(t)}`);
  }
  t = performance.now();
  monteCarlo(
    result.trades.map((x) => x.pnl),
    config.initialCash,
  );
  console.log(`  the parts of 'run' (${claim.intents.length} intents), one by one:`);
  console.log(`    dataset sent to the child (${data.pairs.length} pairs × ${data.time.length} steps, one packed buffer): ${send}`);
  console.log(`    the child's run: ${child}`);
  console.log(`    host replay of the intents through the engine (alone; in the command it runs chunk by chunk alongside the child): ${replayed}`);
  console.log(`    canaries: computed ${canaries[0]}, read from canary-cache/ ${canaries[1]} (candles hashed)`);
  console.log(`      each again on a new copy, warm: ${each.join(', ')}`);
  console.log(`    Monte Carlo (1000 shuffles): ${ms(t)}`);
}

/**
 * `brain backtest` up to its first check of the data folder (a folder it refuses at once): node, the
 * build bin.mjs picks (dist/ when current, else tsx over the sources), the command's imports and the config.
 */
function startUp(dir: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'src/cli/bin.mjs'), 'backtest', '--data', join(dir, 'no-such-folder')], {
    cwd: dir,
    encoding: 'utf8',
  });
  if (r.status !== 2) throw new Error(`brain backtest on a missing folder should exit 2 (usage), got ${r.status}: ${r.stderr.slice(-500)}`);
  return (performance.now() - t0) / 1000;
}

export default async function (): Promise<void> {
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (figures scale with it)`);
  const dir = mkdtempSync(join(tmpdir(), 'brain-bench-backtest-phases-'));
  try {
    const year = yearMarket();
    const csv = join(dir, 'year');
    writeYearCsv(csv, year);
    console.log(`brain backtest --data $DIR --pairs <9 pairs> --quick, step by step:`);
    const build = currentBundle(pathToFileURL(PROJECT_ROOT)) ? 'dist/' : 'the sources through tsx (no current dist/: npm run build)';
    const startUps = Array.from({ length: RUNS }, () => startUp(dir));
    console.log(`  start-up (node + ${build} + the command's imports and config): median ${median(startUps).toFixed(2)} s of ${RUNS}`);
    await phases(dir, csv, year.pairs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
