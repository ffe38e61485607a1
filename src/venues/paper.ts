/**
 * The paper venue: simulated market orders on live prices through the backtester's own fill model
 * (src/trading/fill.ts — DESIGN inv. 1: only the reference price differs), idempotent by clOrdId
 * (inv. 4: a second submit returns the first order, never a second fill).
 *
 * Fill timing: a market order fills at the FIRST price update that arrives after it was accepted,
 * never at a price already seen. The backtester fills a decision taken at a candle's close at the
 * next candle's open, i.e. the first trade after the decision; this is the same rule on a live
 * stream. The two differ only by the move between the candle boundary and the first update after
 * the order (scan delay + decision time + feed latency: seconds), plus the gap between the venue's
 * first trade of the candle and the update the caller pushes. A pair with no update keeps the order
 * open, as a pair with no candle keeps the backtester's order queued.
 */
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { FeedEvent } from '../contract/feed.ts';
import type { FeeRates, Fill, Order, OrderStatus, Pair, PairRules } from '../contract/index.ts';
import { fillMarketOrder, minimumViolation } from '../trading/index.ts';
import type { OrderAck, OrderRequest, Venue, VenueOrder } from '../trading/venue.ts';
import type { FillListener, PaperBalances } from './types.ts';

export interface PaperVenueOptions {
  clock: Clock;
  rules: (pair: Pair) => PairRules;
  /** Per-pair rates, e.g. `feeRatesFor(repos.fees, config.trading.fallbackFees)`. */
  fees: (pair: Pair) => FeeRates;
  /** config `trading.slippageFraction`, the backtester's value. */
  slippage: number;
  /** config `paper.startingBalanceUsd`. */
  startingCash: number;
  logger?: Logger;
}

interface PaperOrder {
  readonly req: OrderRequest;
  readonly venueOrderId: string;
  status: OrderStatus;
  reason: string | null;
  readonly fills: Fill[];
}

// Below this a holding is float residue of a full sell, not a position.
const DUST = 1e-12;

export class PaperVenue implements Venue {
  private readonly orders = new Map<string, PaperOrder>();
  /** Accepted orders waiting for their pair's next price, in arrival order. */
  private readonly waiting = new Map<Pair, PaperOrder[]>();
  private readonly lastPrice = new Map<Pair, number>();
  private readonly listeners = new Set<FillListener>();
  private cash: number;
  private readonly holdings = new Map<Pair, number>();

  constructor(private readonly opts: PaperVenueOptions) {
    this.cash = opts.startingCash;
  }

  async submitOrder(req: OrderRequest): Promise<OrderAck> {
    const known = this.orders.get(req.clOrdId);
    if (known) return ackOf(known);
    const reason = this.refusal(req);
    const order: PaperOrder = { req, venueOrderId: paperOrderId(req.clOrdId), status: reason ? 'rejected' : 'open', reason, fills: [] };
    this.orders.set(req.clOrdId, order);
    if (!reason) this.queue(order);
    this.opts.logger?.debug({ clOrdId: req.clOrdId, pair: req.pair, side: req.side, status: order.status, reason }, 'paper order');
    return ackOf(order);
  }

  async queryOrder(clOrdId: string): Promise<VenueOrder | null> {
    const order = this.orders.get(clOrdId);
    return order ? viewOf(order) : null;
  }

  async cancelOrder(clOrdId: string): Promise<VenueOrder | null> {
    const order = this.orders.get(clOrdId);
    if (!order) return null;
    if (order.status === 'open') {
      order.status = 'canceled';
      order.reason = 'User requested';
      this.unqueue(order);
    }
    return viewOf(order);
  }

  /** A live price (last trade or ticker `last`) for `pair`: fills every order waiting on it. */
  onPrice(pair: Pair, price: number): void {
    if (!(price > 0)) return;
    this.lastPrice.set(pair, price);
    const due = this.waiting.get(pair);
    if (!due || due.length === 0) return;
    this.waiting.set(pair, []);
    for (const order of due) this.execute(order, price);
  }

  /** The live feed as the connection machine emits it: each ticker's last trade price is a price update. */
  onFeed(event: FeedEvent): void {
    if (event.type === 'market.ticker') this.onPrice(event.pair, event.ticker.last);
  }

  /** Called on every fill, after balances changed; returns an unsubscribe. */
  onFill(listener: FillListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The cl_ord_ids of the orders still waiting for a price (the self-audit matches them with intent rows). */
  openOrders(): string[] {
    return [...this.orders.values()].filter((o) => o.status === 'open').map((o) => o.req.clOrdId);
  }

  balances(): PaperBalances {
    return { cash: this.cash, holdings: Object.fromEntries(this.holdings) as Partial<Record<Pair, number>> };
  }

  /**
   * Rebuilds the venue after a restart from the shell's own records (orders and fills tables): fills
   * replay into the balances; an order the venue had acknowledged (venueOrderId set) and that is
   * still open waits for the next price again. An order never acknowledged stays unknown, so the
   * caller's reconciliation sees null and may send it — no paper fill of it was ever recorded.
   */
  restore(orders: readonly Order[], fills: readonly Fill[]): void {
    const byOrder = new Map<string, Fill[]>();
    for (const f of fills) byOrder.set(f.clOrdId, [...(byOrder.get(f.clOrdId) ?? []), f]);
    for (const o of orders) {
      const own = byOrder.get(o.clOrdId) ?? [];
      if (o.venueOrderId === null && own.length === 0) continue;
      const req: OrderRequest = { clOrdId: o.clOrdId, pair: o.pair, side: o.side, type: o.type, quantity: o.quantity, limitPrice: o.limitPrice };
      const order: PaperOrder = { req, venueOrderId: paperOrderId(o.clOrdId), status: restoredStatus(o, own), reason: null, fills: [] };
      this.orders.set(o.clOrdId, order);
      for (const f of own) this.apply(order, f);
      if (order.status === 'open') this.queue(order);
    }
  }

  private refusal(req: OrderRequest): string | null {
    if (req.type !== 'market') return `unsupported_order_type: the paper venue fills market orders only, got ${req.type}`;
    const rules = this.opts.rules(req.pair);
    const price = this.lastPrice.get(req.pair);
    const violation = minimumViolation(req.quantity, price ?? Number.POSITIVE_INFINITY, rules);
    if (violation) return violation;
    if (req.side === 'sell' && req.quantity > (this.holdings.get(req.pair) ?? 0) + DUST) return 'insufficient_funds';
    if (req.side === 'buy' && !(this.cash > 0)) return 'insufficient_funds';
    return null;
  }

  private execute(order: PaperOrder, refPrice: number): void {
    const { req } = order;
    if (req.side === 'sell' && req.quantity > (this.holdings.get(req.pair) ?? 0) + DUST) return this.reject(order, 'insufficient_funds');
    const r = fillMarketOrder(
      { clOrdId: req.clOrdId, venueTradeId: `${order.venueOrderId}-1`, pair: req.pair, side: req.side, quantity: req.quantity, time: this.opts.clock.now() },
      {
        refPrice,
        rules: this.opts.rules(req.pair),
        fees: this.opts.fees(req.pair),
        slippage: this.opts.slippage,
        ...(req.side === 'buy' ? { cash: this.cash } : {}),
      },
    );
    if (!r.ok) return this.reject(order, r.reason);
    this.apply(order, r.fill);
    order.status = 'filled';
    const view = viewOf(order);
    for (const listener of this.listeners) {
      try {
        listener(r.fill, view);
      } catch (err) {
        // The fill has happened; a failing listener must not leave the other waiting orders unfilled.
        this.opts.logger?.error({ err, clOrdId: req.clOrdId }, 'paper fill listener threw');
      }
    }
  }

  private apply(order: PaperOrder, fill: Fill): void {
    order.fills.push(fill);
    const notional = fill.price * fill.quantity;
    const held = this.holdings.get(fill.pair) ?? 0;
    if (fill.side === 'buy') {
      this.cash -= notional + fill.fee;
      this.holdings.set(fill.pair, held + fill.quantity);
    } else {
      this.cash += notional - fill.fee;
      const left = held - fill.quantity;
      if (left > DUST) this.holdings.set(fill.pair, left);
      else this.holdings.delete(fill.pair);
    }
  }

  private reject(order: PaperOrder, reason: string): void {
    order.status = 'rejected';
    order.reason = reason;
    this.opts.logger?.info({ clOrdId: order.req.clOrdId, reason }, 'paper order refused at fill time');
  }

  private queue(order: PaperOrder): void {
    const list = this.waiting.get(order.req.pair) ?? [];
    list.push(order);
    this.waiting.set(order.req.pair, list);
  }

  private unqueue(order: PaperOrder): void {
    const list = this.waiting.get(order.req.pair);
    if (list)
      this.waiting.set(
        order.req.pair,
        list.filter((o) => o !== order),
      );
  }
}

function paperOrderId(clOrdId: string): string {
  return `PAPER-${clOrdId}`;
}

function restoredStatus(o: Order, fills: readonly Fill[]): OrderStatus {
  if (fills.length > 0) return 'filled';
  return o.status === 'canceled' || o.status === 'rejected' || o.status === 'expired' ? o.status : 'open';
}

function ackOf(o: PaperOrder): OrderAck {
  return { ...viewOf(o), reason: o.reason };
}

function viewOf(o: PaperOrder): VenueOrder {
  const filledQuantity = o.fills.reduce((s, f) => s + f.quantity, 0);
  return { clOrdId: o.req.clOrdId, venueOrderId: o.venueOrderId, status: o.status, filledQuantity, fills: [...o.fills] };
}
