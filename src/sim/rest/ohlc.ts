/**
 * GET /0/public/OHLC (§4.5): at most the 720 most recent rows, forming one included and always last
 * (built only from trades up to now; with no trade yet it repeats the last price with zero volume),
 * `since` keeps committed rows with time > since, and `last` is the last committed candle's open.
 */
import type { SimContext } from '../context.ts';
import { fixed } from '../format.ts';
import type { OhlcRow, PairMarket } from '../market.ts';
import { fail, ok, type RestResult } from './envelope.ts';

export const OHLC_INTERVALS = [1, 5, 15, 30, 60, 240, 1440, 10080, 21600];
const MAX_ROWS = 720;

/**
 * The 720 most recent entries for `intervalMin`: committed rows, oldest first, then the forming one.
 * Shared by REST OHLC and the WS ohlc snapshot.
 */
export function ohlcRows(market: PairMarket, intervalMin: number, now: number): { rows: OhlcRow[]; forming: OhlcRow } {
  const ms = intervalMin * 60_000;
  const formingStart = Math.floor(now / ms) * ms;
  return { rows: latestCommittedRows(market, ms, formingStart), forming: formingRow(market, ms, now) };
}

/** The forming candle from trades up to now; before its first trade it repeats the last price with zero volume. */
export function formingRow(market: PairMarket, ms: number, now: number): OhlcRow {
  const start = Math.floor(now / ms) * ms;
  const p = market.last.price;
  return market.buckets(ms, start, now)[0] ?? { time: start, open: p, high: p, low: p, close: p, volume: 0, notional: 0, count: 0 };
}

/**
 * The cap counts rows, not intervals (§4.5): an interval without trades has no row, so over gappy data
 * the window reaches further back. It widens until it holds enough rows or covers all the data.
 */
function latestCommittedRows(market: PairMarket, ms: number, formingStart: number): OhlcRow[] {
  const wanted = MAX_ROWS - 1;
  const dataStart = market.series.time[0] ?? formingStart;
  for (let span = wanted * ms; ; span *= 2) {
    const from = formingStart - span;
    const rows = market.buckets(ms, from, formingStart - 1);
    if (rows.length >= wanted || from <= dataStart) return rows.slice(-wanted);
  }
}

export function ohlc(ctx: SimContext, market: PairMarket, q: URLSearchParams): RestResult {
  const interval = Number(q.get('interval') ?? 1);
  if (!OHLC_INTERVALS.includes(interval)) return fail('EGeneral:Invalid arguments:interval');
  const sinceText = q.get('since');
  const since = sinceText === null ? -Infinity : Number(sinceText) * 1000;
  if (Number.isNaN(since)) return fail('EGeneral:Invalid arguments:since');
  const { rows, forming } = ohlcRows(market, interval, ctx.clock.now());
  const { pairDecimals: pd, lotDecimals: ld } = market.info;
  const fmt = (r: OhlcRow) => [
    r.time / 1000,
    fixed(r.open, pd),
    fixed(r.high, pd),
    fixed(r.low, pd),
    fixed(r.close, pd),
    fixed(r.volume > 0 ? r.notional / r.volume : r.close, pd),
    fixed(r.volume, ld),
    r.count,
  ];
  const out = rows.filter((r) => r.time > since).map(fmt);
  out.push(fmt(forming));
  return ok({ [market.info.key]: out, last: forming.time / 1000 - interval * 60 });
}
