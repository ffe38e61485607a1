import { describe, expect, it } from 'vitest';
import {
  affordableQuantity,
  defaultPairRules,
  feeFor,
  fillMarketOrder,
  minimumViolation,
  roundDownToLot,
  roundPriceAdverse,
  slippedPrice,
  STARTER_FEES,
} from '../../src/trading/index.ts';

const eth = defaultPairRules('ETH/USD');
const order = { clOrdId: 'c1', venueTradeId: 't1', pair: 'ETH/USD', side: 'buy', quantity: 0.5, time: 1 } as const;

describe('Kraken order arithmetic', () => {
  it('charges the taker or maker rate on the fill cost', () => {
    expect(feeFor(1000, STARTER_FEES, 'taker')).toBeCloseTo(4, 12);
    expect(feeFor(1000, STARTER_FEES, 'maker')).toBeCloseTo(2.5, 12);
  });

  it('rounds volume down to lot decimals, absorbing float noise just under a lot', () => {
    expect(roundDownToLot(0.123456789, 8)).toBe(0.12345678);
    expect(roundDownToLot(0.3 / 0.1, 0)).toBe(3);
    expect(roundDownToLot(1.999, 2)).toBe(1.99);
  });

  it('rounds prices to the tick against the trader', () => {
    expect(roundPriceAdverse(2500.001, 'buy', eth)).toBe(2500.01);
    expect(roundPriceAdverse(2500.009, 'sell', eth)).toBe(2500);
    expect(roundPriceAdverse(2500.01, 'buy', eth)).toBe(2500.01);
  });

  it('moves the fill price against the trader by the slippage factor', () => {
    expect(slippedPrice(2000, 'buy', 0.001, eth)).toBe(2002);
    expect(slippedPrice(2000, 'sell', 0.001, eth)).toBe(1998);
  });

  it('names the Kraken minimum an order misses', () => {
    expect(minimumViolation(0.001, 2000, eth)).toBe('below_ordermin');
    expect(minimumViolation(0.002, 2000, eth)).toBeNull();
    expect(minimumViolation(0.002, 250, eth)).toBeNull();
    expect(minimumViolation(0.002, 200, eth)).toBe('below_costmin');
  });

  it('computes the quantity that cash affords after the taker fee', () => {
    const q = affordableQuantity(1004, 1000, STARTER_FEES, eth);
    expect(q).toBe(1);
  });
});

describe('fillMarketOrder', () => {
  it('fills at the slipped, tick-rounded price with the taker fee and reports the slippage cost', () => {
    const r = fillMarketOrder(order, { refPrice: 2000, rules: eth, fees: STARTER_FEES, slippage: 0.0005 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.fill.price).toBe(2001);
    expect(r.fill.fee).toBeCloseTo(2001 * 0.5 * 0.004, 12);
    expect(r.slippageCost).toBeCloseTo(0.5, 12);
    expect(r.fill.liquidity).toBe('taker');
  });

  it('shrinks a buy to what the cash affords after a gap up', () => {
    const r = fillMarketOrder(order, { refPrice: 2000, rules: eth, fees: STARTER_FEES, slippage: 0, cash: 500 });
    expect(r.ok && r.fill.quantity).toBe(roundDownToLot(500 / (2000 * 1.004), 8));
  });

  it('refuses a fill below ordermin with a typed reason', () => {
    const r = fillMarketOrder({ ...order, quantity: 0.001 }, { refPrice: 2000, rules: eth, fees: STARTER_FEES, slippage: 0 });
    expect(r).toEqual({ ok: false, reason: 'below_ordermin' });
  });

  it('refuses a buy the cash cannot pay for', () => {
    const r = fillMarketOrder(order, { refPrice: 2000, rules: eth, fees: STARTER_FEES, slippage: 0, cash: 0 });
    expect(r).toEqual({ ok: false, reason: 'insufficient_cash' });
  });
});
