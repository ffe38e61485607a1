import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalysisQuery } from '../../src/contract/analysis.ts';
import { openDatabase } from '../../src/db/index.ts';
import { StatisticsError } from '../../src/sandbox/errors.ts';
import { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { QueryRunner } from '../../src/sandbox/query/query-runner.ts';
import { runStatistics } from '../../src/sandbox/statistics.ts';
import { gates, REPO_ROOT } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'brain-stats-'));
const dbPath = join(dir, 'brain.db');
const DAY = 86_400_000;
const T0 = 1_700_006_400_000 - (1_700_006_400_000 % DAY);
let runner: QueryRunner;

function seedData(): void {
  const db = openDatabase({ path: dbPath });
  const candle = db.prepare("INSERT INTO candles (pair, timeframe, time, open, high, low, close, volume) VALUES (?, '5m', ?, ?, ?, ?, ?, ?)");
  const position = db.prepare(
    "INSERT INTO positions (id, pair, status, quantity, entry_price, realized_pnl, strategy_version, opened_at, closed_at, exit_reason) VALUES (?, ?, 'closed', 1, 100, ?, 'v', ?, ?, ?)",
  );
  const signal = db.prepare(
    "INSERT INTO signals (pair, candle_time, ref_price, strategy_version, action, size_fraction, regime, outcome, created_at) VALUES (?, ?, 100, 'v', 'buy', 0.1, ?, 'acted', ?)",
  );
  db.transaction(() => {
    for (let d = 0; d < 40; d++) {
      for (let k = 0; k < 4; k++) {
        const t = T0 + d * DAY + k * 6 * 3_600_000;
        const up = 100 * (1 + 0.01 * d);
        const down = 100 * (1 - 0.008 * d);
        candle.run(['BTC/USD', t, up, up * 1.01, up * 0.99, up, 10 + d]);
        candle.run(['ETH/USD', t, down, down * 1.01, down * 0.99, down, 20]);
      }
    }
    const trades: Array<[string, number, string, string]> = [
      ['BTC/USD', 5, 'take_profit', 'trending_up'],
      ['BTC/USD', -2, 'stop_loss', 'trending_up'],
      ['ETH/USD', -3, 'stop_loss', 'ranging'],
      ['ETH/USD', 1, 'signal', 'ranging'],
    ];
    trades.forEach(([pair, pnl, exit, regime], i) => {
      const opened = T0 + i * DAY;
      signal.run([pair, opened, regime, opened]);
      position.run([`p${i}`, pair, pnl, opened, opened + DAY / 2, exit]);
    });
  });
  db.close();
}

async function hostFor(file: string): Promise<StrategyHost> {
  const r = await gates.run({ kind: 'statistics', source: readFileSync(join(REPO_ROOT, file), 'utf8'), virtualPath: file });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return StrategyHost.start({ versionId: file, kind: 'statistics', bundle: r.bundle });
}

/** A statistics module written as JS (gates off): its queries are what the test is about. */
function rawStats(queries: Record<string, AnalysisQuery>, analyzeBody = "return { summary: 'ok', metrics: {} };"): string {
  return `var __module = { default: { meta: { name: 'raw', version: 'x', description: '', queries: ${JSON.stringify(queries)} },
    analyze: function (results) { ${analyzeBody} } } };`;
}

const q = (sql: string, maxRows = 100): AnalysisQuery => ({ sql, params: [], maxRows });

beforeAll(() => {
  seedData();
  runner = new QueryRunner(dbPath, { deadlineMs: 3_000, maxRows: 1_000 });
});
afterAll(async () => {
  await runner.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('statistics modules over a read-only connection', () => {
  it('market_analysis reports per-pair trend and volatility from the last 30 days of candles', async () => {
    const host = await hostFor('statistics/active/market_analysis.ts');
    try {
      const report = await runStatistics(host, runner);
      expect(report.metrics).toMatchObject({ pairs: 2, trendingUp: 1, trendingDown: 1 });
      const details = report.details as Array<{ pair: string; regime: string; days: number }>;
      expect(details.map((d) => [d.pair, d.regime, d.days])).toEqual([
        ['BTC/USD', 'trending_up', 31],
        ['ETH/USD', 'trending_down', 31],
      ]);
    } finally {
      await host.close();
    }
  });

  it('trade_performance reports win rate, expectancy and profit factor overall, per pair, per regime and exit', async () => {
    const host = await hostFor('statistics/active/trade_performance.ts');
    try {
      const report = await runStatistics(host, runner);
      expect(report.metrics).toMatchObject({ trades: 4, winRate: 0.5, expectancy: 0.25, avgWin: 3, avgLoss: -2.5, profitFactor: 1.2 });
      const details = report.details as { byRegime: Array<{ group: string; expectancy: number }>; exits: Array<{ exitReason: string; trades: number }> };
      expect(details.byRegime).toMatchObject([
        { group: 'ranging', expectancy: -1 },
        { group: 'trending_up', expectancy: 1.5 },
      ]);
      expect(details.exits).toContainEqual({ exitReason: 'stop_loss', trades: 2, expectancy: -2.5 });
    } finally {
      await host.close();
    }
  });
});

describe('guest SQL screening', () => {
  const refused: Array<[string, string]> = [
    ['ATTACH that would create a file', `ATTACH '${join(dir, 'evil.db')}' AS evil`],
    ['a second statement after a SELECT', 'SELECT 1; DELETE FROM positions'],
    ['a write that returns rows', "INSERT INTO fee_schedule (pair, maker, taker, source, updated_at) VALUES ('X', 0, 0, 'config', 0) RETURNING pair"],
    ['a PRAGMA that switches query_only off', 'PRAGMA query_only = 0'],
    ['VACUUM INTO a new file', `VACUUM INTO '${join(dir, 'copy.db')}'`],
    ['load_extension', "SELECT load_extension('/tmp/x')"],
  ];
  for (const [what, sql] of refused) {
    it(`refuses ${what} with a typed error naming the query key`, async () => {
      const err = await runner.run({ probe: q(sql) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StatisticsError);
      expect(err).toMatchObject({ code: 'query_refused', queryKey: 'probe', message: expect.stringContaining("query 'probe' refused") });
    });
  }

  it('leaves the database and its folder untouched after the refusals', async () => {
    expect(existsSync(join(dir, 'evil.db'))).toBe(false);
    expect(existsSync(join(dir, 'copy.db'))).toBe(false);
    expect(await runner.run({ n: q('SELECT COUNT(*) AS n FROM fee_schedule'), ro: q('PRAGMA query_only') })).toEqual({
      n: [{ n: 0 }],
      ro: [{ query_only: 1 }],
    });
  });

  it('a semicolon inside a string literal is not a second statement', async () => {
    expect(await runner.run({ s: q("SELECT 'a;b' AS s; -- trailing comment") })).toEqual({ s: [{ s: 'a;b' }] });
  });

  it('refuses a query returning more rows than its cap', async () => {
    await expect(runner.run({ big: q('SELECT time FROM candles', 10) })).rejects.toMatchObject({ code: 'too_many_rows', queryKey: 'big' });
  });

  it('kills a runaway query at the deadline and answers the next one from a fresh process', async () => {
    const slow = new QueryRunner(dbPath, { deadlineMs: 400, maxRows: 10 });
    try {
      const forever = q('WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT COUNT(*) FROM c');
      await expect(slow.run({ forever })).rejects.toMatchObject({ code: 'query_timeout', queryKey: 'forever' });
      expect(await slow.run({ one: q('SELECT 1 AS one') })).toEqual({ one: [{ one: 1 }] });
    } finally {
      await slow.close();
    }
  });
});

describe('statistics failures count against the version', () => {
  it('a refused query and an invalid report are both counted, and the daemon carries on', async () => {
    const host = await StrategyHost.start({ versionId: 'raw', kind: 'statistics', bundle: rawStats({ w: q('DELETE FROM positions') }) });
    const bad = await StrategyHost.start({
      versionId: 'bad',
      kind: 'statistics',
      bundle: rawStats({ one: q('SELECT 1 AS x') }, "return { summary: 'x', metrics: { n: 'not a number' } };"),
    });
    try {
      await expect(runStatistics(host, runner)).rejects.toMatchObject({ code: 'query_refused', queryKey: 'w' });
      expect(host.failures()).toEqual({ query_refused: 1 });
      await expect(runStatistics(bad, runner)).rejects.toMatchObject({ code: 'invalid_report' });
      expect(bad.failures()).toEqual({ invalid_report: 1 });
    } finally {
      await host.close();
      await bad.close();
    }
  });
});
