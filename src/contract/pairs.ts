/**
 * The tradable universe: Kraken spot USD pairs, named by their WebSocket v2 symbol.
 * Every boundary (config, strategy output, DB rows) names a pair this way; the Kraken client
 * maps to REST keys and altnames at the venue edge only.
 */
import { z } from 'zod';

export const PAIRS = ['BTC/USD', 'ETH/USD', 'SOL/USD', 'XRP/USD', 'ADA/USD', 'DOT/USD', 'AVAX/USD', 'LINK/USD', 'DOGE/USD'] as const;

export const PairSchema = z.enum(PAIRS);
export type Pair = z.infer<typeof PairSchema>;

/** Candle timeframes the system stores; minutes per candle is the Kraken OHLC `interval`. */
export const TIMEFRAME_MINUTES = { '1m': 1, '5m': 5, '15m': 15, '1h': 60, '4h': 240, '1d': 1440 } as const;
export const TimeframeSchema = z.enum(['1m', '5m', '15m', '1h', '4h', '1d']);
export type Timeframe = z.infer<typeof TimeframeSchema>;

export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAME_MINUTES[tf] * 60_000;
}

/** The base asset of a pair, e.g. 'BTC' for 'BTC/USD'. */
export function baseAsset(pair: Pair): string {
  return pair.slice(0, pair.indexOf('/'));
}
