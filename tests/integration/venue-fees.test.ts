import { afterEach, describe, expect, it } from 'vitest';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { KrakenClient } from '../../src/kraken/client.ts';
import { refreshFees } from '../../src/venues/fees-refresh.ts';
import { startHarness, type Harness } from './kraken-harness.ts';

let h: Harness;
afterEach(async () => h?.close());

describe('fee refresh against the simulator', () => {
  it('stores the starter tier from TradeVolume for each pair (0.25 % maker, 0.40 % taker)', async () => {
    h = await startHarness();
    const db = openDatabase({ path: ':memory:' });
    const { fees } = createRepositories(db);
    const r = await h.drive(
      refreshFees(['BTC/USD', 'ETH/USD'], { loadPairs: () => h.client.loadPairs(), fees, clock: h.sim.clock, fallback: { maker: 0.01, taker: 0.01 } }),
    );
    expect(r.ok).toBe(true);
    expect(fees.all().map((e) => [e.pair, e.rates, e.source])).toEqual([
      ['BTC/USD', { maker: 0.0025, taker: 0.004 }, 'venue'],
      ['ETH/USD', { maker: 0.0025, taker: 0.004 }, 'venue'],
    ]);
    db.close();
  });

  it('falls back to the AssetPairs tier table without credentials (paper mode)', async () => {
    h = await startHarness();
    const db = openDatabase({ path: ':memory:' });
    const { fees } = createRepositories(db);
    const publicOnly = new KrakenClient({ baseUrl: h.sim.restUrl, clock: h.sim.clock, fallbackFees: { maker: 0.01, taker: 0.01 } });
    await h.drive(refreshFees(['BTC/USD'], { loadPairs: () => publicOnly.loadPairs(), fees, clock: h.sim.clock, fallback: { maker: 0.01, taker: 0.01 } }));
    expect(fees.get('BTC/USD')).toMatchObject({ rates: { maker: 0.0025, taker: 0.004 }, source: 'venue' });
    db.close();
  });
});
