/**
 * One Kraken WS v2 endpoint (public or private): connect → subscribe → live ⇄ stale, reconnecting with
 * capped exponential backoff and seeded jitter, failing after `maxAttempts` (its supervisor restarts it).
 * Reports connection.* (inv. 5: no entries while the venue is unhealthy), forwards feed events, and
 * reports candle gaps across a drop so the supervisor back-fills them by REST. Every report is emitted
 * and, when the machine runs as a child, sent to its parent (`ConnectionReport`). Its delays run on the
 * clock of the tree it is in. Pure: I/O is the `runSession` actor.
 */
import { assign, enqueueActions, fromCallback, sendTo, setup, type EventObject } from 'xstate';
import type { FeedEvent, FeedSubscription } from '../src/contract/feed.ts';
import type { Pair, Timeframe } from '../src/contract/pairs.ts';
import type { ErrorInfo } from '../src/contract/errors.ts';
import { notProvided } from './shared.ts';

export type Endpoint = 'public' | 'private';

export interface ConnectionTimeouts {
  connectMs: number;
  subscribeMs: number;
  /** No inbound frame for this long: stale (send a ping). Kraken heartbeats ≈ 1/s. */
  staleMs: number;
  /** Further silence while stale: drop the line and reconnect. */
  deadMs: number;
}

export interface ConnectionInput {
  endpoint: Endpoint;
  subscriptions: readonly FeedSubscription[];
  maxAttempts?: number;
  backoff?: { baseMs: number; maxMs: number };
  /** Seed of the jitter generator (tests pin it; production passes a random seed). */
  seed?: number;
  timeouts?: Partial<ConnectionTimeouts>;
}

interface CandleMark {
  /** Open time of the newest candle seen. */
  last: number;
  /** Set on a drop: the first candle after reconnect is compared with `last`. */
  checkGap: boolean;
}

export interface ConnectionContext {
  endpoint: Endpoint;
  subscriptions: readonly FeedSubscription[];
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  rngState: number;
  /** Consecutive failed attempts since the line was last live. */
  attempt: number;
  backoffMs: number;
  timeouts: ConnectionTimeouts;
  candles: Record<string, CandleMark>;
  lastError: ErrorInfo | null;
}

export type ConnectionEvent =
  | { type: 'connection.start' }
  | { type: 'connection.stop' }
  | { type: 'ws.opened' }
  | { type: 'ws.subscribed' }
  | { type: 'ws.failed'; error: ErrorInfo }
  | { type: 'ws.closed'; code: number; reason: string }
  | { type: 'ws.alive' }
  | { type: 'ws.status'; system: string }
  | { type: 'ws.feed'; event: FeedEvent }
  | { type: 'ws.bookMismatch'; pair: Pair };

/** Commands the machine sends to the running session. */
export type SessionCommand = { type: 'session.subscribe' } | { type: 'session.ping' } | { type: 'session.resubscribeBook'; pair: Pair };

export interface SessionInput {
  endpoint: Endpoint;
  subscriptions: readonly FeedSubscription[];
}

export type ConnectionEmitted =
  | FeedEvent
  | { type: 'connection.up'; endpoint: Endpoint }
  | { type: 'connection.down'; endpoint: Endpoint; error: ErrorInfo }
  | { type: 'connection.failed'; endpoint: Endpoint; attempts: number; error: ErrorInfo }
  | { type: 'market.candles.gap'; pair: Pair; timeframe: Timeframe; from: number; to: number }
  | { type: 'market.book.resync'; pair: Pair }
  | { type: 'venue.status'; system: string };

/** A candle as the line heard it (forming or closed), named apart from the supervisor's own `market.candle` (a closed candle accepted in order). */
export type FeedCandleReport = Omit<Extract<FeedEvent, { type: 'market.candle' }>, 'type'> & { readonly type: 'feed.candle' };

/** What the connection tells its parent: its reports, with feed candles as `feed.candle`. */
export type ConnectionReport = Exclude<ConnectionEmitted, { type: 'market.candle' }> | FeedCandleReport;

export function reportOf(e: ConnectionEmitted): ConnectionReport {
  return e.type === 'market.candle' ? { ...e, type: 'feed.candle' } : e;
}

export const CONNECTION_MACHINE_VERSION = 1;

const DEFAULT_TIMEOUTS: ConnectionTimeouts = { connectMs: 10_000, subscribeMs: 10_000, staleMs: 10_000, deadMs: 10_000 };

/** mulberry32 step: the next generator state and a uniform number in [0, 1). */
export function nextRandom(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return [s, ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296];
}

/** Equal jitter: half the capped exponential step fixed, half random, so retries never synchronise. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (cap / 2) * random);
}

/** Why the line went down, as an ErrorInfo: a closed socket and a silent line are worth another try. */
function describe(event: ConnectionEvent): ErrorInfo {
  if (event.type === 'ws.closed')
    return { code: 'kraken.ws_closed', message: `socket closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`, retryable: true };
  if (event.type === 'ws.failed') return event.error;
  if (event.type.startsWith('xstate.after')) return { code: 'kraken.ws_timeout', message: 'timed out', retryable: true };
  return { code: 'kraken.ws_down', message: event.type, retryable: true };
}

/** Emitted for listeners, and sent to the parent when there is one (a root connection has none). */
function tell(enqueue: { emit(e: ConnectionEmitted): void; sendParent(e: ConnectionReport): void }, self: { _parent?: unknown }, e: ConnectionEmitted): void {
  enqueue.emit(e);
  if (self._parent) enqueue.sendParent(reportOf(e));
}

const connectionSetup = setup({
  types: {
    context: {} as ConnectionContext,
    events: {} as ConnectionEvent,
    input: {} as ConnectionInput,
    emitted: {} as ConnectionEmitted,
  },
  actors: {
    runSession: fromCallback<SessionCommand, SessionInput>(notProvided('connection.runSession')),
    /** Duties while live (the private endpoint keeps the dead man's switch armed). */
    whileLive: fromCallback<EventObject, { endpoint: Endpoint }>(notProvided('connection.whileLive')),
  },
  delays: {
    connectTimeout: ({ context }) => context.timeouts.connectMs,
    subscribeTimeout: ({ context }) => context.timeouts.subscribeMs,
    staleAfter: ({ context }) => context.timeouts.staleMs,
    deadAfter: ({ context }) => context.timeouts.deadMs,
    backoffDelay: ({ context }) => context.backoffMs,
  },
  guards: {
    attemptsExhausted: ({ context }) => context.attempt > context.maxAttempts,
  },
  actions: {
    resetAttempts: assign({ attempt: 0, lastError: null }),
    recordError: assign({ lastError: ({ event }) => describe(event) }),
    scheduleRetry: assign(({ context }) => {
      const [rngState, random] = nextRandom(context.rngState);
      const attempt = context.attempt + 1;
      return { rngState, attempt, backoffMs: backoffDelay(attempt, context.baseMs, context.maxMs, random) };
    }),
    markCandleGaps: assign({
      candles: ({ context }) => Object.fromEntries(Object.entries(context.candles).map(([k, m]) => [k, { ...m, checkGap: true }])),
    }),
    emitUp: enqueueActions(({ context, enqueue, self }) => tell(enqueue, self, { type: 'connection.up', endpoint: context.endpoint })),
    emitDown: enqueueActions(({ context, event, enqueue, self }) =>
      tell(enqueue, self, { type: 'connection.down', endpoint: context.endpoint, error: describe(event) }),
    ),
    emitFailed: enqueueActions(({ context, enqueue, self }) =>
      tell(enqueue, self, {
        type: 'connection.failed',
        endpoint: context.endpoint,
        attempts: context.maxAttempts,
        error: context.lastError ?? { code: 'kraken.ws_down', message: 'unknown', retryable: true },
      }),
    ),
    emitStatus: enqueueActions(({ event, enqueue, self }) =>
      tell(enqueue, self, { type: 'venue.status', system: event.type === 'ws.status' ? event.system : 'unknown' }),
    ),
    subscribeAll: sendTo('session', { type: 'session.subscribe' }),
    ping: sendTo('session', { type: 'session.ping' }),
    resyncBook: enqueueActions(({ event, enqueue, self }) => {
      if (event.type !== 'ws.bookMismatch') return;
      enqueue.sendTo('session', { type: 'session.resubscribeBook', pair: event.pair });
      tell(enqueue, self, { type: 'market.book.resync', pair: event.pair });
    }),
    /** Forwards the feed event; on the first candle of a pair/timeframe after a drop, reports the gap. */
    forwardFeed: enqueueActions(({ context, event, enqueue, self }) => {
      if (event.type !== 'ws.feed') return;
      const feed = event.event;
      if (feed.type === 'market.candle') {
        const key = `${feed.pair}|${feed.timeframe}`;
        const mark = context.candles[key];
        if (mark?.checkGap && feed.candle.time > mark.last) {
          tell(enqueue, self, { type: 'market.candles.gap', pair: feed.pair, timeframe: feed.timeframe, from: mark.last, to: feed.candle.time });
        }
        const last = Math.max(mark?.last ?? feed.candle.time, feed.candle.time);
        enqueue.assign({ candles: { ...context.candles, [key]: { last, checkGap: false } } });
      }
      tell(enqueue, self, feed);
    }),
  },
});

const heard = ['forwardFeed'] as const;

export const connectionMachine = connectionSetup.createMachine({
  id: 'connection',
  initial: 'disconnected',
  context: ({ input }) => ({
    endpoint: input.endpoint,
    subscriptions: input.subscriptions,
    maxAttempts: input.maxAttempts ?? 10,
    baseMs: input.backoff?.baseMs ?? 1_000,
    maxMs: input.backoff?.maxMs ?? 60_000,
    rngState: input.seed ?? 1,
    attempt: 0,
    backoffMs: 0,
    timeouts: { ...DEFAULT_TIMEOUTS, ...input.timeouts },
    candles: {},
    lastError: null,
  }),
  on: {
    'connection.stop': { target: '.disconnected' },
  },
  states: {
    disconnected: {
      description: 'Not connected and not trying; waits for connection.start.',
      on: { 'connection.start': { target: 'session', actions: 'resetAttempts' } },
    },
    session: {
      description: 'A socket attempt is running; any close or failure goes to backoff.',
      initial: 'connecting',
      invoke: {
        id: 'session',
        src: 'runSession',
        input: ({ context }) => ({ endpoint: context.endpoint, subscriptions: context.subscriptions }),
      },
      on: {
        'ws.closed': { target: 'backoff', actions: 'recordError' },
        'ws.failed': { target: 'backoff', actions: 'recordError' },
        'ws.status': { actions: 'emitStatus' },
        // Snapshots can arrive between the last ack and ws.subscribed: forward them, never drop them.
        'ws.feed': { actions: heard },
        'ws.bookMismatch': { actions: 'resyncBook' },
      },
      states: {
        connecting: {
          description: 'Opening the socket (private: after fetching a fresh token).',
          on: { 'ws.opened': 'subscribing' },
          after: { connectTimeout: { target: '#connection.backoff', actions: 'recordError' } },
        },
        subscribing: {
          description: 'Subscribing every channel; live once every ack is in.',
          entry: 'subscribeAll',
          on: { 'ws.subscribed': 'online' },
          after: { subscribeTimeout: { target: '#connection.backoff', actions: 'recordError' } },
        },
        online: {
          description: 'Subscribed; forwards data. Leaving it means the feed is down and candle gaps must be checked.',
          initial: 'live',
          entry: ['resetAttempts', 'emitUp'],
          exit: ['emitDown', 'markCandleGaps'],
          invoke: { id: 'whileLive', src: 'whileLive', input: ({ context }) => ({ endpoint: context.endpoint }) },
          states: {
            live: {
              description: 'Frames are arriving; silence for staleAfter makes it stale.',
              on: {
                'ws.alive': { target: 'live', reenter: true },
                'ws.feed': { target: 'live', reenter: true, actions: heard },
              },
              after: { staleAfter: 'stale' },
            },
            stale: {
              description: 'Silent line: pinged; any frame revives it, further silence drops it.',
              entry: 'ping',
              on: {
                'ws.alive': 'live',
                'ws.feed': { target: 'live', actions: heard },
              },
              after: { deadAfter: { target: '#connection.backoff', actions: 'recordError' } },
            },
          },
        },
      },
    },
    backoff: {
      description: 'Waiting a capped, jittered exponential delay before the next attempt.',
      entry: 'scheduleRetry',
      always: { guard: 'attemptsExhausted', target: 'failed' },
      after: { backoffDelay: 'session' },
    },
    failed: {
      description: 'Gave up after maxAttempts; the supervisor decides (connection.start retries afresh).',
      entry: 'emitFailed',
      on: { 'connection.start': { target: 'session', actions: 'resetAttempts' } },
    },
  },
});
