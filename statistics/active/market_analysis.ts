/**
 * Market analysis: per pair over the last 30 days of stored 5m candles, aggregated to UTC days in SQL,
 * the daily-return volatility (annualised), the period return, where the close sits against its 30-day
 * mean, the mean daily range and whether volume is rising, with a regime label the orchestrator can read.
 */
import type { AnalysisModule, AnalysisReport, JsonValue, Row, SqlValue } from '../../src/contract/analysis.ts';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 30;

interface PairStats {
  pair: string;
  days: number;
  lastClose: number;
  periodReturn: number;
  volatility: number;
  closeVsMean: number;
  meanRange: number;
  volumeTrend: number;
  regime: string;
}

function num(v: SqlValue | undefined): number {
  return typeof v === 'number' ? v : Number.NaN;
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? Number.NaN : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1));
}

function regimeOf(periodReturn: number, volatility: number, closeVsMean: number): string {
  if (volatility > 1.2) return 'volatile';
  if (periodReturn > 0.05 && closeVsMean > 0) return 'trending_up';
  if (periodReturn < -0.05 && closeVsMean < 0) return 'trending_down';
  return 'ranging';
}

function statsOf(pair: string, rows: readonly Row[]): PairStats {
  const close = rows.map((r) => num(r.close));
  const returns = close.slice(1).map((c, i) => c / close[i]! - 1);
  const volatility = stdev(returns) * Math.sqrt(365);
  const first = close[0] ?? Number.NaN;
  const last = close[close.length - 1] ?? Number.NaN;
  const periodReturn = last / first - 1;
  const closeVsMean = last / mean(close) - 1;
  const meanRange = mean(rows.map((r) => (num(r.high) - num(r.low)) / num(r.close)));
  const vol = rows.map((r) => num(r.volume));
  const volumeTrend = mean(vol.slice(-7)) / mean(vol.slice(0, Math.max(1, vol.length - 7))) - 1;
  return { pair, days: rows.length, lastClose: last, periodReturn, volatility, closeVsMean, meanRange, volumeTrend, regime: regimeOf(periodReturn, volatility, closeVsMean) };
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : null;
}

function detailOf(s: PairStats): JsonValue {
  return {
    pair: s.pair, days: s.days, regime: s.regime, lastClose: finiteOrNull(s.lastClose), periodReturn: finiteOrNull(s.periodReturn),
    volatility: finiteOrNull(s.volatility), closeVsMean: finiteOrNull(s.closeVsMean), meanRange: finiteOrNull(s.meanRange), volumeTrend: finiteOrNull(s.volumeTrend),
  };
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'n/a';
}

const analysis: AnalysisModule = {
  meta: {
    name: 'market_analysis',
    version: 'v001',
    description: 'Per-pair volatility, trend, range and volume trend over the last 30 days of 5m candles (daily bars).',
    queries: {
      daily: {
        sql: `SELECT pair, time / ${DAY_MS} AS day, MAX(time) AS t, close, MAX(high) AS high, MIN(low) AS low, SUM(volume) AS volume
              FROM candles
              WHERE timeframe = ? AND time >= (SELECT MAX(time) FROM candles WHERE timeframe = ?) - ?
              GROUP BY pair, day ORDER BY pair, day`,
        params: ['5m', '5m', WINDOW_DAYS * DAY_MS],
        maxRows: 2_000,
      },
    },
  },

  analyze(results): AnalysisReport {
    const rows = results.daily ?? [];
    const byPair = new Map<string, Row[]>();
    for (const r of rows) {
      const pair = typeof r.pair === 'string' ? r.pair : 'unknown';
      const list = byPair.get(pair) ?? [];
      list.push(r);
      byPair.set(pair, list);
    }
    const stats = [...byPair.entries()].map(([pair, list]) => statsOf(pair, list)).sort((a, b) => (a.pair < b.pair ? -1 : 1));
    if (stats.length === 0) return { summary: 'No 5m candles stored in the last 30 days: nothing to analyse.', metrics: { pairs: 0 } };
    const vols = stats.map((s) => s.volatility).filter((v) => Number.isFinite(v));
    const lines = stats.map((s) => `${s.pair}: ${s.regime}, ${pct(s.periodReturn)} over ${s.days} d, vol ${pct(s.volatility)}/y, volume ${pct(s.volumeTrend)} vs before`);
    return {
      summary: `Last ${WINDOW_DAYS} days, ${stats.length} pairs.\n${lines.join('\n')}`,
      metrics: {
        pairs: stats.length,
        trendingUp: stats.filter((s) => s.regime === 'trending_up').length,
        trendingDown: stats.filter((s) => s.regime === 'trending_down').length,
        volatile: stats.filter((s) => s.regime === 'volatile').length,
        meanVolatility: vols.length > 0 ? mean(vols) : 0,
      },
      details: stats.map(detailOf),
    };
  },
};

export default analysis;
