/**
 * Snapshot defaults for the 9 pairs (reference/kraken-api.md §11) and the starter fee tier.
 * The daemon loads live values from AssetPairs / TradeVolume at start-up; backtests and tests use
 * these when no fresher table is given. Kraken changes `ordermin` from time to time.
 */
import type { FeeRates, Pair, PairRules } from '../contract/index.ts';

/** Kraken spot, 30-day volume < $10k: 0.25 % maker, 0.40 % taker. */
export const STARTER_FEES: FeeRates = Object.freeze({ maker: 0.0025, taker: 0.004 });

type RuleRow = readonly [priceDecimals: number, orderMin: number];
const ROWS: Record<Pair, RuleRow> = {
  'BTC/USD': [1, 0.00005],
  'ETH/USD': [2, 0.002],
  'SOL/USD': [2, 0.06],
  'XRP/USD': [5, 1.65],
  'ADA/USD': [6, 20],
  'DOT/USD': [4, 3.9],
  'AVAX/USD': [2, 0.5],
  'LINK/USD': [5, 0.55],
  'DOGE/USD': [7, 50],
};

/** Default rules of one pair: lot_decimals 8 and costmin 0.5 USD for all nine. */
export function defaultPairRules(pair: Pair): PairRules {
  const [priceDecimals, orderMin] = ROWS[pair];
  return { pair, tickSize: Number((10 ** -priceDecimals).toFixed(priceDecimals)), priceDecimals, lotDecimals: 8, orderMin, costMin: 0.5 };
}
