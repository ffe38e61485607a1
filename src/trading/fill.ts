/**
 * The fill model: ONE function for the backtest (reference = next bar's open, or the stop/target
 * level) and the paper venue (reference = live price). DESIGN inv. 1: only the reference price
 * differs between the two. Market orders only, so every fill is taker.
 */
import type { FeeRates, Fill, Pair, PairRules, Side } from '../contract/index.ts';
import { fillId } from './fill-id.ts';
import { affordableQuantity, feeFor, minimumViolation, slippedPrice, type MinimumViolation } from './market-rules.ts';

export interface MarketOrder {
  readonly clOrdId: string;
  /** The venue's own number for the trade; the fill's identity adds the pair (fill-id.ts). */
  readonly venueTradeId: string;
  readonly pair: Pair;
  readonly side: Side;
  /** Base units, already lot-rounded by sizing. A buy may shrink to what `cash` affords. */
  readonly quantity: number;
  readonly time: number;
}

export interface FillMarket {
  /** Price the order meets before slippage: next open (backtest), last trade (paper), trigger level (stops). */
  readonly refPrice: number;
  readonly rules: PairRules;
  readonly fees: FeeRates;
  /** Adverse move as a fraction of the reference price (0.0005 = 5 bp). */
  readonly slippage: number;
  /** Cash available to a buy; the quantity shrinks to fit price and fee (a gap up since sizing). */
  readonly cash?: number;
}

export type FillRejection = MinimumViolation | 'insufficient_cash';

export type FillResult =
  | { readonly ok: true; readonly fill: Fill /** USD lost to slippage and tick rounding vs refPrice, ≥ 0. */; readonly slippageCost: number }
  | { readonly ok: false; readonly reason: FillRejection };

export function fillMarketOrder(order: MarketOrder, market: FillMarket): FillResult {
  const price = slippedPrice(market.refPrice, order.side, market.slippage, market.rules);
  let quantity = order.quantity;
  if (order.side === 'buy' && market.cash !== undefined) {
    quantity = Math.min(quantity, affordableQuantity(market.cash, price, market.fees, market.rules));
    if (!(quantity > 0)) return { ok: false, reason: 'insufficient_cash' };
  }
  const violation = minimumViolation(quantity, price, market.rules);
  if (violation) return { ok: false, reason: violation };
  const fee = feeFor(price * quantity, market.fees, 'taker');
  const slippageCost = Math.abs(price - market.refPrice) * quantity;
  const fill: Fill = {
    tradeId: fillId(order.pair, order.venueTradeId),
    clOrdId: order.clOrdId,
    pair: order.pair,
    side: order.side,
    price,
    quantity,
    fee,
    liquidity: 'taker',
    time: order.time,
    slippageCost,
  };
  return { ok: true, fill, slippageCost };
}
