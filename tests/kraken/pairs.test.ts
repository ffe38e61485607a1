import { describe, expect, it } from 'vitest';
import { splitBalances } from '../../src/kraken/client.ts';
import { PairTable } from '../../src/kraken/pairs.ts';
import { AssetPairsSchema, TradeVolumeSchema } from '../../src/kraken/schemas.ts';

// AssetPairs as Kraken sends it (reference/kraken-api.md §4.3), with an unknown extra field.
const ASSET_PAIRS = AssetPairsSchema.parse({
  XXBTZUSD: {
    altname: 'XBTUSD',
    wsname: 'XBT/USD',
    base: 'XXBT',
    quote: 'ZUSD',
    pair_decimals: 1,
    lot_decimals: 8,
    cost_decimals: 5,
    ordermin: '0.00005',
    costmin: '0.5',
    tick_size: '0.1',
    execution_venue: 'whatever',
    fees: [
      [0, 0.4],
      [10000, 0.35],
    ],
    fees_maker: [
      [0, 0.25],
      [10000, 0.2],
    ],
  },
  XDGUSD: {
    altname: 'XDGUSD',
    wsname: 'XDG/USD',
    base: 'XXDG',
    quote: 'ZUSD',
    pair_decimals: 7,
    lot_decimals: 8,
    ordermin: '50',
    costmin: '0.5',
    tick_size: '0.0000001',
    fees: [],
    fees_maker: [],
  },
  XETHZUSD: { altname: 'ETHUSD', wsname: 'ETH/USD', base: 'XETH', quote: 'ZUSD', pair_decimals: 2, lot_decimals: 8, ordermin: '0.002' },
  XXBTZEUR: { altname: 'XBTEUR', wsname: 'XBT/EUR', base: 'XXBT', quote: 'ZEUR', pair_decimals: 1, lot_decimals: 8, ordermin: '0.0001' },
});
const FALLBACK = { maker: 0.001, taker: 0.002 };

describe('pair table from AssetPairs', () => {
  it('maps legacy XBT and XDG names to the v2 symbols BTC/USD and DOGE/USD', () => {
    const t = new PairTable(ASSET_PAIRS, { fallbackFees: FALLBACK });
    expect(t.find('XBT/USD')?.symbol).toBe('BTC/USD');
    expect(t.find('XDGUSD')?.symbol).toBe('DOGE/USD');
    expect(t.get('DOGE/USD').baseCode).toBe('DOGE');
    expect(t.assetCode('XXDG')).toBe('DOGE');
  });

  it('keeps only the pairs the system trades (USD pairs in the contract)', () => {
    const t = new PairTable(ASSET_PAIRS, { fallbackFees: FALLBACK });
    expect(t.pairs().sort()).toEqual(['BTC/USD', 'DOGE/USD', 'ETH/USD']);
    expect(() => t.get('SOL/USD')).toThrow(/SOL\/USD is not in Kraken's AssetPairs/);
  });

  it('takes fees from TradeVolume first, then the AssetPairs tier at the account volume, then config', () => {
    const tv = TradeVolumeSchema.parse({
      currency: 'ZUSD',
      volume: '20000',
      fees: { XETHZUSD: { fee: '0.2400' } },
      fees_maker: { XETHZUSD: { fee: '0.1400' } },
    });
    const t = new PairTable(ASSET_PAIRS, { tradeVolume: tv, fallbackFees: FALLBACK });
    expect(t.get('ETH/USD')).toMatchObject({ feeSource: 'tradeVolume', fees: { maker: 0.0014, taker: 0.0024 } });
    expect(t.get('BTC/USD')).toMatchObject({ feeSource: 'assetPairs', fees: { maker: 0.002, taker: 0.0035 } });
    expect(t.get('DOGE/USD')).toMatchObject({ feeSource: 'config', fees: FALLBACK });
  });

  it('derives the tick from pair_decimals when tick_size is absent and formats on that grid', () => {
    const t = new PairTable(ASSET_PAIRS, { fallbackFees: FALLBACK });
    expect(t.get('ETH/USD').tickSize).toBe('0.01');
    expect(t.formatPrice('ETH/USD', 3012.345)).toBe('3012.35');
    expect(t.formatPrice('DOGE/USD', 0.123456789)).toBe('0.1234568');
    expect(t.formatVolume('DOGE/USD', 123.456789019)).toBe('123.45678901');
  });

  it('names the minimum Kraken would refuse', () => {
    const t = new PairTable(ASSET_PAIRS, { fallbackFees: FALLBACK });
    expect(t.minimumProblem('BTC/USD', '0.00001', 30_000)).toMatch(/ordermin 0.00005/);
    expect(t.minimumProblem('DOGE/USD', '50', 0.005)).toMatch(/costmin 0.5/);
    expect(t.minimumProblem('BTC/USD', '0.001', 30_000)).toBeNull();
  });

  it('fails with the endpoint field named when AssetPairs lacks a required field', () => {
    const r = AssetPairsSchema.safeParse({ XXBTZUSD: { altname: 'XBTUSD', wsname: 'XBT/USD', base: 'XXBT', quote: 'ZUSD', lot_decimals: 8, ordermin: '1' } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['XXBTZUSD', 'pair_decimals']);
  });
});

describe('balances', () => {
  it('keeps suffixed earn/staking/margin wallets apart: they are not spendable', () => {
    const t = new PairTable(ASSET_PAIRS, { fallbackFees: FALLBACK });
    const b = splitBalances(
      { ZUSD: { balance: '100.5', hold_trade: '20' }, XXBT: { balance: '0.5' }, 'XXBT.F': { balance: '2' }, 'USD.M': { balance: '7' }, ZEUR: { balance: '3' } },
      t,
    );
    expect(b.spot).toEqual({ USD: { total: 100.5, available: 80.5 }, BTC: { total: 0.5, available: 0.5 }, ZEUR: { total: 3, available: 3 } });
    expect(b.locked).toEqual({ 'XXBT.F': 2, 'USD.M': 7 });
  });
});
