import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, waitFor, type Actor } from 'xstate';
import { connectionActors } from '../../actors/connection.actors.ts';
import { connectionMachine } from '../../machines/connection.machine.ts';
import type { Clock } from '../../src/clock/clock.ts';
import type { Fill, Ticker } from '../../src/contract/index.ts';
import { slippedPrice, STARTER_FEES } from '../../src/trading/index.ts';
import { PaperVenue } from '../../src/venues/paper.ts';
import { startHarness, type Harness } from './kraken-harness.ts';

let h: Harness;
let line: Actor<typeof connectionMachine> | undefined;
afterEach(async () => {
  line?.stop();
  await h?.close();
});

describe('paper venue on the simulator live prices', () => {
  it('fills a market buy at the first ticker after the order, with slippage and fee, and places nothing at the venue', async () => {
    h = await startHarness();
    const rules = h.client.pairs.get('BTC/USD').rules;
    const paper = new PaperVenue({ clock: h.sim.clock, rules: () => rules, fees: () => STARTER_FEES, slippage: 0.0005, startingCash: 10_000 });
    const tickers: Ticker[] = [];
    const clock = new SimulatedClock();
    line = createActor(
      connectionMachine.provide({
        actors: connectionActors({ urls: { public: h.sim.wsPublicUrl, private: h.sim.wsPrivateUrl }, client: h.client, clock: clock as unknown as Clock }),
      }),
      {
        clock,
        input: {
          endpoint: 'public',
          subscriptions: [{ channel: 'ticker', pairs: ['BTC/USD'] }],
          maxAttempts: 3,
          backoff: { baseMs: 1_000, maxMs: 8_000 },
          seed: 1,
          timeouts: { connectMs: 5_000, subscribeMs: 5_000, staleMs: 10_000, deadMs: 10_000 },
        },
      },
    );
    line.on('market.ticker', (e) => {
      tickers.push(e.ticker);
      paper.onFeed(e);
    });
    line.start();
    line.send({ type: 'connection.start' });
    await waitFor(line, (s) => s.matches({ session: { online: 'live' } }), { timeout: 10_000 });

    const filled = new Promise<Fill>((resolve) => paper.onFill(resolve));
    await paper.submitOrder({ clOrdId: 'paper-1', pair: 'BTC/USD', side: 'buy', type: 'market', quantity: 0.01, limitPrice: null });
    const seenBefore = tickers.length;
    await h.sim.advance(60_000);
    const fill = await filled;

    const ref = tickers[seenBefore]!.last;
    expect(fill.price).toBe(slippedPrice(ref, 'buy', 0.0005, rules));
    expect(fill.fee).toBeCloseTo(fill.price * 0.01 * STARTER_FEES.taker, 9);
    // The slippage the price includes is recorded on the fill, for the ledger, the reports and the drift check.
    expect(fill.slippageCost).toBeCloseTo((fill.price - ref) * 0.01, 9);
    expect(fill.slippageCost).toBeGreaterThan(0);
    expect(h.sim.engine.orders()).toHaveLength(0);
  });
});
