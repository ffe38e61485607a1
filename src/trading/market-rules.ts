/**
 * Kraken's per-order arithmetic: fees, slippage, tick and lot rounding, minimums.
 * The ONE place these formulas live (DESIGN inv. 1): the backtest engine, the paper venue and the
 * live risk check all call these. Pure, no I/O, no node:* (bundled into the Deno sandbox child).
 * Source: ../shared/reference/kraken-api.md §11.
 */
import type { FeeRates, Liquidity, PairRules, Side } from '../contract/index.ts';

/** Why an order cannot be sent as sized: typed, so callers record it instead of catching. */
export type MinimumViolation = 'below_ordermin' | 'below_costmin';

// Float products like 0.3 / 0.1 land a hair under an integer; this absorbs that before floor/ceil.
const EPSILON = 1e-9;

/** Fee in quote currency for a fill of `cost` USD: cost × rate (Kraken charges USD on every fill). */
export function feeFor(cost: number, fees: FeeRates, liquidity: Liquidity): number {
  return cost * (liquidity === 'maker' ? fees.maker : fees.taker);
}

/** Volume rounded DOWN to `lot_decimals`, so an order never exceeds what sizing allowed. */
export function roundDownToLot(quantity: number, lotDecimals: number): number {
  const scale = 10 ** lotDecimals;
  return Math.floor(quantity * scale + EPSILON) / scale;
}

/**
 * A price on the tick grid, rounded against the trader: a buy pays the next tick up, a sell
 * receives the next tick down. Rounds to `priceDecimals` last to strip float noise.
 */
export function roundPriceAdverse(price: number, side: Side, rules: PairRules): number {
  const ticks = price / rules.tickSize;
  const n = side === 'buy' ? Math.ceil(ticks - EPSILON) : Math.floor(ticks + EPSILON);
  const scale = 10 ** rules.priceDecimals;
  return Math.round(n * rules.tickSize * scale) / scale;
}

/**
 * The fill price of a market order: the reference price moved against the trader by the
 * slippage fraction, then rounded to the tick grid (also against the trader).
 */
export function slippedPrice(refPrice: number, side: Side, slippage: number, rules: PairRules): number {
  const moved = side === 'buy' ? refPrice * (1 + slippage) : refPrice * (1 - slippage);
  return roundPriceAdverse(moved, side, rules);
}

/** Kraken's pre-checks (`EOrder:Order minimum not met` / `Cost minimum not met`); null when fine. */
export function minimumViolation(quantity: number, price: number, rules: PairRules): MinimumViolation | null {
  if (!(quantity > 0) || quantity < rules.orderMin * (1 - EPSILON)) return 'below_ordermin';
  if (quantity * price < rules.costMin) return 'below_costmin';
  return null;
}

/** The most base units `cash` buys at `price` once the taker fee is paid, lot-rounded down. */
export function affordableQuantity(cash: number, price: number, fees: FeeRates, rules: PairRules): number {
  if (!(cash > 0) || !(price > 0)) return 0;
  return roundDownToLot(cash / (price * (1 + fees.taker)), rules.lotDecimals);
}
