/**
 * Where `brain backtest --data DIR --quick` spends its time on the 9-pair 5m year from CSV (issue 13.10;
 * the whole command against the pandas port is in `npm run bench -- market`): the same steps the command
 * takes, in this process one after another: the strategy file through the static gates (cold: TypeScript
 * + esbuild loaded on first use; warm: the verdict from the gate cache), its sandbox child started, the
 * CSV import (parse + align), the stages of the run, and the report a run writes only when asked. A
 * fresh process adds the CLI's start-up (tsx + imports), printed first. (The command overlaps the CSV
 * import with the gates and the child's start, and the canaries with the run; here they add up.)
 * Prints figures only. Run: npm run bench -- backtest-phases
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.ts';
import type { StrategyMeta } from '../src/contract/index.ts';
import { openDatabase } from '../src/db/index.ts';
import { writeReport } from '../src/backtest/report/index.ts';
import { metricsInputOf } from '../src/backtest/run.ts';
import { sandboxRunner } from '../src/sandbox/backtest.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import { PROJECT_ROOT } from '../src/paths.ts';
import { engineConfigFor, evaluate, loadData, resolveStrategy } from '../src/versions/evaluate.ts';
import { median } from './lib/stats.ts';
import { writeYearCsv, yearMarket } from './lib/year.ts';

const RUNS = 3;

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
      const marks: Array<[string, number]> = [];
      const engineConfig = engineConfigFor(config, data.pairs, meta, start);
      t = performance.now();
      const out = await evaluate(
        { now: () => Date.now(), onStage: (s) => marks.push([s, performance.now()]) },
        { runner: sandboxRunner(host), data, config: engineConfig, specs: meta.params, quick: true },
      );
      marks.push(['end', performance.now()]);
      const steps = marks.slice(0, -1).map(([name, at], i) => `${name} ${((marks[i + 1]![1] - at) / 1000).toFixed(2)}`);
      console.log(
        `  the run with --quick: ${seconds(t)} s (${steps.join(', ')} s; 'run' sends the dataset to the child, the canaries run alongside it; 'gates' is what is left of them and Monte Carlo)`,
      );
      t = performance.now();
      const input = metricsInputOf(out.result, data, engineConfig);
      await writeReport({
        dir: join(dir, 'phases-report'),
        title: 'phases',
        subtitle: [],
        metrics: out.metrics,
        equity: input.equity,
        markets: input.markets,
        trades: out.result.trades,
        gates: out.gates,
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

/** A fresh process that imports the backtest command (and what it imports) and exits. */
function startUp(): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "await import('./src/cli/commands/backtest.ts')"], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`importing the backtest command failed: ${r.stderr.slice(-500)}`);
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
    console.log(`  start-up (node + tsx + the command's imports): median ${median(Array.from({ length: RUNS }, startUp)).toFixed(2)} s of ${RUNS}`);
    await phases(dir, csv, year.pairs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
