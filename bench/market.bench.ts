/**
 * Candle store and metrics throughput: CSV import, tier compaction, columnar range reads (what a
 * backtest loads), and computeMetrics on a year of 5m equity; then the 9-pair 5m year from CSV as
 * `brain backtest --data` reads it, the whole command (full and --quick with a report, each cold, with
 * empty caches, and warm), and --quick round by round against the pandas port reading and backtesting
 * the same folder: each round runs the command warm, on a new strategy file (candles seen before) and
 * with empty caches, and the port once, with the medians and the rounds each case won. Prints figures;
 * asserts nothing.
 * Run: npm run bench -- market
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alignMarketData } from '../src/backtest/data.ts';
import { computeMetrics } from '../src/backtest/metrics.ts';
import { PAIRS } from '../src/contract/index.ts';
import { openDatabase } from '../src/db/index.ts';
import { seriesFromCsvDir } from '../src/market/dataset.ts';
import { candleDbFrom, createCandleStore } from '../src/market/store.ts';
import { PROJECT_ROOT, SHARED_OHLCV_DIR } from '../src/paths.ts';
import { pandasPython, runPandasPeer } from './lib/pandas-peer.ts';
import { median } from './lib/stats.ts';
import { writeYearCsv, yearMarket } from './lib/year.ts';

/** Rounds of the warm command against the pandas port. */
const ROUNDS = 7;

/** The fastest and slowest of some runs, in seconds. */
const spread = (xs: readonly number[]) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)} s`;

function timed<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const out = fn();
  return [out, performance.now() - t0];
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

function metricsBench(): void {
  const n = 365 * 288;
  const time = new Float64Array(n);
  const value = new Float64Array(n);
  let v = 10_000;
  for (let i = 0; i < n; i++) {
    v *= 1 + Math.sin(i / 97) * 0.0004 + Math.cos(i / 13) * 0.0003;
    time[i] = Date.UTC(2024, 0, 1) + i * 300_000;
    value[i] = v;
  }
  const trades = Array.from({ length: 2000 }, (_, i) => ({
    pair: PAIRS[i % PAIRS.length]!,
    entryTime: time[i * 50]!,
    exitTime: time[i * 50 + 20]!,
    entryPrice: 100,
    exitPrice: 101,
    quantity: 1,
    fees: 0.5,
    slippageCost: 0.05,
    pnl: (i % 3) - 1,
    exitReason: 'signal' as const,
  }));
  const [, ms] = timed(() => computeMetrics({ startingBalance: 10_000, equity: { time, value }, trades, markets: [] }));
  console.log(`computeMetrics: ${n} equity points, ${trades.length} trades in ${ms.toFixed(1)} ms`);
}

/** What `brain backtest --data DIR` does before running: read every pair's CSV, align the pairs on one grid. */
async function yearImport(dir: string): Promise<number> {
  const t0 = performance.now();
  alignMarketData(await seriesFromCsvDir(dir, { pairs: PAIRS, timeframe: '5m', from: 0, to: Number.MAX_SAFE_INTEGER }));
  return (performance.now() - t0) / 1000;
}

/** Seconds of one `brain` process, start to exit. */
function command(args: readonly string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(PROJECT_ROOT, 'src/cli/bin.mjs'), ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 1) throw new Error(`brain ${args.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  return (performance.now() - t0) / 1000;
}

async function yearCsvBench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'brain-bench-year-'));
  try {
    const dir = join(tmp, 'year');
    writeYearCsv(dir, yearMarket());
    const mb = readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0) / 1e6;
    const cold = await yearImport(dir);
    const warm: number[] = [];
    for (let i = 0; i < 5; i++) warm.push(await yearImport(dir));
    console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (figures scale with it)`);
    console.log(
      `9-pair 5m year from CSV (${mb.toFixed(0)} MB, parse + align, as brain backtest --data): first ${cold.toFixed(2)} s, then median ${median(warm).toFixed(2)} s`,
    );
    wholeCommandBench(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The whole `brain backtest --data` over the 9-pair year, cold and warm, against the pandas port. */
function wholeCommandBench(tmp: string, dir: string): void {
  // Every pair of the folder, as the pandas port reads and trades them all (the config's pairs are 5 of the 9).
  const brain = (db: string, extra: readonly string[]) => [
    'backtest',
    '--data',
    dir,
    '--pairs',
    PAIRS.join(','),
    '--timeframe',
    '5m',
    '--db',
    join(tmp, db, 'brain.db'),
    ...extra,
  ];
  const shown = (args: readonly string[]) => `brain ${args.join(' ').replaceAll(tmp, '$TMP')}`;
  const variants = [
    ['full', []],
    ['--quick with a report', ['--quick', '--out', join(tmp, 'report')]],
  ] as const;
  for (const [k, [name, extra]] of variants.entries()) {
    // Cold: a database folder of its own, so the static gates' verdict cache starts empty. Warm: the same folder again.
    const cold = command(brain(`db${k}`, extra), tmp);
    const warm = command(brain(`db${k}`, extra), tmp);
    console.log(
      `whole command ${name}: cold ${cold.toFixed(2)} s (empty caches), warm ${warm.toFixed(2)} s (gate verdict cached)  (${shown(brain('DB', extra))})`,
    );
  }
  const quick = brain('dbq', ['--quick']);
  // Fills dbq's caches: the warm runs read both, a new strategy file reads its canaries' report.
  command(quick, tmp);
  const python = pandasPython();
  // Round by round, one of each, so a slow minute of the machine weighs on every side alike.
  const rounds = Array.from({ length: ROUNDS }, (_, i) => {
    const newFile = join(tmp, `dbn${i}`);
    cpSync(join(tmp, 'dbq', 'canary-cache'), join(newFile, 'canary-cache'), { recursive: true });
    return {
      'warm (both caches filled)': command(quick, tmp),
      'a new strategy file (the gates run, the canaries are read)': command(brain(`dbn${i}`, ['--quick']), tmp),
      'empty caches (the gates and the canaries run)': command(brain(`dbe${i}`, ['--quick']), tmp),
      pandas: python ? runPandasPeer(python, dir, 1) : null,
    };
  });
  const cases = Object.keys(rounds[0]!).filter((k) => k !== 'pandas') as Array<Exclude<keyof (typeof rounds)[number], 'pandas'>>;
  for (const c of cases) {
    const xs = rounds.map((r) => r[c]);
    console.log(`whole command --quick, ${c}: median of ${ROUNDS} ${median(xs).toFixed(2)} s (${spread(xs)})  (${shown(brain('DB', ['--quick']))})`);
  }
  if (!python) {
    console.log('pandas port skipped: no python3 with pandas here (Debian: apt-get install python3-pandas)');
    return;
  }
  const pys = rounds.map((r) => r.pandas!);
  const py = pys[0]!;
  const pandas = median(pys.map((r) => r.processSeconds));
  console.log(
    `pandas ${py.pandas} port, whole process (interpreter, import, read_csv ${py.readSeconds.toFixed(2)} s, one backtest ${py.runSeconds[0]!.toFixed(2)} s): median of ${ROUNDS} ${pandas.toFixed(2)} s (${spread(pys.map((r) => r.processSeconds))})  (${python} bench/peers/v001_pandas.py $TMP/year 1)`,
  );
  for (const c of cases) {
    const s = median(rounds.map((r) => r[c]));
    const won = rounds.filter((r) => r[c] < r.pandas!.processSeconds).length;
    const verdict = s < pandas ? `beats it (${(pandas / s).toFixed(2)}× faster)` : `does not beat it (${(s / pandas).toFixed(2)}× slower)`;
    console.log(`against the pandas port's ${pandas.toFixed(2)} s: brain backtest --quick, ${c}, ${verdict}, faster in ${won} of ${ROUNDS} rounds`);
  }
}

export default async function (): Promise<void> {
  const dir = existsSync(SHARED_OHLCV_DIR) ? SHARED_OHLCV_DIR : join(PROJECT_ROOT, 'data/sample');
  const tmp = mkdtempSync(join(tmpdir(), 'brain-bench-'));
  const db = openDatabase({ path: join(tmp, 'brain.db') });
  try {
    const store = createCandleStore({ db: candleDbFrom(db), retention: { fineDays: 30, hourlyDays: 60 } });
    const [files, importMs] = await timeAsync(() => store.importCsvDir(dir));
    const rows = files.reduce((n, f) => n + f.rows, 0);
    console.log(`import ${dir}: ${rows} candles from ${files.length} files in ${importMs.toFixed(0)} ms (${Math.round(rows / (importMs / 1000))} candles/s)`);
    const pairs = [...new Set(files.map((f) => f.pair))];
    const [cols, readMs] = timed(() => pairs.map((p) => store.columns(p, '5m', 0, Number.MAX_SAFE_INTEGER)));
    const read = cols.reduce((n, c) => n + c.time.length, 0);
    console.log(`rangeColumns 5m: ${read} candles for ${pairs.length} pairs in ${readMs.toFixed(1)} ms`);
    const last = Math.max(...files.map((f) => f.to ?? 0));
    const [steps, compactMs] = timed(() => store.compact(pairs, last + 45 * 86_400_000));
    const folded = steps.reduce((n, s) => n + s.folded, 0);
    console.log(`compact (5m kept 30 d, 1h kept 60 d): ${folded} candles folded in ${steps.length} steps in ${compactMs.toFixed(0)} ms`);
  } finally {
    db.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  metricsBench();
  await yearCsvBench();
}
