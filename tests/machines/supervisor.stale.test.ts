/**
 * A feed outage, then the back-fill: the scanners see every missed candle in order (the strategy's state
 * needs that history), but a buy the strategy decides on one of those old candles is a decision on
 * minutes- or hours-old reasons that the venue would fill at today's price. The supervisor refuses it
 * ('stale_candle') by the pair's own candles, not by its clock; exits on old candles still route.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import type { Candle, IntentAction, Pair } from '../../src/contract/index.ts';
import { bootState, startSupervisor, T0 } from './supervisor.fixtures.ts';

const STEP = 300_000;
const at = (k: number) => T0 + k * STEP;
const candle = (time: number, close = 100): Candle => ({ time, open: close, high: close, low: close, close, volume: 1 });
const closed = (pair: Pair, k: number) => ({ type: 'feed.candle' as const, pair, timeframe: '5m' as const, candle: candle(at(k)), closed: true });

/** A supervisor with its market line, a strategy that decides `plan[pair][k]` on the pair's k-th candle, and candles stored up to T0. */
async function live(plan: Partial<Record<Pair, Record<number, IntentAction>>>) {
  const s = startSupervisor({
    feed: { mode: 'paper' },
    boot: bootState({ candleTimes: { 'BTC/USD': T0, 'ETH/USD': T0 } }),
    strategy: (req) => plan[req.pair]?.[(req.candle.time - T0) / STEP],
  });
  await s.running();
  return s;
}

type Supervisor = Awaited<ReturnType<typeof live>>;
const signalOf = (s: Supervisor, pair: Pair, k: number) => s.records.find((r) => r.scan.pair === pair && r.scan.candle.time === at(k))?.signal;
const rejected = (s: Supervisor) => s.emitted.filter((e) => e.type === 'intent.rejected').map((e) => [e.intent.pair, e.intent.candleTime, e.reason]);

/** The line drops after candle `last` and comes back with candle `back`: REST fills the candles in between. */
async function outage(s: Supervisor, pair: Pair, last: number, back: number) {
  s.actor.send(closed(pair, back));
  const hole = s.backfills.at(-1)!;
  expect(hole.input).toMatchObject({ pair, from: at(last + 1), to: at(back) });
  const missed = Array.from({ length: back - last - 1 }, (_, i) => candle(at(last + 1 + i)));
  hole.answer({ type: 'market.candles.backfilled', pair, from: at(last + 1), to: at(back), candles: missed });
  await s.until(() => s.records.some((r) => r.scan.pair === pair && r.scan.candle.time === at(back)));
}

describe('supervisor: decisions on back-filled candles', () => {
  it('a buy decided on a back-filled candle is refused as stale_candle and never sent; a buy on the newest candle is', async () => {
    const s = await live({ 'BTC/USD': { 3: 'buy', 5: 'buy' } });
    s.actor.send(closed('BTC/USD', 1));
    await outage(s, 'BTC/USD', 1, 5);

    // The strategy saw every candle, in order: its indicators need them.
    expect(s.scans.filter((r) => r.pair === 'BTC/USD').map((r) => r.candle.time)).toEqual([1, 2, 3, 4, 5].map(at));
    expect(signalOf(s, 'BTC/USD', 3)?.verdict).toEqual({ outcome: 'rejected', rejectReason: 'stale_candle', clOrdId: null });
    expect(rejected(s)).toEqual([['BTC/USD', at(3), 'stale_candle']]);
    const buys = await s.sentOrder('buy');
    expect(buys.map((o) => o.clOrdId)).toEqual([signalOf(s, 'BTC/USD', 5)?.verdict.clOrdId]);
  });

  it('an exit decided on a back-filled candle still routes: getting out only lowers risk', async () => {
    const s = await live({ 'BTC/USD': { 1: 'buy', 3: 'close' }, 'ETH/USD': { 3: 'buy' } });
    s.actor.send(closed('BTC/USD', 1));
    const [buy] = await s.sentOrder('buy');
    s.fill(buy!.clOrdId, 100);
    await waitFor(s.actor, (x) => x.context.slots.some((p) => p.pair === 'BTC/USD' && p.phase === 'open'));

    await outage(s, 'BTC/USD', 1, 5);
    s.actor.send(closed('ETH/USD', 1));
    await outage(s, 'ETH/USD', 1, 5);

    expect(signalOf(s, 'BTC/USD', 3)?.verdict.outcome).toBe('acted');
    expect((await s.sentOrder('sell')).map((o) => o.pair)).toEqual(['BTC/USD']);
    expect(signalOf(s, 'ETH/USD', 3)?.verdict.rejectReason).toBe('stale_candle');
    expect([...s.sent.values()].filter((o) => o.side === 'buy')).toHaveLength(1);
  });
});
