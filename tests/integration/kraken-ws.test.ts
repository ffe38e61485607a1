import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, waitFor, type Actor } from 'xstate';
import { connectionActors } from '../../actors/connection.actors.ts';
import { connectionMachine, type ConnectionEmitted, type ConnectionInput } from '../../machines/connection.machine.ts';
import type { Clock } from '../../src/clock/clock.ts';
import { fetchCandles } from '../../src/kraken/ohlc.ts';
import { startHarness, type Harness } from './kraken-harness.ts';

const TIMEOUTS = { connectMs: 5_000, subscribeMs: 5_000, staleMs: 10_000, deadMs: 10_000 };
const PUBLIC: ConnectionInput = {
  endpoint: 'public',
  subscriptions: [
    { channel: 'ticker', pairs: ['BTC/USD'] },
    { channel: 'ohlc', pairs: ['BTC/USD', 'ETH/USD'], timeframe: '5m' },
    { channel: 'book', pairs: ['BTC/USD'], depth: 10 },
  ],
  maxAttempts: 3,
  backoff: { baseMs: 1_000, maxMs: 8_000 },
  seed: 3,
  timeouts: TIMEOUTS,
};
const PRIVATE: ConnectionInput = { ...PUBLIC, endpoint: 'private', subscriptions: [{ channel: 'executions' }, { channel: 'balances' }] };
const LIVE = { session: { online: 'live' } } as const;

let h: Harness;
let actor: Actor<typeof connectionMachine> | undefined;
afterEach(async () => {
  actor?.stop();
  actor = undefined;
  await h?.close();
});

/** The machine runs on its own test clock: market time (sim.advance) and line timing move separately. */
function startConnection(input: ConnectionInput, urls?: { public: string; private: string }) {
  const clock = new SimulatedClock();
  const actors = connectionActors({
    urls: urls ?? { public: h.sim.wsPublicUrl, private: h.sim.wsPrivateUrl },
    client: h.client,
    clock: clock as unknown as Clock,
  });
  const a = createActor(connectionMachine.provide({ actors }), { input, clock });
  const emitted: ConnectionEmitted[] = [];
  const waiters: Array<{ pred: (e: ConnectionEmitted) => boolean; resolve: (e: ConnectionEmitted) => void }> = [];
  a.on('*', (e) => {
    const ev = e as ConnectionEmitted;
    emitted.push(ev);
    for (const w of waiters.splice(0)) w.pred(ev) ? w.resolve(ev) : waiters.push(w);
  });
  /** The next emitted event matching `pred` (from now on). */
  const next = <T extends ConnectionEmitted['type']>(type: T, pred: (e: Extract<ConnectionEmitted, { type: T }>) => boolean = () => true) =>
    new Promise<Extract<ConnectionEmitted, { type: T }>>((resolve) => {
      waiters.push({ pred: (e) => e.type === type && pred(e as Extract<ConnectionEmitted, { type: T }>), resolve: resolve as (e: ConnectionEmitted) => void });
    });
  a.start();
  actor = a;
  const backoffMs = () => a.getSnapshot().context.backoffMs;
  return { actor: a, clock, emitted, next, backoffMs };
}
/** Moves market time in 10 s steps until `p` settles (bounded), letting socket I/O run between steps. */
async function advanceUntil(p: Promise<unknown>, maxSteps = 600): Promise<void> {
  let settled = false;
  void p.then(() => (settled = true));
  for (let i = 0; i < maxSteps && !settled; i++) await h.sim.advance(10_000);
}
const live = (a: Actor<typeof connectionMachine>) => waitFor(a, (s) => s.matches(LIVE), { timeout: 10_000 });

describe('WS v2 public feed through the connection machine', () => {
  it('connects, subscribes every channel and forwards ticker, candle and book events', async () => {
    h = await startHarness();
    const c = startConnection(PUBLIC);
    const up = c.next('connection.up');
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    await up;
    const [ticker, candle, book] = [c.next('market.ticker'), c.next('market.candle', (e) => e.pair === 'ETH/USD'), c.next('market.book')];
    await advanceUntil(Promise.all([ticker, candle, book]));
    expect((await ticker).pair).toBe('BTC/USD');
    expect((await candle).timeframe).toBe('5m');
    const b = await book;
    expect(b.bestAsk).toBeGreaterThan(b.bestBid);
  });

  it('marks a candle closed once the next one starts', async () => {
    h = await startHarness();
    const c = startConnection(PUBLIC);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    const closed = c.next('market.candle', (e) => e.closed && e.pair === 'BTC/USD');
    await advanceUntil(closed);
    const e = await closed;
    expect(e.candle.time % 300_000).toBe(0);
  });

  it('resubscribes the book after a checksum mismatch and keeps the line live', async () => {
    h = await startHarness();
    const c = startConnection(PUBLIC);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    await h.sim.advance(5_000);
    const resync = c.next('market.book.resync');
    h.sim.faults.corruptBookChecksum({ symbol: 'BTC/USD' });
    // book updates follow replayed trades, a few per candle: move market time until one arrives
    await advanceUntil(resync);
    expect((await resync).pair).toBe('BTC/USD');
    const resyncAt = c.emitted.findIndex((e) => e.type === 'market.book.resync');
    // the fresh snapshot after the resubscribe may already be in; otherwise wait for it
    if (!c.emitted.slice(resyncAt).some((e) => e.type === 'market.book')) await c.next('market.book');
    expect(c.actor.getSnapshot().matches(LIVE)).toBe(true);
  });

  it('reconnects after a drop with backoff, resubscribes, and the reported candle gap back-fills by REST', async () => {
    h = await startHarness();
    const c = startConnection(PUBLIC);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    const seen = c.next('market.candle', (e) => e.pair === 'BTC/USD');
    await advanceUntil(seen);
    await seen;
    const down = c.next('connection.down');
    h.sim.faults.dropWs('public');
    await waitFor(c.actor, (s) => s.matches('backoff'), { timeout: 10_000 });
    expect((await down).error).toMatchObject({ code: 'kraken.ws_closed', message: expect.stringMatching(/socket closed/), retryable: true });
    await h.sim.advance(11 * 3_600_000); // longer than the 120-candle snapshot covers
    const gap = c.next('market.candles.gap', (e) => e.pair === 'BTC/USD');
    const up = c.next('connection.up');
    c.clock.increment(c.backoffMs());
    await live(c.actor);
    await up;
    const g = await gap;
    // the resubscribe snapshot covers the last 120 candles (10 h); the gap is the hour before that
    expect(g.to - g.from).toBeGreaterThan(0);
    expect(g.to - g.from).toBeLessThanOrEqual(11 * 3_600_000);
    const backfill = await h.drive(fetchCandles(h.client, 'BTC/USD', '5m', g.from));
    expect(backfill.complete).toBe(true);
    const missing = backfill.candles.filter((x) => x.time >= g.from && x.time < g.to).map((x) => x.time);
    expect(missing).toEqual(Array.from({ length: (g.to - g.from) / 300_000 }, (_, i) => g.from + i * 300_000));
  });

  it('turns stale on a silent line, pings, and reconnects once it stays dead', async () => {
    h = await startHarness();
    const c = startConnection(PUBLIC);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    h.sim.faults.stallWs('public');
    c.clock.increment(TIMEOUTS.staleMs);
    expect(c.actor.getSnapshot().matches({ session: { online: 'stale' } })).toBe(true);
    c.clock.increment(TIMEOUTS.deadMs);
    expect(c.actor.getSnapshot().matches('backoff')).toBe(true);
    h.sim.faults.resumeWs('public');
    c.clock.increment(c.backoffMs());
    await live(c.actor);
  });

  it('comes back from stale when frames flow again', async () => {
    h = await startHarness();
    const c = startConnection(PUBLIC);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    c.clock.increment(TIMEOUTS.staleMs);
    expect(c.actor.getSnapshot().matches({ session: { online: 'stale' } })).toBe(true);
    await h.sim.advance(2_000);
    await live(c.actor);
  });

  it('forwards a venue status change (maintenance) pushed on the socket', async () => {
    h = await startHarness();
    const c = startConnection(PUBLIC);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    const status = c.next('venue.status', (e) => e.system === 'maintenance');
    h.sim.faults.setSystemStatus('maintenance');
    expect((await status).system).toBe('maintenance');
  });

  it('gives up after maxAttempts when the venue refuses connections, and says so', async () => {
    h = await startHarness();
    const c = startConnection({ ...PUBLIC, maxAttempts: 2 }, { public: 'ws://127.0.0.1:1/v2', private: 'ws://127.0.0.1:1/v2-auth' });
    const failed = c.next('connection.failed');
    c.actor.send({ type: 'connection.start' });
    for (let i = 0; i < 2; i++) {
      await waitFor(c.actor, (s) => s.matches('backoff'), { timeout: 10_000 });
      c.clock.increment(c.backoffMs());
    }
    await waitFor(c.actor, (s) => s.matches('failed'), { timeout: 10_000 });
    expect((await failed).attempts).toBe(2);
  });
});

describe('WS v2 private feed', () => {
  it('subscribes executions and balances with a token and reports our order by cl_ord_id', async () => {
    h = await startHarness();
    const c = startConnection(PRIVATE);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    const bid = (await h.drive(h.client.tickers(['BTC/USD']))).get('BTC/USD')!.bid;
    const clOrdId = 'ws-test-order-1';
    const opened = c.next('account.execution', (e) => e.report.clOrdId === clOrdId && e.report.status === 'open');
    await h.drive(h.orders.place({ clOrdId, pair: 'BTC/USD', side: 'buy', type: 'limit', volume: 0.001, limitPrice: bid * 0.9 }));
    const e = await opened;
    expect(e.report.venueOrderId).toMatch(/^O/);
  });

  it('fetches a fresh token for every connection', async () => {
    h = await startHarness();
    let tokens = 0;
    h.simLog.on('record', (r: Record<string, unknown>) => {
      if (r['msg'] === 'rest request' && r['method'] === 'GetWebSocketsToken') tokens += 1;
    });
    const c = startConnection(PRIVATE);
    c.actor.send({ type: 'connection.start' });
    await live(c.actor);
    h.sim.faults.dropWs('private');
    await waitFor(c.actor, (s) => s.matches('backoff'), { timeout: 10_000 });
    c.clock.increment(c.backoffMs());
    await live(c.actor);
    expect(tokens).toBe(2);
  });
});
