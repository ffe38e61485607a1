/**
 * `brain backtest --data DIR` on the 9-pair 5m year from CSV (issue 13.10), as an operator runs it:
 * the whole command in a fresh process (start-up, gates, sandbox child, CSV import, the run, the
 * validation gates, the report, the DB row), with --quick and without, against the pandas port end to
 * end (interpreter, read_csv, one backtest). Then where the time goes, the same steps in this process
 * one after another: resolving the strategy file (the static gates: TypeScript + esbuild), starting its
 * sandbox child, the CSV import (parse + align), and the stages of the run. Prints figures only.
 * Run: npm run bench -- backtest-cli
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/index.ts';
import type { StrategyMeta } from '../src/contract/index.ts';
import { openDatabase } from '../src/db/index.ts';
import { sandboxRunner } from '../src/sandbox/backtest.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import { PROJECT_ROOT } from '../src/paths.ts';
import { engineConfigFor, evaluate, loadData, resolveStrategy } from '../src/versions/evaluate.ts';
import { pandasPython, runPandasPeer } from './lib/pandas-peer.ts';
import { median } from './lib/stats.ts';
import { writeYearCsv, yearMarket } from './lib/year.ts';

const BIN = join(PROJECT_ROOT, 'src/cli/bin.mjs');
const RUNS = 3;

function cli(dir: string, csv: string, pairs: string, extra: readonly string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [BIN, 'backtest', '--data', csv, '--pairs', pairs, '--db', join(dir, 'brain.db'), '--out', join(dir, 'report'), ...extra], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`brain backtest exited ${r.status}: ${r.stderr.slice(-800)}`);
  return (performance.now() - t0) / 1000;
}

async function phases(dir: string, csv: string, pairs: readonly string[]): Promise<void> {
  const config = loadConfig({ env: {}, argv: [], cwd: dir });
  const db = openDatabase({ path: join(dir, 'phases.db') });
  const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(2);
  try {
    let t = performance.now();
    const strategy = await resolveStrategy(undefined, db, dir);
    console.log(`  strategy file through the static gates (TypeScript compiler loaded on first use): ${seconds(t)} s`);
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
      console.log(`  CSV import (${data.pairs.length} pairs × ${data.time.length} rows, parse + align): first ${imports[0]!.toFixed(2)} s, median of ${RUNS} ${median(imports).toFixed(2)} s`);
      const marks: Array<[string, number]> = [];
      t = performance.now();
      await evaluate(
        { now: () => Date.now(), onStage: (s) => marks.push([s, performance.now()]) },
        { runner: sandboxRunner(host), data, config: engineConfigFor(config, data.pairs, meta, start), specs: meta.params, quick: true, reportDir: join(dir, 'phases-report') },
      );
      marks.push(['end', performance.now()]);
      const steps = marks.slice(0, -1).map(([name, at], i) => `${name} ${((marks[i + 1]![1] - at) / 1000).toFixed(2)}`);
      console.log(`  the run with --quick: ${seconds(t)} s (${steps.join(', ')} s; 'run' sends the dataset to the child)`);
    } finally {
      await host.close();
    }
  } finally {
    db.close();
  }
}

export default async function (): Promise<void> {
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (figures scale with it)`);
  const dir = mkdtempSync(join(tmpdir(), 'brain-bench-backtest-cli-'));
  try {
    const year = yearMarket();
    const csv = join(dir, 'year');
    writeYearCsv(csv, year);
    const pairs = year.pairs.join(',');
    cli(dir, csv, pairs, ['--quick']); // a first run creates the database and warms the OS file cache
    const quick = median(Array.from({ length: RUNS }, () => cli(dir, csv, pairs, ['--quick'])));
    console.log(`brain backtest --data DIR --quick (9 pairs × 5m year, report written, row stored): median ${quick.toFixed(2)} s of ${RUNS}`);
    const full = cli(dir, csv, pairs, []);
    console.log(`brain backtest --data DIR (every validation gate: look-ahead, walk-forward, jitter): ${full.toFixed(2)} s`);
    const python = pandasPython();
    if (python) {
      const runs = Array.from({ length: RUNS }, () => runPandasPeer(python, csv, 1));
      console.log(`pandas port end to end (${python}: start, read_csv ${median(runs.map((r) => r.readSeconds)).toFixed(2)} s, one backtest): median ${median(runs.map((r) => r.processSeconds)).toFixed(2)} s of ${RUNS}`);
    } else console.log('pandas peer skipped: no python3 with pandas here (Debian: apt-get install python3-pandas)');
    console.log('where the time goes (in this process, one step after another):');
    await phases(dir, csv, year.pairs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
