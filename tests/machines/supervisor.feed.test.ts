/**
 * Issue 17.1, the supervisor's side of its connection children (machines/supervisor-feed.ts): lines that
 * give up are restarted forever with a capped backoff and alerted once per outage; closed candles reach the
 * scanners once each and in order, a hole back-filled first; a forming candle is a price the paper venue
 * hears first; a private execution is booked.
 */
import { describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import type { Candle, Pair } from '../../src/contract/index.ts';
import type { SupervisorEmitted } from '../../machines/supervisor-types.ts';
import { bootState, startSupervisor, T0 } from './supervisor.fixtures.ts';

const STEP = 300_000;
const candle = (time: number, close = 100): Candle => ({ time, open: close, high: close, low: close, close, volume: 1 });
const closed = (pair: Pair, time: number, close = 100) => ({
  type: 'feed.candle' as const,
  pair,
  timeframe: '5m' as const,
  candle: candle(time, close),
  closed: true,
});
const alerts = (s: ReturnType<typeof startSupervisor>) => s.emitted.filter((e) => e.type === 'supervisor.alert').map((e) => (e as { message: string }).message);
const CLOSED = { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true };
const announced = (s: ReturnType<typeof startSupervisor>) =>
  s.emitted.filter((e): e is Extract<SupervisorEmitted, { type: 'venue.healthChanged' }> => e.type === 'venue.healthChanged');
const lineHealth = (s: ReturnType<typeof startSupervisor>) => s.emitted.flatMap((e) => (e.type === 'feed.line' ? [[e.up, e.health.code] as const] : []));
const scanned = (s: ReturnType<typeof startSupervisor>, pair: Pair) => s.scans.filter((r) => r.pair === pair).map((r) => r.candle.time);

async function live(mode: 'paper' | 'live' = 'paper', candleTimes: Partial<Record<Pair, number>> = { 'BTC/USD': T0, 'ETH/USD': T0 }) {
  const s = startSupervisor({ feed: { mode, restart: { baseMs: 1_000, maxMs: 4_000 } }, boot: bootState({ candleTimes }) });
  await s.running();
  return s;
}

describe('supervisor: the connection children', () => {
  it('spawns the public line (and the private one in live mode) and starts them', async () => {
    const paper = await live('paper');
    expect(paper.children()).toContain('connection.public');
    expect(paper.children()).not.toContain('connection.private');
    expect(paper.lines).toEqual(['connection.public connection.start']);
    const s = await live('live');
    expect(s.lines).toEqual(['connection.public connection.start', 'connection.private connection.start']);
  });

  it('a line that gave up is started again after a capped backoff, alerted once per outage and once when back', async () => {
    const s = await live();
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true } });
    expect(alerts(s)).toEqual([]);
    expect(s.actor.getSnapshot().context.venueHealthy).toBe(false);
    const restartsAfter = (ms: number) => {
      s.clock.increment(ms - 1);
      const before = s.lines.length;
      s.clock.increment(1);
      return s.lines.length - before;
    };
    for (const delay of [1_000, 2_000, 4_000, 4_000]) {
      s.actor.send({
        type: 'connection.failed',
        endpoint: 'public',
        attempts: 10,
        error: { code: 'kraken.ws_closed', message: 'socket closed (1006)', retryable: true },
      });
      expect(restartsAfter(delay), `restart after ${delay} ms`).toBe(1);
    }
    expect(alerts(s)).toEqual([
      expect.stringMatching(
        /^public market feed down: 10 reconnects failed \(\[kraken\.ws_closed, retryable\] socket closed \(1006\)\); retrying every 1–4 s; no new entries/,
      ),
    ]);
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    expect(alerts(s).at(-1)).toBe('public market feed back after 4 restarts');
    expect(s.actor.getSnapshot().context.venueHealthy).toBe(true);
    // Giving up while down changes the line's health (/readyz shows it), not whether it is up.
    expect(lineHealth(s)).toEqual([
      [true, 'feed.connected'],
      [false, 'feed.disconnected'],
      [false, 'feed.gave_up'],
      [true, 'feed.resubscribed'],
    ]);
  });

  it('no entry is accepted while the public line is down (inv. 5)', async () => {
    const s = await live();
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: { code: 'kraken.ws_timeout', message: 'timed out', retryable: true } });
    const rec = await s.signal('BTC/USD', 'buy', 100);
    expect(rec.signal?.verdict).toMatchObject({ outcome: 'rejected', rejectReason: 'venue_unhealthy' });
  });

  it("a line's state and its feed.line announcement carry the connection's failure with its code, not a sentence", async () => {
    const s = await live();
    const timedOut = { code: 'kraken.ws_timeout', message: 'timed out', retryable: true };
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: timedOut });
    expect(s.actor.getSnapshot().context.feed?.lines.public).toMatchObject({ up: false, reason: timedOut });
    expect(s.emitted.filter((e) => e.type === 'feed.line').map((e) => (e as { reason: unknown }).reason)).toEqual([null, timedOut]);
    expect(s.actor.getSnapshot().context.feed?.lines.public?.health).toEqual({ code: 'feed.stale', message: 'went silent (kraken.ws_timeout: timed out)' });
  });

  it('the market line going down and coming back is announced once each with its closed feed.* code; a repeated down or a failed retry says nothing', async () => {
    const s = await live();
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    // Up at boot: entries were never refused, so there is nothing to announce.
    expect(announced(s)).toEqual([]);
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: CLOSED });
    s.actor.send({ type: 'connection.down', endpoint: 'public', error: CLOSED });
    s.actor.send({ type: 'connection.failed', endpoint: 'public', attempts: 10, error: CLOSED });
    s.actor.send({ type: 'connection.failed', endpoint: 'public', attempts: 10, error: CLOSED });
    expect(announced(s)).toEqual([
      { type: 'venue.healthChanged', healthy: false, reason: { code: 'feed.disconnected', message: 'kraken.ws_closed: socket closed (1006)' }, at: T0 },
    ]);
    expect(s.actor.getSnapshot().context.venueHealthy).toBe(false);
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    s.actor.send({ type: 'connection.up', endpoint: 'public' });
    expect(announced(s).map((e) => [e.healthy, e.reason.code])).toEqual([
      [false, 'feed.disconnected'],
      [true, 'feed.resubscribed'],
    ]);
    expect(s.actor.getSnapshot().context.venueHealthy).toBe(true);
  });

  it('the private line has its health too (for /readyz), but it never gates entries nor announces the market feed', async () => {
    const s = await live('live');
    s.actor.send({ type: 'connection.up', endpoint: 'private' });
    s.actor.send({ type: 'connection.down', endpoint: 'private', error: CLOSED });
    expect(lineHealth(s)).toEqual([
      [true, 'feed.connected'],
      [false, 'feed.disconnected'],
    ]);
    expect(announced(s)).toEqual([]);
    expect(s.actor.getSnapshot().context.venueHealthy).toBe(true);
  });

  it('the private line coming back asks the venue watch for a sweep by cl_ord_id', async () => {
    const s = await live('live');
    s.actor.send({ type: 'connection.up', endpoint: 'private' });
    expect(s.commands).toEqual([{ type: 'venue.sweep' }]);
  });
});

describe('supervisor: candles from the line', () => {
  it('a closed candle reaches its scanner once and is written to the candle store; a repeat is dropped', async () => {
    const s = await live();
    s.actor.send(closed('BTC/USD', T0 - STEP));
    s.actor.send(closed('BTC/USD', T0 + STEP));
    s.actor.send(closed('BTC/USD', T0 + STEP));
    s.actor.send(closed('BTC/USD', T0 + 2 * STEP));
    await s.until(() => scanned(s, 'BTC/USD').length === 2);
    expect(scanned(s, 'BTC/USD')).toEqual([T0 + STEP, T0 + 2 * STEP]);
    expect(s.journal.filter((c) => c.type === 'journal.candle').map((c) => (c as { candle: Candle }).candle.time)).toEqual([T0 + STEP, T0 + 2 * STEP]);
  });

  it('a candle that does not follow the last one waits while REST fills the hole; then all go in order', async () => {
    const s = await live();
    s.actor.send(closed('BTC/USD', T0 + 3 * STEP));
    s.actor.send(closed('BTC/USD', T0 + 4 * STEP));
    expect(s.backfills.map((b) => b.input)).toEqual([{ pair: 'BTC/USD', timeframe: '5m', from: T0 + STEP, to: T0 + 3 * STEP }]);
    expect(s.children()).toContain('backfill.BTC/USD');
    s.actor.send(closed('ETH/USD', T0 + STEP));
    await s.until(() => scanned(s, 'ETH/USD').length === 1);
    expect(scanned(s, 'BTC/USD')).toEqual([]);
    s.backfills[0]!.answer({
      type: 'market.candles.backfilled',
      pair: 'BTC/USD',
      from: T0 + STEP,
      to: T0 + 3 * STEP,
      candles: [candle(T0 + 2 * STEP), candle(T0 + STEP)],
    });
    await s.until(() => scanned(s, 'BTC/USD').length === 4);
    expect(scanned(s, 'BTC/USD')).toEqual([1, 2, 3, 4].map((k) => T0 + k * STEP));
    expect(s.children()).not.toContain('backfill.BTC/USD');
    // The line goes on from the last one.
    s.actor.send(closed('BTC/USD', T0 + 5 * STEP));
    await s.until(() => scanned(s, 'BTC/USD').length === 5);
    expect(s.backfills).toHaveLength(1);
  });

  it('a gap reported by the line starts the back-fill at once; what the line re-sends meanwhile is scanned once', async () => {
    const s = await live();
    s.actor.send({ type: 'market.candles.gap', pair: 'BTC/USD', timeframe: '5m', from: T0, to: T0 + 3 * STEP });
    expect(s.backfills.map((b) => b.input)).toEqual([{ pair: 'BTC/USD', timeframe: '5m', from: T0 + STEP, to: T0 + 3 * STEP }]);
    s.actor.send(closed('BTC/USD', T0 + 2 * STEP));
    s.actor.send(closed('BTC/USD', T0 + 3 * STEP));
    s.backfills[0]!.answer({
      type: 'market.candles.backfilled',
      pair: 'BTC/USD',
      from: T0 + STEP,
      to: T0 + 3 * STEP,
      candles: [candle(T0 + STEP), candle(T0 + 2 * STEP)],
    });
    await s.until(() => scanned(s, 'BTC/USD').length === 3);
    expect(scanned(s, 'BTC/USD')).toEqual([1, 2, 3].map((k) => T0 + k * STEP));
  });

  it('a failed back-fill is alerted and the waiting candles go on (the hole stays)', async () => {
    const s = await live();
    s.actor.send(closed('BTC/USD', T0 + 3 * STEP));
    s.backfills[0]!.answer({
      type: 'market.candles.backfillFailed',
      pair: 'BTC/USD',
      from: T0 + STEP,
      to: T0 + 3 * STEP,
      error: { code: 'kraken.unavailable', message: 'EService:Unavailable', retryable: true },
    });
    await s.until(() => scanned(s, 'BTC/USD').length === 1);
    expect(scanned(s, 'BTC/USD')).toEqual([T0 + 3 * STEP]);
    expect(alerts(s)).toEqual([expect.stringContaining('could not be back-filled ([kraken.unavailable, retryable] EService:Unavailable)')]);
  });

  it('a forming candle is a price: the paper venue hears it first, then the marks', async () => {
    const s = await live();
    s.actor.send({ ...closed('ETH/USD', T0 + STEP, 123), closed: false });
    expect(s.commands).toEqual([{ type: 'venue.price', pair: 'ETH/USD', price: 123 }]);
    expect(s.actor.getSnapshot().context.marks['ETH/USD']).toBe(123);
    expect(scanned(s, 'ETH/USD')).toEqual([]);
  });
});

describe('supervisor: the private executions line', () => {
  it('a trade report is booked once under its pair and trade number, and reaches its position', async () => {
    const s = await live('live');
    await s.signal('BTC/USD', 'buy', 100);
    const [buy] = await s.sentOrder('buy');
    const report = {
      venueOrderId: 'O1',
      clOrdId: buy!.clOrdId,
      pair: 'BTC/USD' as const,
      side: 'buy' as const,
      execType: 'trade',
      status: 'filled' as const,
      cumQty: buy!.quantity,
      time: T0 + 1,
      reason: null,
      fill: { tradeId: '7', price: 100, quantity: buy!.quantity, fee: 0.4, liquidity: 'taker' as const },
    };
    s.actor.send({ type: 'account.execution', report });
    s.actor.send({ type: 'account.execution', report });
    await waitFor(s.actor, (x) => x.context.slots.some((p) => p.phase === 'open'));
    expect(s.journal.filter((c) => c.type === 'journal.fill').map((c) => (c as { fill: { tradeId: string } }).fill.tradeId)).toEqual(['BTC/USD:7']);
    expect(s.actor.getSnapshot().context.ledger.holdings['BTC/USD']?.quantity).toBeCloseTo(buy!.quantity, 12);
  });
});
