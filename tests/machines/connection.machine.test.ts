import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock, createActor, fromCallback, type Actor, type EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import type { Candle } from '../../src/contract/candle.ts';
import type { FeedEvent } from '../../src/contract/feed.ts';
import {
  backoffDelay,
  connectionMachine,
  type ConnectionEmitted,
  type ConnectionEvent,
  type ConnectionInput,
  type SessionCommand,
  type SessionInput,
} from '../../machines/connection.machine.ts';

const TIMEOUTS = { connectMs: 5_000, subscribeMs: 4_000, staleMs: 3_000, deadMs: 2_000 };
const INPUT: ConnectionInput = {
  endpoint: 'public',
  subscriptions: [{ channel: 'ohlc', pairs: ['BTC/USD'], timeframe: '1m' }],
  maxAttempts: 3,
  backoff: { baseMs: 1_000, maxMs: 4_000 },
  seed: 42,
  timeouts: TIMEOUTS,
};

/** Starts the machine with fake actors: records session inputs and commands, plays the socket by hand. */
function fixture(input: ConnectionInput = INPUT) {
  const clock = new SimulatedClock();
  const sessions: SessionInput[] = [];
  const commands: SessionCommand[] = [];
  let live = 0;
  const machine = connectionMachine.provide({
    actors: {
      runSession: fromCallback<SessionCommand, SessionInput>(({ input: i, receive }) => {
        sessions.push(i);
        receive((c) => commands.push(c));
      }),
      whileLive: fromCallback<EventObject, { endpoint: 'public' | 'private' }>(() => {
        live += 1;
        return () => (live -= 1);
      }),
    },
  });
  const actor = createActor(machine, { input, clock });
  const emitted: ConnectionEmitted[] = [];
  actor.on('*', (e) => emitted.push(e as ConnectionEmitted));
  actor.start();
  actors.push(actor);
  const send = (e: ConnectionEvent) => actor.send(e);
  const state = () => actor.getSnapshot().value;
  const goLive = () => {
    send({ type: 'connection.start' });
    send({ type: 'ws.opened' });
    send({ type: 'ws.subscribed' });
  };
  return { actor, clock, sessions, commands, emitted, send, state, goLive, liveDuties: () => live };
}

const actors: Actor<typeof connectionMachine>[] = [];
afterEach(() => {
  actors.splice(0).forEach((a) => a.stop());
});

const candle = (minute: number): Candle => ({ time: minute * 60_000, open: 1, high: 1, low: 1, close: 1, volume: 1 });
const candleFeed = (minute: number): ConnectionEvent => ({
  type: 'ws.feed',
  event: { type: 'market.candle', pair: 'BTC/USD', timeframe: '1m', candle: candle(minute), closed: false },
});
const types = (emitted: ConnectionEmitted[]) => emitted.map((e) => e.type);

describe('connection machine: the happy path', () => {
  it('waits in disconnected until connection.start, then opens a session with the subscriptions', () => {
    const f = fixture();
    expect(f.state()).toBe('disconnected');
    f.send({ type: 'connection.start' });
    expect(f.state()).toEqual({ session: 'connecting' });
    expect(f.sessions).toEqual([{ endpoint: 'public', subscriptions: INPUT.subscriptions }]);
  });

  it('asks the session to subscribe once the socket opens', () => {
    const f = fixture();
    f.send({ type: 'connection.start' });
    f.send({ type: 'ws.opened' });
    expect(f.state()).toEqual({ session: 'subscribing' });
    expect(f.commands).toEqual([{ type: 'session.subscribe' }]);
  });

  it('goes live when every subscription is acknowledged, emits connection.up and starts live duties', () => {
    const f = fixture();
    f.goLive();
    expect(f.state()).toEqual({ session: { online: 'live' } });
    expect(types(f.emitted)).toEqual(['connection.up']);
    expect(f.liveDuties()).toBe(1);
  });

  it('forwards feed events to the supervisor unchanged', () => {
    const f = fixture();
    f.goLive();
    const ticker: FeedEvent = { type: 'market.ticker', pair: 'BTC/USD', ticker: { bid: 1, ask: 2, last: 1.5, time: 5 } };
    f.send({ type: 'ws.feed', event: ticker });
    expect(f.emitted.at(-1)).toEqual(ticker);
  });

  it('forwards a snapshot that arrives between the last ack and ws.subscribed', () => {
    const f = fixture();
    f.send({ type: 'connection.start' });
    f.send({ type: 'ws.opened' });
    f.send(candleFeed(3));
    expect(f.emitted.at(-1)).toMatchObject({ type: 'market.candle', candle: { time: 3 * 60_000 } });
    expect(f.state()).toEqual({ session: 'subscribing' });
  });

  it('reports venue status pushes as venue.status', () => {
    const f = fixture();
    f.goLive();
    f.send({ type: 'ws.status', system: 'cancel_only' });
    expect(f.emitted.at(-1)).toEqual({ type: 'venue.status', system: 'cancel_only' });
  });
});

describe('connection machine: liveness', () => {
  it('turns stale after staleAfter of silence and pings the venue', () => {
    const f = fixture();
    f.goLive();
    f.clock.increment(TIMEOUTS.staleMs - 1);
    expect(f.state()).toEqual({ session: { online: 'live' } });
    f.clock.increment(1);
    expect(f.state()).toEqual({ session: { online: 'stale' } });
    expect(f.commands.at(-1)).toEqual({ type: 'session.ping' });
  });

  it('stays live while heartbeats keep arriving', () => {
    const f = fixture();
    f.goLive();
    for (let i = 0; i < 5; i++) {
      f.clock.increment(TIMEOUTS.staleMs - 1);
      f.send({ type: 'ws.alive' });
    }
    expect(f.state()).toEqual({ session: { online: 'live' } });
  });

  it('revives from stale on any frame, data included', () => {
    const f = fixture();
    f.goLive();
    f.clock.increment(TIMEOUTS.staleMs);
    f.send({ type: 'ws.alive' });
    expect(f.state()).toEqual({ session: { online: 'live' } });
    f.clock.increment(TIMEOUTS.staleMs);
    f.send(candleFeed(1));
    expect(f.state()).toEqual({ session: { online: 'live' } });
  });

  it('drops a line that stays silent through deadAfter, emits connection.down and backs off', () => {
    const f = fixture();
    f.goLive();
    f.clock.increment(TIMEOUTS.staleMs);
    f.clock.increment(TIMEOUTS.deadMs);
    expect(f.state()).toBe('backoff');
    expect(types(f.emitted)).toEqual(['connection.up', 'connection.down']);
    expect(f.liveDuties()).toBe(0);
  });
});

describe('connection machine: failures and backoff', () => {
  it.each([
    ['connecting', [] as ConnectionEvent[], TIMEOUTS.connectMs],
    ['subscribing', [{ type: 'ws.opened' }] as ConnectionEvent[], TIMEOUTS.subscribeMs],
  ])('backs off when %s takes too long', (_name, events, ms) => {
    const f = fixture();
    f.send({ type: 'connection.start' });
    events.forEach(f.send);
    f.clock.increment(ms);
    expect(f.state()).toBe('backoff');
    expect(f.actor.getSnapshot().context.lastError).toEqual({ code: 'kraken.ws_timeout', message: 'timed out', retryable: true });
  });

  it.each([
    [
      'a socket close',
      { type: 'ws.closed', code: 1006, reason: 'reset' } as ConnectionEvent,
      { code: 'kraken.ws_closed', message: 'socket closed (1006: reset)', retryable: true },
    ],
    [
      'a subscribe failure',
      { type: 'ws.failed', error: { code: 'kraken.auth', message: 'ESession:Invalid session', retryable: false } } as ConnectionEvent,
      { code: 'kraken.auth', message: 'ESession:Invalid session', retryable: false },
    ],
  ])('backs off on %s from any session state and records why', (_name, event, why) => {
    for (const prefix of [[], [{ type: 'ws.opened' }], [{ type: 'ws.opened' }, { type: 'ws.subscribed' }]] as ConnectionEvent[][]) {
      const f = fixture();
      f.send({ type: 'connection.start' });
      prefix.forEach(f.send);
      f.send(event);
      expect(f.state()).toBe('backoff');
      expect(f.actor.getSnapshot().context.lastError).toEqual(why);
    }
  });

  it('emits connection.down only when a live line drops, not for failed attempts', () => {
    const f = fixture();
    f.send({ type: 'connection.start' });
    f.send({ type: 'ws.closed', code: 1006, reason: '' });
    expect(types(f.emitted)).toEqual([]);
  });

  it('retries after a capped exponential delay with jitter, opening a fresh session each time', () => {
    const f = fixture();
    f.send({ type: 'connection.start' });
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      f.send({ type: 'ws.closed', code: 1006, reason: '' });
      const ctx = f.actor.getSnapshot().context;
      expect(ctx.attempt).toBe(attempt);
      delays.push(ctx.backoffMs);
      f.clock.increment(ctx.backoffMs - 1);
      expect(f.state()).toBe('backoff');
      f.clock.increment(1);
      expect(f.state()).toEqual({ session: 'connecting' });
    }
    const caps = [1_000, 2_000, 4_000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(caps[i]! / 2);
      expect(d).toBeLessThanOrEqual(caps[i]!);
    });
    expect(f.sessions).toHaveLength(4);
  });

  it('caps the delay at maxMs however many attempts were made', () => {
    for (const r of [0, 0.5, 0.999]) expect(backoffDelay(30, 1_000, 4_000, r)).toBeLessThanOrEqual(4_000);
    expect(backoffDelay(1, 1_000, 4_000, 0)).toBe(500);
    expect(backoffDelay(3, 1_000, 60_000, 1)).toBe(4_000);
  });

  it('draws the same jitter for the same seed and different jitter for another seed', () => {
    const run = (seed: number) => {
      const f = fixture({ ...INPUT, seed });
      f.send({ type: 'connection.start' });
      f.send({ type: 'ws.closed', code: 1006, reason: '' });
      return f.actor.getSnapshot().context.backoffMs;
    };
    expect(run(7)).toBe(run(7));
    expect(run(7)).not.toBe(run(8));
  });

  it('fails after maxAttempts consecutive failures and tells the supervisor why', () => {
    const f = fixture();
    f.send({ type: 'connection.start' });
    for (let i = 0; i < 3; i++) {
      f.send({ type: 'ws.closed', code: 1006, reason: 'refused' });
      f.clock.increment(f.actor.getSnapshot().context.backoffMs);
    }
    f.send({ type: 'ws.closed', code: 1006, reason: 'refused' });
    expect(f.state()).toBe('failed');
    expect(f.emitted.at(-1)).toEqual({
      type: 'connection.failed',
      endpoint: 'public',
      attempts: 3,
      error: { code: 'kraken.ws_closed', message: 'socket closed (1006: refused)', retryable: true },
    });
  });

  it('restarts from failed on connection.start with a fresh attempt count', () => {
    const f = fixture({ ...INPUT, maxAttempts: 0 });
    f.send({ type: 'connection.start' });
    f.send({ type: 'ws.closed', code: 1006, reason: '' });
    expect(f.state()).toBe('failed');
    f.send({ type: 'connection.start' });
    expect(f.state()).toEqual({ session: 'connecting' });
    expect(f.actor.getSnapshot().context.attempt).toBe(0);
  });

  it('resets the attempt count once a reconnect reaches live', () => {
    const f = fixture();
    f.send({ type: 'connection.start' });
    f.send({ type: 'ws.closed', code: 1006, reason: '' });
    f.clock.increment(f.actor.getSnapshot().context.backoffMs);
    f.send({ type: 'ws.opened' });
    f.send({ type: 'ws.subscribed' });
    expect(f.actor.getSnapshot().context.attempt).toBe(0);
  });

  it.each([['disconnected'], ['connecting'], ['live'], ['stale'], ['backoff'], ['failed']])(
    'connection.stop from %s goes to disconnected and stops every child',
    (where) => {
      const f = fixture({ ...INPUT, maxAttempts: where === 'failed' ? 0 : 3 });
      if (where !== 'disconnected') f.send({ type: 'connection.start' });
      if (where === 'live' || where === 'stale') f.goLive();
      if (where === 'stale') f.clock.increment(TIMEOUTS.staleMs);
      if (where === 'backoff' || where === 'failed') f.send({ type: 'ws.closed', code: 1006, reason: '' });
      f.send({ type: 'connection.stop' });
      expect(f.state()).toBe('disconnected');
      expect(Object.keys(f.actor.getSnapshot().children)).toEqual([]);
    },
  );
});

describe('connection machine: resubscribe and candle gaps', () => {
  it('resubscribes everything on reconnect', () => {
    const f = fixture();
    f.goLive();
    f.send({ type: 'ws.closed', code: 1006, reason: '' });
    f.clock.increment(f.actor.getSnapshot().context.backoffMs);
    f.send({ type: 'ws.opened' });
    expect(f.commands.filter((c) => c.type === 'session.subscribe')).toHaveLength(2);
    expect(f.sessions[1]).toEqual(f.sessions[0]);
  });

  it('reports the candles missed across a drop: last seen before versus first after', () => {
    const f = fixture();
    f.goLive();
    f.send(candleFeed(10));
    f.send(candleFeed(11));
    f.send({ type: 'ws.closed', code: 1006, reason: '' });
    f.clock.increment(f.actor.getSnapshot().context.backoffMs);
    f.send({ type: 'ws.opened' });
    f.send({ type: 'ws.subscribed' });
    f.send(candleFeed(15));
    f.send(candleFeed(16));
    const gaps = f.emitted.filter((e) => e.type === 'market.candles.gap');
    expect(gaps).toEqual([{ type: 'market.candles.gap', pair: 'BTC/USD', timeframe: '1m', from: 11 * 60_000, to: 15 * 60_000 }]);
  });

  it('reports no gap when the resubscribe snapshot reaches back over the drop', () => {
    const f = fixture();
    f.goLive();
    f.send(candleFeed(10));
    f.send({ type: 'ws.closed', code: 1006, reason: '' });
    f.clock.increment(f.actor.getSnapshot().context.backoffMs);
    f.send({ type: 'ws.opened' });
    f.send({ type: 'ws.subscribed' });
    f.send(candleFeed(9));
    f.send(candleFeed(12));
    expect(types(f.emitted)).not.toContain('market.candles.gap');
  });

  it('asks the session to resubscribe a book whose checksum failed and tells the supervisor', () => {
    const f = fixture();
    f.goLive();
    f.send({ type: 'ws.bookMismatch', pair: 'ETH/USD' });
    expect(f.commands.at(-1)).toEqual({ type: 'session.resubscribeBook', pair: 'ETH/USD' });
    expect(f.emitted.at(-1)).toEqual({ type: 'market.book.resync', pair: 'ETH/USD' });
    expect(f.state()).toEqual({ session: { online: 'live' } });
  });
});

describe('connection machine: path coverage (xstate/graph)', () => {
  const machine = connectionMachine.provide({
    actors: {
      runSession: fromCallback<SessionCommand, SessionInput>(() => undefined),
      whileLive: fromCallback<EventObject, { endpoint: 'public' | 'private' }>(() => undefined),
    },
  });
  const events: ConnectionEvent[] = [
    { type: 'connection.start' },
    { type: 'connection.stop' },
    { type: 'ws.opened' },
    { type: 'ws.subscribed' },
    { type: 'ws.closed', code: 1006, reason: '' },
    { type: 'ws.alive' },
    // Delays are crossed by naming their events: xstate.after.<delay>.<state node id>.
    ...[
      'connectTimeout.connection.session.connecting',
      'subscribeTimeout.connection.session.subscribing',
      'staleAfter.connection.session.online.live',
      'deadAfter.connection.session.online.stale',
      'backoffDelay.connection.backoff',
    ].map((d) => ({ type: `xstate.after.${d}` }) as unknown as ConnectionEvent),
  ];
  const graphInput = { ...INPUT, maxAttempts: 1 };
  const json = (v: unknown) => JSON.stringify(v);
  // The jitter generator's state changes on every retry; the graph is about state and attempt count.
  const serializeState = (s: { value: unknown; context: { attempt: number } }) => `${json(s.value)}#${s.context.attempt}`;
  const traversal = { events, input: graphInput, serializeState, limit: 10_000 };

  it('reaches every state by a shortest path, crossing delays and guards', () => {
    const paths = getShortestPaths(machine, traversal);
    const reached = new Set(paths.map((p) => json(p.state.value)));
    const all = [
      '"disconnected"',
      '{"session":"connecting"}',
      '{"session":"subscribing"}',
      '{"session":{"online":"live"}}',
      '{"session":{"online":"stale"}}',
      '"backoff"',
      '"failed"',
    ];
    for (const v of all) {
      expect(reached).toContain(v);
    }
  });

  it('every simple path into online passes through subscribing first', () => {
    const paths = getSimplePaths(machine, traversal);
    const intoOnline = paths.filter((p) => json(p.state.value).includes('online'));
    expect(intoOnline.length).toBeGreaterThan(0);
    for (const p of intoOnline) {
      const firstOnline = p.steps.findIndex((s) => json(s.state.value).includes('online'));
      const before = p.steps.slice(0, firstOnline).map((s) => json(s.state.value));
      expect(before).toContain('{"session":"subscribing"}');
    }
  });
});
