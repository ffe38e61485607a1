/** The candle store's OhlcFetcher over the Kraken REST client (src/kraken/ohlc.ts pages and drops the forming candle). */
import type { KrakenClient } from '../kraken/client.ts';
import { fetchCandles } from '../kraken/ohlc.ts';
import type { OhlcFetcher } from './types.ts';

export function krakenOhlcFetcher(client: KrakenClient): OhlcFetcher {
  return {
    // The port's `since` is exclusive like Kraken's; fetchCandles takes an inclusive start, and one
    // of at least 1 s (Kraken since=0) so that it reports whether the 720 window cut the answer short.
    fetchOhlc: async (pair, timeframe, since) => {
      const { candles, complete } = await fetchCandles(client, pair, timeframe, Math.max(since + 1, 1000));
      return { candles, complete };
    },
  };
}
