/**
 * The meta-candidate checks of a new statistics module (evolution.md §1.5.1: the evaluator is frozen and
 * proven; a statistics rewrite must reproduce the truth benchmarks). Three gates, in order:
 * - static: the module bundles (kind statistics);
 * - runs_on_db: it runs on the live database through the read-only query runner, within the row and
 *   time limits, and returns a valid report (src/sandbox/statistics.ts);
 * - truth_agreement: on a benchmark fixture with known answers (trades won and lost, an entry that never
 *   filled, fees, drawdowns, signals, scans) every report metric that names a truth benchmark
 *   (src/truth.ts, in camelCase or snake_case, or a listed alias) equals it within rounding.
 * A module that passes is used from the night after it was written, never that night
 * (src/orchestrator/context/statistics-reporter.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { AnalysisReport } from '../contract/analysis.ts';
import { openDatabase, type Db } from '../db/index.ts';
import { formatIssue, type Gates } from '../sandbox/gates/index.ts';
import { StrategyHost } from '../sandbox/host/strategy-host.ts';
import { DEFAULT_QUERY_LIMITS, QueryRunner, type QueryLimits } from '../sandbox/query/query-runner.ts';
import { runStatistics } from '../sandbox/statistics.ts';
import { TRUTH_METRICS, truthReport } from '../truth.ts';

export interface StatisticsCheckDeps {
  /** The live database file; the module reads it only through the read-only query runner. */
  dbPath: string;
  gates: Gates;
  limits?: QueryLimits;
  log?: Logger;
}

export type StatisticsCheck = { ok: true } | { ok: false; gate: 'static' | 'runs_on_db' | 'truth_agreement'; reason: string };

/** Report metric names that mean a truth benchmark under another name (after camelCase → snake_case). */
export const TRUTH_ALIASES: Readonly<Record<string, string>> = {
  trades: 'trades_closed',
  closed_trades: 'trades_closed',
  total_trades: 'trades_total',
  open_trades: 'trades_open',
  net_pnl: 'realized_pnl',
  pnl: 'realized_pnl',
  fees: 'fees_paid',
  drawdown: 'current_drawdown',
};
const TRUTH_NAMES = new Set(TRUTH_METRICS.map((m) => m.name));
const snake = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

/** The truth benchmark a report metric measures, or null when it measures something else. */
export function truthNameOf(metric: string): string | null {
  const s = snake(metric);
  const name = TRUTH_ALIASES[s] ?? s;
  return TRUTH_NAMES.has(name) ? name : null;
}

const DAY = 86_400_000;
/** The benchmark fixture's "now": its data ends shortly before. */
export const FIXTURE_NOW = Date.UTC(2026, 0, 20, 12);

/** Known answers: 5 closed trades (2 won), an entry that never filled (not a trade), an open one, fees, drawdowns, signals, scans, candles. */
export function writeBenchmarkFixture(db: Db): void {
  const t0 = FIXTURE_NOW - 15 * DAY;
  const pos = db.prepare(
    "INSERT INTO positions (id, pair, status, quantity, entry_price, realized_pnl, strategy_version, opened_at, closed_at, exit_reason) VALUES (?, ?, ?, ?, 100, ?, 'v', ?, ?, ?)",
  );
  const fill = db.prepare(
    "INSERT INTO fills (trade_id, cl_ord_id, pair, side, price, quantity, fee, liquidity, time) VALUES (?, ?, ?, ?, 100, 1, ?, 'taker', ?)",
  );
  const trades: Array<[string, string, number, string | null, number]> = [
    ['BTC/USD', 'closed', 5, 'take_profit', 1],
    ['BTC/USD', 'closed', -2, 'stop_loss', 1],
    ['ETH/USD', 'closed', -3, 'stop_loss', 1],
    ['ETH/USD', 'closed', 1.5, 'signal', 1],
    ['SOL/USD', 'closed', -1, 'stop_loss', 1],
    ['SOL/USD', 'closed', 0, null, 0],
    ['BTC/USD', 'open', 0, null, 1],
  ];
  const snap = db.prepare(
    'INSERT INTO portfolio_snapshots (time, cash, equity, peak_equity, drawdown, realized_pnl, unrealized_pnl, fees_paid) VALUES (?, 1000, 1000, 1000, ?, 0, 0, 0)',
  );
  const signal = db.prepare(
    "INSERT INTO signals (pair, candle_time, ref_price, strategy_version, action, size_fraction, regime, outcome, reject_reason, created_at) VALUES ('BTC/USD', ?, 100, 'v', 'buy', 0.1, 'ranging', ?, ?, ?)",
  );
  const scan = db.prepare(
    "INSERT INTO scan_results (pair, timeframe, candle_time, strategy_version, action, regime, created_at) VALUES ('BTC/USD', '5m', ?, 'v', 'hold', 'ranging', ?)",
  );
  const candle = db.prepare("INSERT INTO candles (pair, timeframe, time, open, high, low, close, volume) VALUES (?, '5m', ?, ?, ?, ?, ?, ?)");
  db.transaction(() => {
    trades.forEach(([pair, status, pnl, exit, qty], i) => {
      const opened = t0 + i * DAY;
      pos.run([`p${i}`, pair, status, qty, pnl, opened, status === 'closed' ? opened + DAY / 2 : null, exit]);
      if (qty > 0) fill.run([`f${i}a`, `c${i}`, pair, 'buy', 0.4, opened]);
      if (qty > 0 && status === 'closed') fill.run([`f${i}b`, `c${i}x`, pair, 'sell', 0.41, opened + DAY / 2]);
    });
    [0, 0.02, 0.05, 0.03].forEach((dd, i) => snap.run([t0 + i * DAY, dd]));
    for (let i = 0; i < 8; i++) signal.run([t0 + i * 3_600_000, i < 6 ? 'acted' : 'rejected', i < 6 ? null : 'risk: max open positions', t0 + i * 3_600_000]);
    for (let i = 0; i < 15; i++) scan.run([FIXTURE_NOW - (i + 1) * 2 * 3_600_000, FIXTURE_NOW - (i + 1) * 2 * 3_600_000]);
    for (let d = 0; d < 40; d++)
      for (const [pair, drift] of [
        ['BTC/USD', 0.01],
        ['ETH/USD', -0.008],
      ] as const) {
        const c = 100 * (1 + drift * d);
        candle.run([pair, FIXTURE_NOW - (40 - d) * DAY, c, c * 1.01, c * 0.99, c, 10 + d]);
      }
  });
}

async function report(bundle: string, versionId: string, dbPath: string, d: StatisticsCheckDeps): Promise<AnalysisReport> {
  const runner = new QueryRunner(dbPath, d.limits ?? DEFAULT_QUERY_LIMITS);
  const host = await StrategyHost.start({ versionId, kind: 'statistics', bundle, ...(d.log ? { logger: d.log } : {}) });
  try {
    return await runStatistics(host, runner);
  } finally {
    await host.close();
    await runner.close();
  }
}

const agrees = (a: number, b: number) => Math.abs(a - b) <= Math.max(1e-6, 1e-6 * Math.abs(b));

function disagreements(metrics: Readonly<Record<string, number>>, truth: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(metrics).flatMap(([name, value]) => {
    const t = truthNameOf(name);
    const expected = t ? truth[t] : undefined;
    if (t === null || typeof expected !== 'number') return [];
    return agrees(value, expected) ? [] : [`${name} = ${value}, but the truth benchmark ${t} = ${expected}`];
  });
}

export async function checkStatistics(deps: StatisticsCheckDeps, versionId: string, source: string): Promise<StatisticsCheck> {
  const gated = await deps.gates.run({ kind: 'statistics', source });
  if (!gated.ok) return { ok: false, gate: 'static', reason: gated.issues.slice(0, 5).map(formatIssue).join('\n') };
  try {
    await report(gated.bundle, versionId, deps.dbPath, deps);
  } catch (err) {
    return { ok: false, gate: 'runs_on_db', reason: `on the live database (read-only): ${err instanceof Error ? err.message : String(err)}` };
  }
  const dir = mkdtempSync(join(tmpdir(), 'brain-truth-fixture-'));
  try {
    const fixturePath = join(dir, 'fixture.db');
    const db = openDatabase({ path: fixturePath });
    writeBenchmarkFixture(db);
    const truth = truthReport(db, FIXTURE_NOW);
    db.close();
    const r = await report(gated.bundle, versionId, fixturePath, deps).catch((err: unknown) => err as Error);
    if (r instanceof Error) return { ok: false, gate: 'runs_on_db', reason: `on the truth benchmark fixture: ${r.message}` };
    const wrong = disagreements(r.metrics, truth);
    return wrong.length === 0 ? { ok: true } : { ok: false, gate: 'truth_agreement', reason: `on the truth benchmark fixture: ${wrong.join('; ')}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
