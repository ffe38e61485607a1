/**
 * Candles over REST (reference/kraken-api.md §4.5): Kraken serves at most the 720 most recent
 * candles and always appends the forming one. We drop the forming row (anything after `last`),
 * page forward with `since`, and report how far back the answer actually reached.
 */
import { CandleSchema, type Candle } from '../contract/candle.ts';
import { TIMEFRAME_MINUTES, type Pair, type Timeframe } from '../contract/pairs.ts';
import type { KrakenClient } from './client.ts';
import { parseError } from './errors.ts';
import type { CallOptions } from './rest.ts';
import { OhlcResultSchema, OhlcRowSchema } from './schemas.ts';

export const OHLC_CAP = 720;

export interface CandleFetch {
  /** Committed candles, ascending, open time ≥ `from` when given. */
  readonly candles: Candle[];
  /** Open time of the oldest candle returned (null when none). */
  readonly reachedFrom: number | null;
  /** False when `from` lies beyond the 720-row window: the older part is unreachable by REST. */
  readonly complete: boolean;
}

/** Committed candles with open time ≥ `fromMs` (or the latest ≤ 720 when omitted). */
export async function fetchCandles(client: KrakenClient, pair: Pair, tf: Timeframe, fromMs?: number, call: CallOptions = {}): Promise<CandleFetch> {
  const name = client.pairs.get(pair).altname;
  const candles: Candle[] = [];
  let capped = false;
  // `since` returns rows with time > since; start one second early to include the candle opening at `from`.
  let since = fromMs === undefined ? undefined : Math.floor(fromMs / 1000) - 1;
  for (let page = 0; page < 50; page++) {
    const { rows, last } = await ohlcPage(client, name, TIMEFRAME_MINUTES[tf], since, call);
    // 720 rows (forming one included) means the window, not `since`, decided where the answer starts.
    if (page === 0) capped = rows.length >= OHLC_CAP;
    const fresh = rows.filter((c) => c.time <= last * 1000 && (since === undefined || c.time > since * 1000));
    candles.push(...fresh);
    const newest = fresh.at(-1)?.time;
    // Kraken answers everything up to `last` at once; a paging server stops short of it.
    if (newest === undefined || newest >= last * 1000) break;
    since = newest / 1000;
  }
  const reachedFrom = candles[0]?.time ?? null;
  const complete = fromMs === undefined || (reachedFrom !== null && reachedFrom <= fromMs) || !capped;
  return { candles, reachedFrom, complete };
}

async function ohlcPage(client: KrakenClient, name: string, interval: number, since: number | undefined, call: CallOptions) {
  const result = await client.rest.publicCall('OHLC', { pair: name, interval, since }, OhlcResultSchema, call);
  const key = Object.keys(result).find((k) => k !== 'last');
  if (key === undefined) throw parseError('OHLC', 'result', 'no pair entry next to "last"');
  const rawRows = result[key];
  if (!Array.isArray(rawRows)) throw parseError('OHLC', `result.${key}`, 'expected an array of rows');
  return { rows: rawRows.map((r, i) => toCandle(r, `result.${key}.${i}`)), last: result.last };
}

function toCandle(raw: unknown, path: string): Candle {
  const row = OhlcRowSchema.safeParse(raw);
  if (!row.success) throw parseError('OHLC', path, row.error.issues[0]?.message ?? 'invalid row');
  const [time, open, high, low, close, , volume] = row.data;
  const candle = CandleSchema.safeParse({
    time: time * 1000,
    open: Number(open),
    high: Number(high),
    low: Number(low),
    close: Number(close),
    volume: Number(volume),
  });
  if (!candle.success) throw parseError('OHLC', path, candle.error.issues[0]?.message ?? 'invalid candle');
  return candle.data;
}
