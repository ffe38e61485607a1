/**
 * Reports and charts: /report daily|weekly (also the daily notification) and /chart equity|drawdown|pnl.
 * A report shows figures already computed from the tables — it never calls a model (seed notes). Charts
 * are drawn by the project's chart pipeline through the `charts` port.
 */
import { utcDayStart } from '../../clock/time.ts';
import { equityOf } from '../../trading/portfolio.ts';
import { args, choice, int } from '../args.ts';
import { day, pct, signedUsd, usd, utc } from '../format.ts';
import { operation, type ChartData, type ControlDeps } from '../operation.ts';
import { done, fields, image, refused, title, type Reply } from '../reply.ts';
import { DAY_MS, live, nowOf, repos } from './common.ts';
import { activeStrategy } from './evolution.ts';
import { profitFields } from './performance.ts';

/** The report over the last day or week ending at `end` (default now). */
export function periodReport(deps: ControlDeps, period: 'daily' | 'weekly', end = nowOf(deps)): Reply {
  const to = end + 1;
  const from = to - (period === 'daily' ? 1 : 7) * DAY_MS;
  const r = repos(deps);
  const snaps = r.snapshots.portfolioInRange(from, to);
  const v = live(deps);
  const equityNow = v ? equityOf(v.ledger, (p) => v.marks[p] ?? v.ledger.holdings[p]?.entryPrice ?? 0) : snaps.at(-1)?.equity;
  const equityThen = snaps[0]?.equity;
  const signals = (outcome: 'acted' | 'rejected') => r.signals.signalsInRange(from, to, { outcome }).length;
  const change =
    equityNow !== undefined && equityThen !== undefined
      ? `${signedUsd(equityNow - equityThen)} (${pct(equityThen > 0 ? equityNow / equityThen - 1 : null)})`
      : '-';
  return done(
    title(`${period === 'daily' ? 'Daily' : 'Weekly'} report, ${utc(from)} → ${utc(to - 1)}`),
    fields([
      ['equity', `${usd(equityNow)}, change ${change}`],
      ['open positions', String(v ? v.slots.length : r.positions.open().length)],
      ['breaker', v?.breaker ?? r.risk.get()?.state ?? 'active'],
      ['signals', `${signals('acted')} acted, ${signals('rejected')} rejected`],
      ['strategy', activeStrategy(deps)?.version.label ?? '-'],
    ]),
    fields(profitFields(deps, from, to)),
  );
}

export const report = operation({
  name: 'report',
  group: 'reports',
  role: 'viewer',
  summary: 'Daily or weekly report: equity, trades, P&L, fees, drawdown, signals',
  args: args({ period: choice('period', ['daily', 'weekly'], 'daily') }),
  run: async (deps, { period }) => periodReport(deps, period),
});

/** The chart's series over the last `days` days, or null when there is nothing to draw. */
function chartData(deps: ControlDeps, kind: 'equity' | 'drawdown' | 'pnl', days: number): ChartData | null {
  const now = nowOf(deps);
  const from = now - days * DAY_MS;
  const r = repos(deps);
  if (kind === 'pnl') {
    const rows = r.snapshots.dailyInRange(utcDayStart(from), now + 1).map((d) => ({ day: d.day, pnl: d.closeEquity - d.openEquity }));
    const v = live(deps);
    if (v && Number.isFinite(v.ledger.day)) rows.push({ day: v.ledger.day, pnl: v.ledger.lastEquity - v.ledger.dayStartEquity });
    return rows.length > 0 ? { kind, days: rows } : null;
  }
  const snaps = r.snapshots.portfolioInRange(from, now + 1);
  if (snaps.length < 2) return null;
  return { kind, time: snaps.map((s) => s.time), value: snaps.map((s) => s.equity), start: snaps[0]!.equity };
}

const CAPTIONS = { equity: 'Equity', drawdown: 'Drawdown from peak', pnl: 'P&L per UTC day' } as const;

export const chart = operation({
  name: 'chart',
  group: 'reports',
  role: 'viewer',
  summary: 'A chart as a picture: equity, drawdown or daily P&L over the last n days (default 30)',
  args: args({ kind: choice('chart', ['equity', 'drawdown', 'pnl']), days: int('days', 1, 365, 30) }),
  async run(deps, { kind, days }) {
    if (!deps.charts) return refused('unavailable', 'Charts are drawn by the daemon; this process has no chart renderer.');
    const data = chartData(deps, kind, days);
    if (!data)
      return refused(
        'no_data',
        `Nothing to draw yet for the last ${days} days: ${kind === 'pnl' ? 'no day has been recorded' : 'fewer than two portfolio snapshots'}.`,
      );
    const png = await deps.charts.render(data);
    return done(image(png, `${kind}-${day(nowOf(deps))}.png`, `${CAPTIONS[kind]}, last ${days} days to ${utc(nowOf(deps))}`));
  },
});
