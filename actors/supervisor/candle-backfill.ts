/**
 * The supervisor's candle back-fill (its backfillCandles actor): a pair's hole after a drop is filled by
 * REST into the candle store (src/market/gaps.ts: only what Kraken still serves, nothing invented), and
 * the stored candles of the hole come back, oldest first, for the scanners to see in order.
 */
import type { BackfillRequest } from '../../machines/supervisor-feed.ts';
import type { Clock } from '../../src/clock/clock.ts';
import type { Candle } from '../../src/contract/index.ts';
import type { Repositories } from '../../src/db/index.ts';
import type { KrakenClient } from '../../src/kraken/client.ts';
import { backfill } from '../../src/market/gaps.ts';
import { krakenOhlcFetcher } from '../../src/market/kraken-fetcher.ts';

export function candleBackfill(deps: { client: KrakenClient; repos: Repositories; clock: Clock }): (req: BackfillRequest) => Promise<Candle[]> {
  return async (r) => {
    const store = { repo: deps.repos.candles, transaction: <T>(fn: () => T) => deps.repos.db.transaction(fn) };
    await backfill(store, krakenOhlcFetcher(deps.client), r.pair, r.timeframe, { from: r.from, to: r.to }, deps.clock.now());
    return deps.repos.candles.range(r.pair, r.timeframe, r.from, r.to);
  };
}
