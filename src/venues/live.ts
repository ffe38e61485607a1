/**
 * The live venue: Kraken spot orders through src/kraken, converted to the contract's Order/Fill view.
 * DESIGN inv. 4: the venue is asked for our cl_ord_id before anything is sent, and an AddOrder whose
 * reply was lost (timeout, 5xx, dropped socket) is looked up by cl_ord_id, never sent again; when the
 * venue still does not show it, the outcome is reported unknown for the caller to reconcile.
 * DESIGN inv. 8: market and limit orders only, no leverage or reduce-only flag; this class offers no
 * withdrawal, margin or short call.
 */
import type { Logger } from 'pino';
import type { Fill } from '../contract/index.ts';
import type { KrakenClient } from '../kraken/client.ts';
import { KrakenError } from '../kraken/errors.ts';
import type { OrderApi, OrderCall, VenueOrder as KrakenOrder, VenueTrade } from '../kraken/orders.ts';
import { fillId } from '../trading/fill-id.ts';
import { VenueError, type OrderAck, type OrderRequest, type Venue, type VenueOrder, type VenuePriority } from '../trading/venue.ts';

const QTY_EPSILON = 1e-9;

export interface LiveVenueOptions {
  client: KrakenClient;
  orders: OrderApi;
  logger?: Logger;
}

export class LiveVenue implements Venue {
  constructor(private readonly opts: LiveVenueOptions) {}

  async submitOrder(req: OrderRequest, signal?: AbortSignal): Promise<OrderAck> {
    if (req.type !== 'market' && req.type !== 'limit')
      return refused(req, `unsupported_order_type: the live venue sends market and limit orders only, got ${req.type}`);
    if (req.type === 'limit' && req.limitPrice === null) return refused(req, 'limit_price_missing: a limit order needs limitPrice');
    // The order waits on every call from here on: they go in the order lane, ahead of background work.
    const call = { signal, lane: 'order' as const };
    // Nothing has been sent yet, so a failure here is a plain "venue unavailable".
    const existing = await this.guard(() => this.opts.orders.findByClOrdId(req.clOrdId, call), 'look up');
    if (existing) {
      this.opts.logger?.warn(
        { clOrdId: req.clOrdId, status: existing.status, filled: existing.filledQuantity },
        'order already at the venue: not sending it again',
      );
      return this.recovered(existing, req.clOrdId, call);
    }
    try {
      const result = await this.opts.orders.place(
        {
          clOrdId: req.clOrdId,
          pair: req.pair,
          side: req.side,
          type: req.type,
          volume: req.quantity,
          ...(req.limitPrice === null ? {} : { limitPrice: req.limitPrice }),
        },
        signal ? { signal } : {},
      );
      if (result.outcome === 'placed')
        return { clOrdId: req.clOrdId, venueOrderId: result.venueOrderId, status: 'open', reason: null, filledQuantity: 0, fills: [] };
      if (result.outcome === 'found') return this.recovered(result.order, req.clOrdId, call);
      throw new VenueError(
        'unknown_outcome',
        `AddOrder ${req.clOrdId} lost its reply and the order is not at Kraken yet; reconcile by cl_ord_id later, do not resend`,
        false,
        { cause: result.cause },
      );
    } catch (err) {
      return placeFailure(req, err);
    }
  }

  async queryOrder(clOrdId: string, signal?: AbortSignal, priority: VenuePriority = 'order'): Promise<VenueOrder | null> {
    const call = { signal, lane: priority };
    const order = await this.guard(() => this.opts.orders.findByClOrdId(clOrdId, call), 'query');
    if (!order) return null;
    const fills = order.filledQuantity > 0 ? await this.guard(() => this.fillsOf(order, clOrdId, call), 'read the trades of') : [];
    return viewOf(order, clOrdId, fills);
  }

  async cancelOrder(clOrdId: string, signal?: AbortSignal): Promise<VenueOrder | null> {
    await this.guard(() => this.opts.orders.cancel({ clOrdId }, signal), 'cancel');
    return this.queryOrder(clOrdId, signal, 'order');
  }

  /**
   * The ack of an order found by cl_ord_id: its executed quantity (vol_exec) and the fills found for it
   * now. The order exists either way, so a failed trade lookup leaves the fills to a later query (the
   * position does not settle until they cover the executed quantity) instead of failing the send.
   */
  private async recovered(order: KrakenOrder, clOrdId: string, call: OrderCall): Promise<OrderAck> {
    let fills: Fill[] = [];
    if (order.filledQuantity > 0) {
      try {
        fills = await this.fillsOf(order, clOrdId, call);
      } catch (err) {
        this.opts.logger?.warn({ err, clOrdId, filled: order.filledQuantity }, 'order found but its trades could not be read; they are asked for again');
      }
    }
    return { ...viewOf(order, clOrdId, fills), reason: null };
  }

  /** The order's fills, oldest first (QueryTrades by its trade ids, TradesHistory for the rest). */
  private async fillsOf(order: KrakenOrder, clOrdId: string, call: OrderCall): Promise<Fill[]> {
    const fills = (await this.opts.orders.tradesOf(order, call)).map((t) => this.toFill(t, clOrdId));
    const volume = fills.reduce((s, f) => s + f.quantity, 0);
    if (volume < order.filledQuantity - QTY_EPSILON) {
      this.opts.logger?.warn(
        { clOrdId, filled: order.filledQuantity, found: volume },
        'Kraken lists fewer trades than the order executed; the rest are asked for again',
      );
    }
    return fills;
  }

  private toFill(t: VenueTrade, clOrdId: string): Fill {
    const pair = this.opts.client.pairs.find(t.pair)?.symbol;
    if (!pair)
      throw new KrakenError(`Kraken trade ${t.txid} names pair ${t.pair}, which is not in the pair table; reload pairs`, {
        kind: 'bug',
        venueCode: 'PARSE',
        endpoint: 'QueryTrades',
      });
    return {
      // The executions feed names the fill by the same pair and trade_id, so both paths book it once.
      tradeId: fillId(pair, t.trade_id),
      clOrdId,
      pair,
      side: t.type,
      price: Number(t.price),
      quantity: Number(t.vol),
      fee: Number(t.fee),
      liquidity: t.maker ? 'maker' : 'taker',
      time: Math.round(t.time * 1000),
    };
  }

  /** Read-only calls: any failure means "ask again later", never "the order is gone". */
  private async guard<T>(call: () => Promise<T>, what: string): Promise<T> {
    try {
      return await call();
    } catch (err) {
      if (err instanceof VenueError) throw err;
      const retryable = err instanceof KrakenError ? err.retryable : true;
      const code = err instanceof KrakenError && err.kind === 'rateLimit' ? 'rate_limited' : 'unavailable';
      throw new VenueError(code, `could not ${what} the order at Kraken: ${(err as Error).message}`, retryable, { cause: err });
    }
  }
}

function refused(req: OrderRequest, reason: string): OrderAck {
  return { clOrdId: req.clOrdId, venueOrderId: null, status: 'rejected', reason, filledQuantity: 0, fills: [] };
}

function viewOf(order: KrakenOrder, clOrdId: string, fills: readonly Fill[]): VenueOrder {
  return { clOrdId, venueOrderId: order.venueOrderId, status: order.status, filledQuantity: order.filledQuantity, fills };
}

/**
 * Only an error raised by AddOrder itself proves what happened; a failure while looking the order
 * up after a lost reply leaves the outcome unknown.
 */
function placeFailure(req: OrderRequest, err: unknown): OrderAck {
  if (err instanceof VenueError) throw err;
  if (!(err instanceof KrakenError) || err.endpoint !== 'AddOrder' || err.kind === 'orderMayExist') {
    throw new VenueError(
      'unknown_outcome',
      `AddOrder ${req.clOrdId} may have reached Kraken: ${(err as Error).message}; reconcile by cl_ord_id, do not resend`,
      false,
      { cause: err },
    );
  }
  if (err.kind === 'rejected' || err.kind === 'bug') return refused(req, err.venueCode);
  if (err.kind === 'rateLimit') throw new VenueError('rate_limited', `AddOrder ${req.clOrdId} was not placed: ${err.message}`, true, { cause: err });
  throw new VenueError('unavailable', `AddOrder ${req.clOrdId} was not placed: ${err.message}`, err.retryable, { cause: err });
}
