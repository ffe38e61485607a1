import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import type { FeeRates, Pair } from '../../src/contract/index.ts';
import { createRepositories, openDatabase, type Db, type Repositories } from '../../src/db/index.ts';
import type { PairInfo } from '../../src/kraken/pairs.ts';
import { feeRatesFor, refreshFees } from '../../src/venues/fees-refresh.ts';

const FALLBACK: FeeRates = { maker: 0.0025, taker: 0.004 };
const clock = simulatedClock(Date.UTC(2024, 8, 5, 0, 10));

/** A pair table answering only for the given pairs, as AssetPairs would. */
function table(rows: Partial<Record<Pair, Pick<PairInfo, 'fees' | 'feeSource'>>>) {
  return {
    get(pair: Pair): PairInfo {
      const row = rows[pair];
      if (!row) throw new Error(`pair ${pair} is not in Kraken's AssetPairs answer`);
      return row as PairInfo;
    },
  };
}

let db: Db;
let repos: Repositories;
beforeEach(() => {
  db = openDatabase({ path: ':memory:' });
  repos = createRepositories(db);
});
afterEach(() => db.close());

describe('fee refresh', () => {
  it('stores the account rate from TradeVolume per pair as a venue rate', async () => {
    const loadPairs = async () => table({ 'BTC/USD': { fees: { maker: 0.002, taker: 0.0035 }, feeSource: 'tradeVolume' } });
    const r = await refreshFees(['BTC/USD'], { loadPairs, fees: repos.fees, clock, fallback: FALLBACK });
    expect(r.ok).toBe(true);
    expect(repos.fees.get('BTC/USD')).toEqual({ pair: 'BTC/USD', rates: { maker: 0.002, taker: 0.0035 }, source: 'venue', updatedAt: clock.now() });
  });

  it('marks rates that came from the configured fallback as config', async () => {
    const loadPairs = async () => table({ 'ETH/USD': { fees: FALLBACK, feeSource: 'config' } });
    await refreshFees(['ETH/USD'], { loadPairs, fees: repos.fees, clock, fallback: FALLBACK });
    expect(repos.fees.get('ETH/USD')?.source).toBe('config');
  });

  it('keeps the stored schedule when the venue cannot be reached, and reports the failure', async () => {
    repos.fees.save({ pair: 'BTC/USD', rates: { maker: 0.001, taker: 0.002 }, source: 'venue', updatedAt: 1 });
    const loadPairs = async () => {
      throw new Error('Kraken AssetPairs failed: ECONNRESET');
    };
    const r = await refreshFees(['BTC/USD', 'SOL/USD'], { loadPairs, fees: repos.fees, clock, fallback: FALLBACK });
    expect(r.ok).toBe(false);
    expect(repos.fees.get('BTC/USD')?.rates).toEqual({ maker: 0.001, taker: 0.002 });
    expect(repos.fees.get('SOL/USD')).toMatchObject({ rates: FALLBACK, source: 'config' });
  });

  it('keeps the stored rates of a pair the venue no longer lists while refreshing the others', async () => {
    repos.fees.save({ pair: 'DOT/USD', rates: { maker: 0.001, taker: 0.002 }, source: 'venue', updatedAt: 1 });
    const loadPairs = async () => table({ 'BTC/USD': { fees: { maker: 0.002, taker: 0.0035 }, feeSource: 'assetPairs' } });
    const r = await refreshFees(['BTC/USD', 'DOT/USD'], { loadPairs, fees: repos.fees, clock, fallback: FALLBACK });
    expect(r.ok).toBe(true);
    expect(repos.fees.get('DOT/USD')?.updatedAt).toBe(1);
    expect(repos.fees.get('BTC/USD')?.updatedAt).toBe(clock.now());
  });

  it('charges the fallback for a pair before its first refresh and the stored rate after', async () => {
    const rates = feeRatesFor(repos.fees, FALLBACK);
    expect(rates('BTC/USD')).toEqual(FALLBACK);
    repos.fees.save({ pair: 'BTC/USD', rates: { maker: 0.001, taker: 0.002 }, source: 'venue', updatedAt: 1 });
    expect(rates('BTC/USD')).toEqual({ maker: 0.001, taker: 0.002 });
  });
});
