/**
 * One WS v2 connection's life (reference/kraken-api.md §8–10): connect (private: with a fresh
 * GetWebSocketsToken per connection), subscribe everything on command, translate frames into feed
 * events, and resubscribe a book whose checksum failed. Decisions (when to subscribe, when the line
 * is dead, when to reconnect) belong to the connection machine; this reports through a listener.
 */
import type { Clock } from '../clock/clock.ts';
import type { FeedEvent, FeedSubscription } from '../contract/feed.ts';
import { TIMEFRAME_MINUTES, type Pair } from '../contract/pairs.ts';
import { FeedTranslator } from './feed.ts';
import type { PairTable } from './pairs.ts';
import { KrakenWs, type WsFrame } from './ws.ts';
import { toErrorInfo, type ErrorInfo } from '../contract/errors.ts';
import { transportError } from './errors.ts';

export interface FeedListener {
  opened(): void;
  subscribed(): void;
  /** The line failed; the error keeps its code (kraken.auth for a refused token, kraken.transient for a reset). */
  failed(error: ErrorInfo): void;
  closed(code: number, reason: string): void;
  /** Any inbound frame that is not feed data (heartbeat, pong, status, ack). */
  alive(): void;
  status(system: string): void;
  feed(event: FeedEvent): void;
  bookMismatch(pair: Pair): void;
}

export interface FeedSessionOptions {
  url: string;
  clock: Clock;
  table: PairTable;
  subscriptions: readonly FeedSubscription[];
  /** Private endpoint only: a fresh token per connection. */
  token?: () => Promise<string>;
  listener: FeedListener;
  pingIdleMs?: number;
  requestTimeoutMs?: number;
}

export class FeedSession {
  private ws: KrakenWs | undefined;
  private token: string | undefined;
  private stopped = false;
  private readonly translator: FeedTranslator;

  constructor(private readonly opts: FeedSessionOptions) {
    const depths = new Map<Pair, number>();
    for (const s of opts.subscriptions) if (s.channel === 'book') for (const p of s.pairs) depths.set(p, s.depth);
    this.translator = new FeedTranslator(
      opts.table,
      (p) => depths.get(p) ?? 10,
      () => opts.clock.now(),
    );
  }

  async start(): Promise<void> {
    const l = this.opts.listener;
    try {
      this.token = this.opts.token ? await this.opts.token() : undefined;
      const ws = await KrakenWs.connect(
        { url: this.opts.url, clock: this.opts.clock, ...pick(this.opts) },
        (f) => this.onFrame(f),
        (code, reason) => this.stopped || l.closed(code, reason),
      );
      if (this.stopped) return ws.close();
      this.ws = ws;
      l.opened();
    } catch (err) {
      // The connect (or the private token fetch) failed: its KrakenError travels whole, auth apart from a reset.
      if (!this.stopped) l.failed(toErrorInfo(err));
    }
  }

  async subscribeAll(): Promise<void> {
    try {
      await Promise.all(this.opts.subscriptions.map((s) => this.subscribe(s)));
      if (!this.stopped) this.opts.listener.subscribed();
    } catch (err) {
      if (!this.stopped) this.opts.listener.failed(toErrorInfo(err));
    }
  }

  /** Checksum mismatch: drop our copy, unsubscribe and subscribe again for a fresh snapshot. */
  async resubscribeBook(pair: Pair): Promise<void> {
    const sub = this.opts.subscriptions.find((s) => s.channel === 'book' && s.pairs.includes(pair));
    if (sub?.channel !== 'book' || !this.ws) return;
    this.translator.resetBook(pair);
    const params = { channel: 'book', symbol: [pair], depth: sub.depth };
    try {
      await this.ws.request('unsubscribe', params, 1);
      await this.ws.request('subscribe', params, 1);
    } catch (err) {
      if (!this.stopped) {
        const e = toErrorInfo(err);
        this.opts.listener.failed({ ...e, message: `book resubscribe for ${pair} failed: ${e.message}` });
      }
    }
  }

  /** An app-level ping now (the line looks stale); the pong counts as a sign of life. */
  ping(): void {
    this.ws?.request('ping', undefined).catch(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    this.ws?.close();
  }

  private subscribe(s: FeedSubscription): Promise<unknown[]> {
    const ws = this.ws;
    if (!ws)
      return Promise.reject(
        transportError('NOT_OPEN', `ws subscribe ${s.channel}`, 'before the socket is open; it is sent again once the session connects', { maybeSent: false }),
      );
    switch (s.channel) {
      case 'ticker':
        return ws.request('subscribe', { channel: 'ticker', symbol: s.pairs }, s.pairs.length);
      case 'ohlc':
        return ws.request('subscribe', { channel: 'ohlc', symbol: s.pairs, interval: TIMEFRAME_MINUTES[s.timeframe] }, s.pairs.length);
      case 'book':
        return ws.request('subscribe', { channel: 'book', symbol: s.pairs, depth: s.depth }, s.pairs.length);
      case 'executions':
        return ws.request('subscribe', { channel: 'executions', token: this.token, snap_orders: true, snap_trades: false }, 1);
      case 'balances':
        return ws.request('subscribe', { channel: 'balances', token: this.token, snapshot: true }, 1);
    }
  }

  private onFrame(frame: WsFrame): void {
    if (this.stopped) return;
    const l = this.opts.listener;
    const outputs = this.translator.translate(frame);
    if (outputs.length === 0) l.alive();
    for (const o of outputs) {
      if (o.kind === 'event') l.feed(o.event);
      else if (o.kind === 'bookMismatch') l.bookMismatch(o.pair);
      else if (o.kind === 'status') l.status(o.system);
      else l.alive();
    }
  }
}

function pick(o: FeedSessionOptions): { pingIdleMs?: number; requestTimeoutMs?: number } {
  return {
    ...(o.pingIdleMs === undefined ? {} : { pingIdleMs: o.pingIdleMs }),
    ...(o.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: o.requestTimeoutMs }),
  };
}
