import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/db/index.ts';
import { TRUTH_METRICS, truthReport } from '../src/truth.ts';

const T0 = Date.UTC(2025, 0, 6);
const H = 3_600_000;
const dbs: Db[] = [];
afterEach(() => dbs.splice(0).forEach((d) => d.close()));

function db(): Db {
  const d = openDatabase({ path: ':memory:', now: () => T0 });
  dbs.push(d);
  return d;
}

/** Inserts one position row by hand: [id, status, pnl, closedAt, exitReason]. */
function positions(d: Db, rows: [string, string, number, number | null, string | null][]): void {
  const stmt = d.prepare(
    `INSERT INTO positions (id, pair, status, quantity, entry_price, realized_pnl, strategy_version, opened_at, closed_at, exit_reason)
     VALUES (?, 'BTC/USD', ?, 1, 100, ?, 'v1', 0, ?, ?)`,
  );
  for (const r of rows) stmt.run(r);
}

/** Closed trades in close order with these P&Ls. */
function closedTrades(d: Db, pnls: number[]): void {
  positions(
    d,
    pnls.map((pnl, i) => [`c${i}`, 'closed', pnl, T0 + i * H, 'signal']),
  );
}

describe('truth benchmarks on an empty database', () => {
  it('every metric answers: zero counts, null rates and no active version', () => {
    expect(truthReport(db(), T0)).toEqual({
      trades_total: 0,
      trades_open: 0,
      trades_closed: 0,
      wins: 0,
      losses: 0,
      win_rate: null,
      realized_pnl: 0,
      fees_paid: 0,
      expectancy: null,
      max_consecutive_losses: 0,
      current_consecutive_losses: 0,
      current_drawdown: null,
      max_drawdown: 0,
      signals_acted: 0,
      signals_rejected: 0,
      scans_last_24h: 0,
      active_strategy_version: null,
    });
  });

  it('names 17 metrics, each documented', () => {
    expect(TRUTH_METRICS).toHaveLength(17);
    for (const m of TRUTH_METRICS) expect(m.description.length).toBeGreaterThan(10);
  });
});

describe('truth benchmarks against hand-inserted rows', () => {
  it('counts trades: open, closed, and an entry that never filled is not a trade', () => {
    const d = db();
    closedTrades(d, [10, -5]);
    positions(d, [
      ['o1', 'open', 0, null, null],
      ['o2', 'pendingExit', 0, null, null],
      ['a1', 'closed', 0, T0, null],
    ]);
    expect(truthReport(d, T0)).toMatchObject({ trades_total: 4, trades_open: 2, trades_closed: 2 });
  });

  it('wins, losses, win rate, realised P&L and expectancy (a zero P&L counts as a loss)', () => {
    const d = db();
    closedTrades(d, [30, -10, 0, 20]);
    expect(truthReport(d, T0)).toMatchObject({ wins: 2, losses: 2, win_rate: 0.5, realized_pnl: 40, expectancy: 10 });
  });

  it('fees are summed over every fill, open trades included', () => {
    const d = db();
    const f = d.prepare(
      "INSERT INTO fills (trade_id, cl_ord_id, pair, side, price, quantity, fee, liquidity, time) VALUES (?, 'c', 'BTC/USD', 'buy', 100, 1, ?, 'taker', 0)",
    );
    f.run(['t1', 0.25]);
    f.run(['t2', 0.5]);
    expect(truthReport(d, T0).fees_paid).toBe(0.75);
  });

  it('the longest losing run and the current one, in close order', () => {
    const d = db();
    closedTrades(d, [-1, -1, 5, -1, -1, -1, 2, -1, -2]);
    expect(truthReport(d, T0)).toMatchObject({ max_consecutive_losses: 3, current_consecutive_losses: 2 });
  });

  it('a win as the latest trade resets the current losing run', () => {
    const d = db();
    closedTrades(d, [-1, -1, 3]);
    expect(truthReport(d, T0)).toMatchObject({ max_consecutive_losses: 2, current_consecutive_losses: 0 });
  });

  it('current drawdown is the newest snapshot, max drawdown the worst one', () => {
    const d = db();
    const s = d.prepare(
      'INSERT INTO portfolio_snapshots (time, cash, equity, peak_equity, drawdown, realized_pnl, unrealized_pnl, fees_paid) VALUES (?, 0, 0, 0, ?, 0, 0, 0)',
    );
    s.run([T0, 0.02]);
    s.run([T0 + H, 0.12]);
    s.run([T0 + 2 * H, 0.05]);
    expect(truthReport(d, T0)).toMatchObject({ current_drawdown: 0.05, max_drawdown: 0.12 });
  });

  it('signals acted and rejected, and scans in the last 24 h only', () => {
    const d = db();
    const sig = d.prepare(
      "INSERT INTO signals (pair, candle_time, ref_price, strategy_version, action, size_fraction, outcome, reject_reason, created_at) VALUES ('BTC/USD', 0, 1, 'v1', 'buy', 0.1, ?, ?, 0)",
    );
    sig.run(['acted', null]);
    sig.run(['rejected', 'breaker_halted']);
    sig.run(['rejected', 'max_open_positions']);
    const scan = d.prepare(
      "INSERT INTO scan_results (pair, timeframe, candle_time, strategy_version, action, created_at) VALUES ('BTC/USD', '5m', 0, 'v1', 'hold', ?)",
    );
    for (const t of [T0 - 25 * H, T0 - 24 * H, T0 - 23 * H, T0 - H, T0, T0 + 1]) scan.run([t]);
    expect(truthReport(d, T0)).toMatchObject({ signals_acted: 1, signals_rejected: 2, scans_last_24h: 3 });
  });

  it('the active strategy version is the pointer of the strategy slot', () => {
    const d = db();
    const v = d.prepare(
      `INSERT INTO strategy_versions (id, kind, name, label, source, source_sha256, bundle, bundle_sha256, author_kind, created_at, status)
       VALUES (?, 'strategy', 'trend', ?, '', '', '', '', 'human', 0, 'active')`,
    );
    v.run(['sha256:aaa', 'v001']);
    v.run(['sha256:bbb', 'v002']);
    d.prepare("INSERT INTO active_versions (slot, version_id, previous_version_id, switched_at) VALUES ('strategy', 'sha256:bbb', 'sha256:aaa', 0)").run();
    expect(truthReport(d, T0).active_strategy_version).toBe('v002 (sha256:bbb)');
  });
});
