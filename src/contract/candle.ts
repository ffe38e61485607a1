/**
 * Market data as it crosses boundaries. All times in the system are epoch milliseconds (UTC);
 * a candle's `time` is its OPEN time. Conversion from Kraken/CSV seconds happens at those edges.
 */
import { z } from 'zod';
import { PairSchema } from './pair-schemas.ts';

const finite = z.number().finite();
const nonNegative = z.number().finite().nonnegative();

export const CandleSchema = z
  .strictObject({
    time: z.number().int().nonnegative(),
    open: finite.positive(),
    high: finite.positive(),
    low: finite.positive(),
    close: finite.positive(),
    volume: nonNegative,
  })
  .refine((c) => c.low <= Math.min(c.open, c.close) && c.high >= Math.max(c.open, c.close), {
    message: 'candle must satisfy low <= open,close <= high',
  });
export type Candle = z.infer<typeof CandleSchema>;

/**
 * Columnar candles: what the sandbox receives (Float64Array views, no per-candle objects).
 * All six arrays have the same length; index i is one candle; sorted by time ascending.
 */
export interface CandleColumns {
  readonly time: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
}

export const TickerSchema = z.strictObject({
  bid: finite.positive(),
  ask: finite.positive(),
  last: finite.positive(),
  time: z.number().int().nonnegative(),
});
export type Ticker = z.infer<typeof TickerSchema>;

/** Per-pair trading rules from Kraken AssetPairs (+ TradeVolume for fees). */
export const PairRulesSchema = z.strictObject({
  pair: PairSchema,
  /** Minimum price increment (Kraken `tick_size`). */
  tickSize: finite.positive(),
  /** Price decimals (Kraken `pair_decimals`). */
  priceDecimals: z.number().int().min(0).max(12),
  /** Volume decimals (Kraken `lot_decimals`). */
  lotDecimals: z.number().int().min(0).max(12),
  /** Minimum order volume in base asset (Kraken `ordermin`). */
  orderMin: nonNegative,
  /** Minimum order cost in quote currency (Kraken `costmin`). */
  costMin: nonNegative,
});
export type PairRules = z.infer<typeof PairRulesSchema>;

/** Fee rates as fractions (0.0025 = 0.25 %). */
export const FeeRatesSchema = z.strictObject({
  maker: z.number().min(0).max(0.1),
  taker: z.number().min(0).max(0.1),
});
export type FeeRates = z.infer<typeof FeeRatesSchema>;
