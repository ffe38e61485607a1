/**
 * How trading has gone: /profit, /performance, /daily, /weekly, /monthly, /stats. Every figure is one SQL
 * read over the raw tables (src/control/queries.ts), so it can be checked by hand.
 */
import { args, int } from '../args.ts';
import { day, duration, pct, signedUsd, usd } from '../format.ts';
import { operation, type ControlDeps } from '../operation.ts';
import { maxDrawdown, periods, tradeSummary, tradesBy, type PeriodUnit } from '../queries.ts';
import { done, fields, table, text, title } from '../reply.ts';
import { DAY_MS, nowOf } from './common.ts';

/** The window [from, to) of the last `days` days, or all time. */
function window(deps: ControlDeps, days: number | null): [number, number, string] {
  const to = nowOf(deps) + 1;
  return days === null ? [Number.MIN_SAFE_INTEGER, to, 'all time'] : [to - days * DAY_MS, to, `last ${days} day${days > 1 ? 's' : ''}`];
}

export function profitFields(deps: ControlDeps, from: number, to: number): Array<readonly [string, string]> {
  const s = tradeSummary(deps.db, from, to);
  const winRate = s.trades > 0 ? s.wins / s.trades : null;
  const factor = s.grossLosses > 0 ? (s.grossWins / s.grossLosses).toFixed(2) : s.grossWins > 0 ? 'no losses' : '-';
  return [
    ['closed trades', `${s.trades} (${s.wins} won, ${s.losses} lost)`],
    ['win rate', pct(winRate, 1)],
    ['realised P&L', signedUsd(s.pnl)],
    ['fees', usd(s.fees)],
    ['expectancy', s.trades > 0 ? `${signedUsd(s.pnl / s.trades)} per trade` : '-'],
    ['profit factor', factor],
    ['best / worst', `${signedUsd(s.best)} / ${signedUsd(s.worst)}`],
    ['average hold', s.avgHoldMs === null ? '-' : duration(s.avgHoldMs)],
    ['max drawdown', pct(maxDrawdown(deps.db, from, to))],
  ];
}

export const profit = operation({
  name: 'profit',
  group: 'status',
  role: 'viewer',
  summary: 'P&L, win rate, expectancy, profit factor and drawdown (last n days, default all)',
  args: args({ days: int('days', 1, 3650, 0) }),
  async run(deps, { days }) {
    const [from, to, label] = window(deps, days === 0 ? null : days);
    return done(title(`Profit, ${label}`), fields(profitFields(deps, from, to)));
  },
});

export const performance = operation({
  name: 'performance',
  group: 'status',
  role: 'viewer',
  summary: 'P&L by pair (all closed trades)',
  args: args({}),
  async run(deps) {
    const rows = tradesBy(deps.db, 'pair', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (rows.length === 0) return done(title('Performance'), text('No closed trades yet.'));
    return done(
      title('Performance by pair'),
      table(
        ['pair', 'trades', 'win%', 'P&L', 'fees'],
        rows.map((r) => [r.key, String(r.trades), pct(r.wins / r.trades, 0), signedUsd(r.pnl), usd(r.fees)]),
      ),
    );
  },
});

function periodTable(deps: ControlDeps, unit: PeriodUnit, n: number, label: string) {
  const rows = periods(deps.db, unit, n);
  if (rows.length === 0) return done(title(label), text('No finished UTC day stored yet (a day is written at 00:00 UTC).'));
  return done(
    title(label),
    table(
      [unit, 'P&L', 'return', 'trades', 'fees', 'equity'],
      rows.map((r) => [r.period, signedUsd(r.pnl), pct(r.openEquity > 0 ? r.pnl / r.openEquity : null), String(r.trades), usd(r.fees), usd(r.closeEquity)]),
    ),
  );
}

/** /daily, /weekly, /monthly: one definition each, the same table. */
function periodOperation(name: string, unit: PeriodUnit, max: number, fallback: number, summary: string, heading: string) {
  return operation({
    name,
    group: 'status',
    role: 'viewer',
    summary,
    args: args({ n: int('n', 1, max, fallback) }),
    run: async (deps, { n }) => periodTable(deps, unit, n, heading),
  });
}

export const daily = periodOperation('daily', 'day', 90, 7, 'P&L per UTC day, the last n days (default 7)', 'Daily P&L');
export const weekly = periodOperation('weekly', 'week', 52, 8, 'P&L per week (Monday start), the last n weeks (default 8)', 'Weekly P&L');
export const monthly = periodOperation('monthly', 'month', 36, 6, 'P&L per month, the last n months (default 6)', 'Monthly P&L');

export const stats = operation({
  name: 'stats',
  group: 'status',
  role: 'viewer',
  summary: 'Wins and losses by exit reason, average hold time',
  args: args({}),
  async run(deps) {
    const rows = tradesBy(deps.db, 'exit_reason', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (rows.length === 0) return done(title('Stats'), text('No closed trades yet.'));
    const first = deps.db.prepare("SELECT MIN(opened_at) AS v FROM positions WHERE status = 'closed' AND exit_reason IS NOT NULL").get<{ v: number }>()!.v;
    return done(
      title('Stats by exit reason'),
      table(
        ['exit', 'trades', 'wins', 'losses', 'P&L', 'avg hold'],
        rows.map((r) => [
          r.key,
          String(r.trades),
          String(r.wins),
          String(r.trades - r.wins),
          signedUsd(r.pnl),
          r.avgHoldMs === null ? '-' : duration(r.avgHoldMs),
        ]),
      ),
      text(`Since ${day(first)}.`),
    );
  },
});
