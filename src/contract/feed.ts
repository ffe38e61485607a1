/**
 * The live feed as it crosses from the venue edge (src/kraken, the connection machine) to the
 * supervisor: what a connection subscribes to, and the dotted events it emits. Times are epoch ms.
 */
import type { Candle, Ticker } from './candle.ts';
import type { Pair, Timeframe } from './pairs.ts';
import type { ErrorInfo } from './errors.ts';
import type { Liquidity, OrderStatus, Side } from './trading.ts';

/**
 * Why a feed line is healthy or not, as the supervisor decides it from its connection's reports
 * (machines/supervisor-feed-line.ts) and announces it (`feed.line` for either line, `venue.healthChanged`
 * when the market line's health gates entries): a closed set of codes callers branch on and /readyz
 * reports, with the words for a person beside them (the connection's own failure code among them).
 */
export const FEED_HEALTH_CODES = ['feed.connected', 'feed.resubscribed', 'feed.not_connected', 'feed.disconnected', 'feed.stale', 'feed.gave_up'] as const;
export type FeedHealthCode = (typeof FEED_HEALTH_CODES)[number];
export interface FeedHealthReason {
  readonly code: FeedHealthCode;
  readonly message: string;
}

/** Why a feed line is down before it first reported: the supervisor's line state and /readyz start from it. */
export const FEED_NOT_CONNECTED: ErrorInfo & FeedHealthReason = { code: 'feed.not_connected', message: 'not connected yet', retryable: true };

export type BookDepth = 10 | 25 | 100 | 500 | 1000;

export type FeedSubscription =
  | { readonly channel: 'ticker'; readonly pairs: readonly Pair[] }
  | { readonly channel: 'ohlc'; readonly pairs: readonly Pair[]; readonly timeframe: Timeframe }
  | { readonly channel: 'book'; readonly pairs: readonly Pair[]; readonly depth: BookDepth }
  | { readonly channel: 'executions' }
  | { readonly channel: 'balances' };

/** One execution report from the private feed, sparse like Kraken's (merge by venueOrderId). */
export interface ExecutionReport {
  readonly venueOrderId: string;
  readonly clOrdId: string | null;
  readonly pair: Pair | null;
  readonly side: Side | null;
  /** Kraken exec_type: pending_new, new, trade, filled, canceled, expired, amended, restated, status. */
  readonly execType: string;
  readonly status: OrderStatus | null;
  /** The order's executed quantity so far (cum_qty), when the report carries it. */
  readonly cumQty: number | null;
  readonly time: number;
  readonly fill: {
    /** Kraken's trade_id: the trade's number in its PAIR's sequence (src/trading/fill-id.ts); null when the report carries none. */
    readonly tradeId: string | null;
    readonly price: number;
    readonly quantity: number;
    readonly fee: number;
    readonly liquidity: Liquidity;
  } | null;
  readonly reason: string | null;
}

export type FeedEvent =
  | { readonly type: 'market.ticker'; readonly pair: Pair; readonly ticker: Ticker }
  /** `closed` is false while the candle is still forming. */
  | { readonly type: 'market.candle'; readonly pair: Pair; readonly timeframe: Timeframe; readonly candle: Candle; readonly closed: boolean }
  | { readonly type: 'market.book'; readonly pair: Pair; readonly bestBid: number; readonly bestAsk: number; readonly time: number }
  | { readonly type: 'account.execution'; readonly report: ExecutionReport }
  | { readonly type: 'account.balance'; readonly asset: string; readonly balance: number; readonly time: number };
