/**
 * Equity-curve metrics: daily returns (the basis of every annualised ratio), drawdown and the
 * day/week/month breakdown. Calendar periods are UTC; weeks start on Monday.
 */
import { DAY_MS, utcDayStart } from '../clock/time.ts';
import type { ClosedTrade, DrawdownStats, PeriodStats } from './metrics-types.ts';

export interface EquityCurve {
  readonly time: ArrayLike<number>;
  readonly value: ArrayLike<number>;
}

/**
 * Close-to-close daily returns of the equity curve. The day before the first bar closes at the
 * starting balance; a calendar day without bars repeats the previous close (a 0 return), so the
 * series has one value per calendar day of the run.
 */
export function dailyReturns(curve: EquityCurve, startingBalance: number): Float64Array {
  const n = curve.time.length;
  if (n === 0) return new Float64Array(0);
  const firstDay = utcDayStart(curve.time[0]!);
  const days = (utcDayStart(curve.time[n - 1]!) - firstDay) / DAY_MS + 1;
  const closes = new Float64Array(days).fill(Number.NaN);
  // The day's index is recomputed only when a bar leaves the current day (~288 bars a day at 5m).
  let dayStart = Number.NaN;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const t = curve.time[i]!;
    if (!(t >= dayStart && t < dayStart + DAY_MS)) {
      dayStart = utcDayStart(t);
      d = (dayStart - firstDay) / DAY_MS;
    }
    closes[d] = curve.value[i]!;
  }
  const out = new Float64Array(days);
  let prev = startingBalance;
  for (let d = 0; d < days; d++) {
    const close = Number.isNaN(closes[d]!) ? prev : closes[d]!;
    out[d] = prev > 0 ? close / prev - 1 : 0;
    prev = close;
  }
  return out;
}

/**
 * Deepest fall of the bar-level equity curve. The starting balance is the first peak (as Freqtrade
 * measures "from peak + starting balance"), so losing from the first bar counts.
 */
export function drawdown(curve: EquityCurve, startingBalance: number): DrawdownStats {
  const n = curve.time.length;
  const t = curve.time;
  const v = curve.value;
  let peak = startingBalance;
  let peakAt = 0;
  let best = { dd: 0, abs: 0, peak: 0, peakAt: -1, troughAt: -1 };
  let longest = 0;
  let underwater = false;
  for (let i = 0; i < n; i++) {
    if (v[i]! >= peak) {
      if (underwater) longest = Math.max(longest, t[i]! - t[peakAt]!);
      underwater = false;
      peak = v[i]!;
      peakAt = i;
      continue;
    }
    underwater = true;
    const dd = (peak - v[i]!) / peak;
    if (dd > best.dd) best = { dd, abs: peak - v[i]!, peak, peakAt, troughAt: i };
  }
  if (underwater) longest = Math.max(longest, t[n - 1]! - t[peakAt]!);
  return {
    maxDrawdown: best.dd,
    maxDrawdownAbs: best.abs,
    peakTime: best.peakAt >= 0 ? t[best.peakAt]! : null,
    troughTime: best.troughAt >= 0 ? t[best.troughAt]! : null,
    maxDrawdownDurationMs: best.peakAt >= 0 ? recoveryTime(curve, best.troughAt, best.peak) - t[best.peakAt]! : 0,
    longestUnderwaterMs: longest,
  };
}

function recoveryTime(curve: EquityCurve, from: number, level: number): number {
  for (let i = from; i < curve.time.length; i++) if (curve.value[i]! >= level) return curve.time[i]!;
  return curve.time[curve.time.length - 1]!;
}

export type PeriodKind = 'day' | 'week' | 'month';

export function periodKey(ms: number, kind: PeriodKind): string {
  const day = utcDayStart(ms);
  if (kind === 'month') return new Date(day).toISOString().slice(0, 7);
  // 1970-01-01 was a Thursday: shift so that Monday starts the week.
  const start = kind === 'week' ? day - ((Math.floor(day / DAY_MS) + 3) % 7) * DAY_MS : day;
  return new Date(start).toISOString().slice(0, 10);
}

/** P&L per calendar period from the equity curve, with the trades that CLOSED in it. */
export function breakdown(curve: EquityCurve, startingBalance: number, trades: readonly ClosedTrade[], kind: PeriodKind): PeriodStats[] {
  const rows = new Map<string, { end: number; trades: number; wins: number; draws: number; losses: number }>();
  let day = Number.NaN;
  let row = { end: 0, trades: 0, wins: 0, draws: 0, losses: 0 };
  for (let i = 0; i < curve.time.length; i++) {
    // The period can only change when the UTC day does, so format once per day (a bar inside [day, day + 1 d) is in it).
    const t = curve.time[i]!;
    if (!(t >= day && t < day + DAY_MS)) {
      day = utcDayStart(t);
      const key = periodKey(day, kind);
      row = rows.get(key) ?? { end: 0, trades: 0, wins: 0, draws: 0, losses: 0 };
      rows.set(key, row);
    }
    row.end = curve.value[i]!;
  }
  for (const tr of trades) {
    const row = rows.get(periodKey(tr.exitTime, kind));
    if (!row) continue;
    row.trades++;
    if (tr.pnl > 0) row.wins++;
    else if (tr.pnl < 0) row.losses++;
    else row.draws++;
  }
  let prev = startingBalance;
  return [...rows.entries()].map(([period, r]) => {
    const out: PeriodStats = {
      period,
      startEquity: prev,
      endEquity: r.end,
      pnl: r.end - prev,
      returnPct: prev > 0 ? (r.end / prev - 1) * 100 : 0,
      trades: r.trades,
      wins: r.wins,
      draws: r.draws,
      losses: r.losses,
    };
    prev = r.end;
    return out;
  });
}
