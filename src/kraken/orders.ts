/**
 * Orders over REST (reference/kraken-api.md §6). DESIGN inv. 4: the caller supplies cl_ord_id; when
 * AddOrder fails after it may have reached the venue we never resubmit — we look the order up by
 * cl_ord_id and report what the venue says, waiting a grace period before declaring it absent.
 */
import type { Clock } from '../clock/clock.ts';
import type { Pair } from '../contract/pairs.ts';
import type { OrderStatus, Side } from '../contract/trading.ts';
import type { KrakenClient } from './client.ts';
import { KrakenError } from './errors.ts';
import { sleep } from './rate.ts';
import type { CallLane } from './lanes.ts';
import {
  AddOrderSchema,
  CancelAfterSchema,
  CancelSchema,
  ClosedOrdersSchema,
  OpenOrdersSchema,
  QueryTradesSchema,
  TradesHistorySchema,
  type OrderInfo,
  type TradeInfo,
} from './schemas.ts';

export interface PlaceOrderRequest {
  clOrdId: string;
  pair: Pair;
  side: Side;
  type: 'market' | 'limit';
  volume: number;
  limitPrice?: number;
  postOnly?: boolean;
  timeInForce?: 'GTC' | 'IOC';
}

/** An order as the venue reports it, in contract units (ms, numbers, v2 symbols). */
export interface VenueOrder {
  readonly venueOrderId: string;
  readonly clOrdId: string | null;
  readonly pair: Pair | null;
  /** Null when Kraken sent the order with an empty description. */
  readonly side: Side | null;
  readonly status: OrderStatus;
  readonly quantity: number;
  readonly filledQuantity: number;
  readonly avgPrice: number;
  readonly cost: number;
  readonly fee: number;
  readonly openedAt: number;
  readonly closedAt: number | null;
  /** Trade txids of its fills as the order lists them (may lag the executed quantity). */
  readonly tradeIds: readonly string[];
}

/** One of our fills as Kraken reports it, with its trade txid. */
export interface VenueTrade extends TradeInfo {
  readonly txid: string;
}

export type PlaceOrderResult =
  | { readonly outcome: 'placed'; readonly venueOrderId: string }
  /** The reply was lost; the venue has the order (inv. 4: found, not resent). */
  | { readonly outcome: 'found'; readonly order: VenueOrder }
  /** The reply was lost and the venue still has no such order after the grace period. */
  | { readonly outcome: 'notFound'; readonly cause: KrakenError };

/** A read about one order: `lane: 'order'` when an order waits on it (lanes.ts), else it is background work. */
export interface OrderCall {
  signal?: AbortSignal | undefined;
  lane?: CallLane;
}

export interface OrderApiOptions {
  /** How long an unheard AddOrder may take to show up in OpenOrders/ClosedOrders. */
  graceMs?: number;
  /** Lookups during the grace period. */
  lookups?: number;
  /** TradesHistory pages read when an order lists no trade ids (each costs 2 on the rate counter). */
  maxTradePages?: number;
}

/** QueryTrades takes at most 20 txids; TradesHistory pages 50 trades, newest first. */
const QUERY_TRADES_MAX = 20;
const HISTORY_PAGE = 50;
const QTY_EPSILON = 1e-9;

export class OrderApi {
  private readonly graceMs: number;
  private readonly lookups: number;
  private readonly maxTradePages: number;

  constructor(
    private readonly client: KrakenClient,
    private readonly clock: Clock,
    opts: OrderApiOptions = {},
  ) {
    this.graceMs = opts.graceMs ?? 5_000;
    this.lookups = opts.lookups ?? 3;
    this.maxTradePages = opts.maxTradePages ?? 10;
  }

  /**
   * `lookupFirst`: check the venue before sending (a restored in-flight actor re-runs this). The lookup,
   * AddOrder and the search after a lost reply all go in the order lane: the order is what waits on them.
   */
  async place(req: PlaceOrderRequest, opts: { lookupFirst?: boolean; signal?: AbortSignal } = {}): Promise<PlaceOrderResult> {
    const call: OrderCall = { signal: opts.signal, lane: 'order' };
    if (opts.lookupFirst) {
      const existing = await this.findByClOrdId(req.clOrdId, call);
      if (existing) return { outcome: 'found', order: existing };
    }
    try {
      const r = await this.client.rest.privateCall('AddOrder', this.addOrderParams(req), AddOrderSchema, {
        placesOrder: true,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      const txid = r.txid?.[0];
      if (!txid) throw new KrakenError(`Kraken AddOrder for ${req.clOrdId} returned no txid`, { kind: 'bug', venueCode: 'PARSE', endpoint: 'AddOrder' });
      return { outcome: 'placed', venueOrderId: txid };
    } catch (err) {
      if (!(err instanceof KrakenError) || err.kind !== 'orderMayExist') throw err;
      return this.reconcile(req.clOrdId, err, call);
    }
  }

  /** Looks for the order during the grace period; never sends it again. */
  async reconcile(clOrdId: string, cause: KrakenError, call: OrderCall = {}): Promise<PlaceOrderResult> {
    for (let i = 0; i < this.lookups; i++) {
      const order = await this.findByClOrdId(clOrdId, call);
      if (order) return { outcome: 'found', order };
      await sleep(this.clock, this.graceMs / this.lookups, call.signal);
    }
    const order = await this.findByClOrdId(clOrdId, call);
    return order ? { outcome: 'found', order } : { outcome: 'notFound', cause };
  }

  /** The order with its executed quantity (vol_exec), fee and trade ids, or null when Kraken has none by this cl_ord_id. */
  async findByClOrdId(clOrdId: string, call: OrderCall = {}): Promise<VenueOrder | null> {
    const open = await this.client.rest.privateCall('OpenOrders', { cl_ord_id: clOrdId, trades: true }, OpenOrdersSchema, call);
    const hit = pick(open.open, clOrdId);
    if (hit) return this.toVenueOrder(...hit);
    const closed = await this.client.rest.privateCall('ClosedOrders', { cl_ord_id: clOrdId, trades: true }, ClosedOrdersSchema, call);
    const done = pick(closed.closed, clOrdId);
    return done ? this.toVenueOrder(...done) : null;
  }

  /**
   * The order's fills, oldest first: QueryTrades by the trade ids the order lists, and TradesHistory
   * (from the order's open time, filtered by its txid) for whatever executed quantity they leave uncovered.
   * May return less than the executed quantity when Kraken has not listed every trade yet.
   */
  async tradesOf(order: VenueOrder, call: OrderCall = {}): Promise<VenueTrade[]> {
    const byId = new Map<string, VenueTrade>();
    for (let i = 0; i < order.tradeIds.length; i += QUERY_TRADES_MAX) {
      const txid = order.tradeIds.slice(i, i + QUERY_TRADES_MAX).join(',');
      const r = await this.client.rest.privateCall('QueryTrades', { txid }, QueryTradesSchema, call);
      for (const [id, t] of Object.entries(r)) if (t.ordertxid === order.venueOrderId) byId.set(id, { ...t, txid: id });
    }
    if (volumeOf(byId) < order.filledQuantity - QTY_EPSILON) for (const t of await this.historyOf(order, call)) byId.set(t.txid, t);
    return [...byId.values()].sort((a, b) => a.time - b.time || a.txid.localeCompare(b.txid));
  }

  private async historyOf(order: VenueOrder, call: OrderCall): Promise<VenueTrade[]> {
    const found: VenueTrade[] = [];
    let volume = 0;
    for (let page = 0; page < this.maxTradePages && volume < order.filledQuantity - QTY_EPSILON; page++) {
      const params = { ofs: page * HISTORY_PAGE, start: Math.floor(order.openedAt / 1000) - 1 };
      const r = await this.client.rest.privateCall('TradesHistory', params, TradesHistorySchema, call);
      for (const [txid, t] of Object.entries(r.trades)) {
        if (t.ordertxid !== order.venueOrderId) continue;
        found.push({ ...t, txid });
        volume += Number(t.vol);
      }
      // Without `count`, a short page is the last one.
      const lastPage = r.count === undefined ? Object.keys(r.trades).length < HISTORY_PAGE : (page + 1) * HISTORY_PAGE >= r.count;
      if (lastPage) break;
    }
    return found;
  }

  /** Cancelling an order the venue no longer knows is not an error: it reports 0. */
  async cancel(ref: { clOrdId: string } | { venueOrderId: string }, signal?: AbortSignal): Promise<number> {
    const params = 'clOrdId' in ref ? { cl_ord_id: ref.clOrdId } : { txid: ref.venueOrderId };
    try {
      return (await this.client.rest.privateCall('CancelOrder', params, CancelSchema, signal ? { signal } : {})).count;
    } catch (err) {
      if (err instanceof KrakenError && err.venueCode.includes('Unknown order')) return 0;
      throw err;
    }
  }

  async cancelAll(signal?: AbortSignal): Promise<number> {
    return (await this.client.rest.privateCall('CancelAll', {}, CancelSchema, signal ? { signal } : {})).count;
  }

  /** Dead man's switch: cancel everything after `timeoutSec` unless re-armed; 0 disarms. */
  async cancelAllAfter(timeoutSec: number, signal?: AbortSignal): Promise<{ triggerTime: string }> {
    return this.client.rest.privateCall('CancelAllOrdersAfter', { timeout: timeoutSec }, CancelAfterSchema, signal ? { signal } : {});
  }

  private addOrderParams(req: PlaceOrderRequest): Record<string, string | undefined> {
    const table = this.client.pairs;
    if (!isKrakenClOrdId(req.clOrdId)) {
      throw new KrakenError(`cl_ord_id "${req.clOrdId}" is not one Kraken accepts (a UUID, or at most 18 printable ASCII characters); nothing was sent`, {
        kind: 'bug',
        venueCode: 'INVALID_CL_ORD_ID',
        endpoint: 'AddOrder',
      });
    }
    if (req.type === 'limit' && req.limitPrice === undefined) {
      throw new KrakenError(`limit order ${req.clOrdId} has no limitPrice`, { kind: 'bug', venueCode: 'INVALID_ORDER', endpoint: 'AddOrder' });
    }
    const volume = table.formatVolume(req.pair, req.volume);
    // Checked here so the venue never sees (and never rate-counts) an order it must refuse.
    const problem = table.minimumProblem(req.pair, volume, req.limitPrice ?? 0);
    if (problem && (req.type === 'limit' || problem.includes('ordermin'))) {
      throw new KrakenError(`order ${req.clOrdId} refused before sending: ${problem}; size it up or skip it`, {
        kind: 'rejected',
        venueCode: 'MINIMUM',
        endpoint: 'AddOrder',
      });
    }
    return {
      pair: table.get(req.pair).altname,
      type: req.side,
      ordertype: req.type,
      volume,
      price: req.type === 'limit' ? table.formatPrice(req.pair, req.limitPrice!) : undefined,
      oflags: req.postOnly ? 'post' : undefined,
      timeinforce: req.timeInForce,
      cl_ord_id: req.clOrdId,
    };
  }

  private toVenueOrder(venueOrderId: string, o: OrderInfo): VenueOrder {
    const quantity = Number(o.vol);
    const filled = Number(o.vol_exec);
    return {
      venueOrderId,
      clOrdId: o.cl_ord_id ?? null,
      pair: this.client.pairs.find(o.descr.pair)?.symbol ?? null,
      side: o.descr.type,
      status: orderStatus(o.status, filled),
      quantity,
      filledQuantity: filled,
      avgPrice: Number(o.price),
      cost: Number(o.cost),
      fee: Number(o.fee),
      openedAt: Math.round(o.opentm * 1000),
      closedAt: o.closetm === undefined ? null : Math.round(o.closetm * 1000),
      tradeIds: o.trades ?? [],
    };
  }
}

/** Kraken's cl_ord_id rule (§6.1): a dashed or 32-hex UUID, or at most 18 printable ASCII characters. */
export function isKrakenClOrdId(id: string): boolean {
  return /^[\x21-\x7e]{1,18}$/.test(id) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id) || /^[0-9a-f]{32}$/i.test(id);
}

function volumeOf(trades: Map<string, VenueTrade>): number {
  let v = 0;
  for (const t of trades.values()) v += Number(t.vol);
  return v;
}

function pick(orders: Record<string, OrderInfo>, clOrdId: string): [string, OrderInfo] | undefined {
  return Object.entries(orders).find(([, o]) => o.cl_ord_id === clOrdId);
}

export function orderStatus(state: OrderInfo['status'], filled: number): OrderStatus {
  switch (state) {
    case 'pending':
      return 'sent';
    case 'open':
      return filled > 0 ? 'partial' : 'open';
    case 'closed':
      return 'filled';
    case 'canceled':
      return 'canceled';
    case 'expired':
      return 'expired';
  }
}
