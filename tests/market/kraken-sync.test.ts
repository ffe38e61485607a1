import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { krakenOhlcFetcher } from '../../src/market/kraken-fetcher.ts';
import { candleDbFrom, createCandleStore } from '../../src/market/store.ts';
import { startHarness, type Harness } from '../integration/kraken-harness.ts';

const DAY = 86_400_000;

describe('candle store against the loopback Kraken simulator', () => {
  let h: Harness;
  let db: Db;
  afterEach(async () => {
    db?.close();
    await h?.close();
  });

  it('bootstraps closed 5m candles through the real REST client, reports the 720 cap, then catches up', async () => {
    h = await startHarness({ sim: { pairs: ['ETH/USD'], dataDir: 'data/sample' } });
    await h.drive(h.client.loadPairs());
    await h.sim.advance(3 * DAY);
    db = openDatabase({ path: ':memory:' });
    const store = createCandleStore({ db: candleDbFrom(db), fetcher: krakenOhlcFetcher(h.client) });
    const [first] = await h.drive(store.sync(['ETH/USD'], h.sim.clock.now()));
    expect(first).toMatchObject({ pair: 'ETH/USD', timeframe: '5m', mode: 'bootstrap', capped: true });
    const cols = store.columns('ETH/USD', '5m', 0, Number.MAX_SAFE_INTEGER);
    expect(cols.time.length).toBeGreaterThan(700);
    expect(cols.time.at(-1)!).toBeLessThanOrEqual(h.sim.clock.now() - 300_000);
    await h.sim.advance(DAY / 4);
    const [again] = await h.drive(store.sync(['ETH/USD'], h.sim.clock.now()));
    expect(again).toMatchObject({ mode: 'catchUp', capped: false });
    expect(again!.stored).toBeGreaterThan(60);
    expect(store.gaps('ETH/USD', '5m').reduce((n, g) => n + g.missing, 0)).toBeLessThan(5);
  });
});
