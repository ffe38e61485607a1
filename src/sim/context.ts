/** What the REST and WS servers share: the replayed markets, the engine, auth, faults and the clock. */
import type { Logger } from 'pino';
import type { NonceAuthenticator } from './auth.ts';
import { bookAt, type BookShape, type BookSide } from './book.ts';
import type { MatchingEngine } from './engine.ts';
import type { FaultInjector } from './faults.ts';
import type { PairMarket } from './market.ts';
import type { RateLimits } from './ratelimit.ts';
import type { SimClock } from './sim-clock.ts';
import type { TokenStore } from './tokens.ts';

export interface SimContext {
  readonly clock: SimClock;
  readonly seed: number;
  /** Replayed markets by REST pair key. */
  readonly markets: ReadonlyMap<string, PairMarket>;
  readonly shapes: ReadonlyMap<string, BookShape>;
  readonly engine: MatchingEngine;
  readonly faults: FaultInjector;
  readonly auth: NonceAuthenticator;
  readonly limits: RateLimits;
  readonly tokens: TokenStore;
  readonly log: Logger;
  /** Closed candles an ohlc subscription's snapshot carries before the forming one. */
  readonly ohlcSnapshotCandles: number;
}

export function bookOf(ctx: Pick<SimContext, 'markets' | 'shapes' | 'seed'>, pairKey: string, depth: number): BookSide | undefined {
  const market = ctx.markets.get(pairKey);
  const shape = ctx.shapes.get(pairKey);
  return market && shape ? bookAt(market, shape, ctx.seed, depth) : undefined;
}
