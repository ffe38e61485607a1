/**
 * The tradable universe: Kraken spot USD pairs, named by their WebSocket v2 symbol.
 * Every boundary (config, strategy output, DB rows) names a pair this way; the Kraken client
 * maps to REST keys and altnames at the venue edge only. The zod guards of these names are
 * pair-schemas.ts: this file stays zod-free because the sandbox child's bundle reaches it (src/trading).
 */

export const PAIRS = ['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD', 'ADA/USD', 'DOT/USD', 'AVAX/USD', 'LINK/USD', 'DOGE/USD'] as const;
export type Pair = (typeof PAIRS)[number];

/** Candle timeframes the system stores. */
export const TIMEFRAMES = ['1m', '5m', '15m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];

/** Minutes per candle: the Kraken OHLC `interval`. */
export const TIMEFRAME_MINUTES = { '1m': 1, '5m': 5, '15m': 15, '1h': 60, '4h': 240, '1d': 1440 } as const satisfies Record<Timeframe, number>;

export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAME_MINUTES[tf] * 60_000;
}

/** The base asset of a pair, e.g. 'BTC' for 'BTC/USD'. */
export function baseAsset(pair: Pair): string {
  return pair.slice(0, pair.indexOf('/'));
}
