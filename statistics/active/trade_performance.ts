/**
 * Trade performance over the last 90 days of closed positions: overall, per pair and per market regime
 * (the regime the strategy reported on the acted buy signal that opened the position), the win rate,
 * expectancy (mean net P&L per trade), average win and loss, profit factor, and how positions exited.
 */
import type { AnalysisModule, AnalysisReport, JsonValue, Row, SqlValue } from '../../src/contract/analysis.ts';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 90;

interface Trade {
  pair: string;
  regime: string;
  exitReason: string;
  pnl: number;
  returnPct: number;
}

interface Summary {
  group: string;
  trades: number;
  winRate: number;
  expectancy: number;
  avgWin: number;
  avgLoss: number;
  profitFactor: number;
  meanReturn: number;
}

function text(v: SqlValue | undefined, fallback: string): string {
  return typeof v === 'string' && v.length > 0 ? v : fallback;
}

function num(v: SqlValue | undefined): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function tradeOf(r: Row): Trade {
  const cost = num(r.entry_price) * num(r.quantity);
  const pnl = num(r.realized_pnl);
  return { pair: text(r.pair, 'unknown'), regime: text(r.regime, 'unknown'), exitReason: text(r.exit_reason, 'unknown'), pnl, returnPct: cost > 0 ? pnl / cost : 0 };
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function summarise(group: string, trades: readonly Trade[]): Summary {
  const wins = trades.filter((t) => t.pnl > 0).map((t) => t.pnl);
  const losses = trades.filter((t) => t.pnl <= 0).map((t) => t.pnl);
  const grossWin = wins.reduce((s, x) => s + x, 0);
  const grossLoss = -losses.reduce((s, x) => s + x, 0);
  return {
    group,
    trades: trades.length,
    winRate: trades.length === 0 ? 0 : round(wins.length / trades.length),
    expectancy: round(mean(trades.map((t) => t.pnl))),
    avgWin: round(mean(wins)),
    avgLoss: round(mean(losses)),
    // No losses: report the gross win as the factor's ceiling instead of Infinity (JSON has none).
    profitFactor: round(grossLoss > 0 ? grossWin / grossLoss : grossWin),
    meanReturn: round(mean(trades.map((t) => t.returnPct))),
  };
}

function groupBy(trades: readonly Trade[], keyOf: (t: Trade) => string): Summary[] {
  const groups = new Map<string, Trade[]>();
  for (const t of trades) {
    const list = groups.get(keyOf(t)) ?? [];
    list.push(t);
    groups.set(keyOf(t), list);
  }
  return [...groups.entries()].map(([k, list]) => summarise(k, list)).sort((a, b) => (a.group < b.group ? -1 : 1));
}

function toJson(s: Summary): JsonValue {
  return { group: s.group, trades: s.trades, winRate: s.winRate, expectancy: s.expectancy, avgWin: s.avgWin, avgLoss: s.avgLoss, profitFactor: s.profitFactor, meanReturn: s.meanReturn };
}

function line(s: Summary): string {
  return `${s.group}: ${s.trades} trades, win ${(s.winRate * 100).toFixed(0)}%, expectancy ${s.expectancy.toFixed(2)} USD, PF ${s.profitFactor.toFixed(2)}`;
}

const analysis: AnalysisModule = {
  meta: {
    name: 'trade_performance',
    version: 'v001',
    description: 'Win rate, expectancy, average win/loss, profit factor per pair and per regime, and exit reasons, over 90 days of closed positions.',
    queries: {
      closed: {
        sql: `SELECT p.pair, p.quantity, p.entry_price, p.realized_pnl, p.exit_reason, p.closed_at,
                (SELECT s.regime FROM signals s
                  WHERE s.pair = p.pair AND s.action = 'buy' AND s.outcome = 'acted' AND s.candle_time <= p.opened_at
                  ORDER BY s.candle_time DESC LIMIT 1) AS regime
              FROM positions p
              WHERE p.status = 'closed' AND p.closed_at >= (SELECT MAX(closed_at) FROM positions WHERE status = 'closed') - ?
              ORDER BY p.closed_at, p.id`,
        params: [WINDOW_DAYS * DAY_MS],
        maxRows: 10_000,
      },
    },
  },

  analyze(results): AnalysisReport {
    const trades = (results.closed ?? []).map(tradeOf);
    if (trades.length === 0) return { summary: `No closed positions in the last ${WINDOW_DAYS} days.`, metrics: { trades: 0 } };
    const all = summarise('all', trades);
    const byPair = groupBy(trades, (t) => t.pair);
    const byRegime = groupBy(trades, (t) => t.regime);
    const exits = groupBy(trades, (t) => t.exitReason).map((s) => ({ exitReason: s.group, trades: s.trades, expectancy: s.expectancy }));
    return {
      summary: [line(all), 'per pair:', ...byPair.map(line), 'per regime:', ...byRegime.map(line), `exits: ${exits.map((e) => `${e.exitReason} ${e.trades}`).join(', ')}`].join('\n'),
      metrics: { trades: all.trades, winRate: all.winRate, expectancy: all.expectancy, avgWin: all.avgWin, avgLoss: all.avgLoss, profitFactor: all.profitFactor, meanReturn: all.meanReturn },
      details: { byPair: byPair.map(toJson), byRegime: byRegime.map(toJson), exits },
    };
  },
};

export default analysis;
