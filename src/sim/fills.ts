/**
 * Applying fills and closing orders: balances, holds, fees (in quote, §11) and the engine events a
 * fill produces. Shared by taker execution on arrival and maker fills against replayed trades.
 */
import type { AccountState, SimTrade } from './accounts.ts';
import type { Level } from './checksum.ts';
import type { BookSide } from './book.ts';
import type { OrderStatus, SimOrder } from './orders.ts';

export type ExecType = 'pending_new' | 'new' | 'trade' | 'filled' | 'canceled' | 'expired';

export type EngineEvent =
  | { type: 'execution'; key: string; order: SimOrder; execType: ExecType; fill?: SimTrade; time: number }
  | { type: 'balance'; key: string; asset: string; amount: number; fee: number; balance: number; refId: string; time: number };

export interface FillContext {
  now(): number;
  /** Kraken numbers trades per pair (trade_id), so two pairs' fills can share a number; the txid is unique. */
  nextTradeId(pairKey: string): { txid: string; tradeId: number };
  emit(event: EngineEvent): void;
  /** Removes the order from the open index. */
  unindex(order: SimOrder): void;
}

const EPS = 1e-10;

export function remaining(order: SimOrder): number {
  return order.req.volume - order.volExec;
}

/** The levels a taker of `volume` would hit, best first, stopping at `limit` when given. */
export function takerLevels(book: BookSide, side: 'buy' | 'sell', volume: number, limit?: number): Level[] {
  const levels = side === 'buy' ? book.asks : book.bids;
  const out: Level[] = [];
  let left = volume;
  for (const level of levels) {
    if (left <= EPS) break;
    if (limit !== undefined && (side === 'buy' ? level.price > limit : level.price < limit)) break;
    const qty = Math.min(left, level.qty);
    out.push({ price: level.price, qty });
    left -= qty;
  }
  return out;
}

/** What the hold must be for the unfilled part (buy: quote at the hold price incl. taker fee; sell: base). */
export function requiredHold(order: SimOrder): number {
  return Math.max(0, remaining(order)) * order.holdPerUnit;
}

export function releaseHold(account: AccountState, order: SimOrder, target: number): void {
  if (order.hold === target) return;
  account.reserve(order.holdAsset, target - order.hold);
  order.hold = target;
}

export function applyFill(ctx: FillContext, account: AccountState, order: SimOrder, price: number, qty: number, maker: boolean): SimTrade {
  const now = ctx.now();
  const { pair, side } = order.req;
  const cost = price * qty;
  const fee = cost * account.feeRate(maker, now);
  const { txid, tradeId } = ctx.nextTradeId(pair.key);
  const trade: SimTrade = {
    txid,
    tradeId,
    ordertxid: order.txid,
    pairKey: pair.key,
    time: now,
    side,
    ordertype: order.req.kind,
    price,
    vol: qty,
    cost,
    fee,
    maker,
  };
  account.trades.push(trade);
  order.volExec += qty;
  order.cost += cost;
  order.fee += fee;
  order.trades.push(txid);
  releaseHold(account, order, requiredHold(order));
  const baseDelta = side === 'buy' ? qty : -qty;
  const quoteDelta = side === 'buy' ? -cost - fee : cost - fee;
  ctx.emit({ type: 'execution', key: account.key, order, execType: 'trade', fill: trade, time: now });
  ctx.emit({
    type: 'balance',
    key: account.key,
    asset: pair.base,
    amount: baseDelta,
    fee: 0,
    balance: account.credit(pair.base, baseDelta),
    refId: txid,
    time: now,
  });
  ctx.emit({
    type: 'balance',
    key: account.key,
    asset: pair.quote,
    amount: quoteDelta,
    fee,
    balance: account.credit(pair.quote, quoteDelta),
    refId: txid,
    time: now,
  });
  if (remaining(order) <= EPS) finish(ctx, account, order, 'closed', null);
  return trade;
}

/** Moves an order to a final status, releases its hold and emits filled / canceled / expired. */
export function finish(
  ctx: FillContext,
  account: AccountState,
  order: SimOrder,
  status: Exclude<OrderStatus, 'pending' | 'open'>,
  reason: string | null,
): void {
  if (order.status !== 'open' && order.status !== 'pending') return;
  releaseHold(account, order, 0);
  order.status = status;
  order.reason = reason;
  order.closetm = ctx.now();
  ctx.unindex(order);
  const execType: ExecType = status === 'closed' ? 'filled' : status;
  ctx.emit({ type: 'execution', key: account.key, order, execType, time: order.closetm });
}
