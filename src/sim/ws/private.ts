/**
 * WS v2 private endpoint (§10): executions (snapshot + sequenced updates) and balances channels, and
 * the trading requests add_order, cancel_order, cancel_all, cancel_all_orders_after. Every request
 * carries the GetWebSocketsToken token; a bad one gets `ESession:Invalid session`.
 */
import type { SimContext } from '../context.ts';
import type { EngineEvent } from '../fills.ts';
import { rfc3339Seconds } from '../format.ts';
import { parseWsOrder } from '../orders.ts';
import { hashSeed, krakenId, mulberry32 } from '../rng.ts';
import type { WsConn } from './conn.ts';
import { balanceSnapshot, balanceUpdate, executionItem, orderItem } from './exec-json.ts';

export const PRIVATE_CHANNELS = ['executions', 'balances'];
export const TRADING_METHODS = ['add_order', 'cancel_order', 'cancel_all', 'cancel_all_orders_after'];

export interface PrivateSub {
  key: string;
  token: string;
  orderStatus: boolean;
}

type Respond = (body: Record<string, unknown>) => void;

export function subscribePrivate(
  ctx: SimContext,
  conn: WsConn,
  key: string,
  token: string,
  channel: string,
  params: Record<string, unknown>,
  respond: Respond,
): void {
  const account = ctx.engine.account(key)!;
  const now = ctx.clock.now();
  ctx.tokens.retain(token);
  if (channel === 'balances') {
    const snapshot = params.snapshot !== false;
    conn.subscriptions.set('balances', { key, token, orderStatus: true } satisfies PrivateSub);
    respond({ result: { channel, snapshot }, success: true });
    if (snapshot) conn.send({ channel, type: 'snapshot', data: balanceSnapshot(account) });
    return;
  }
  const snapOrders = params.snap_orders !== false;
  const snapTrades = params.snap_trades === true;
  conn.subscriptions.set('executions', { key, token, orderStatus: params.order_status !== false } satisfies PrivateSub);
  respond({ result: { channel, maxratecount: ctx.limits.maxEngineCount(account.tier), snap_orders: snapOrders, snap_trades: snapTrades }, success: true });
  const open = snapOrders ? ctx.engine.ordersOf(key).filter((o) => o.status === 'open') : [];
  const data = open.map((o) => orderItem(o, 'new', o.volExec > 0 ? 'partially_filled' : 'new', now));
  if (snapTrades) {
    for (const t of ctx.engine.tradesOf(key).slice(-50)) {
      const order = ctx.engine.orders.get(t.ordertxid)!;
      data.push(executionItem({ type: 'execution', key, order, execType: 'trade', fill: t, time: t.time }));
    }
  }
  conn.send({ channel, type: 'snapshot', data, sequence: ++conn.sequence });
}

/** Routes engine events to the connection's private subscriptions. */
export function privateEvent(conn: WsConn, e: EngineEvent, ledgerIds: () => string): void {
  if (e.type === 'execution') {
    const sub = conn.subscriptions.get('executions') as PrivateSub | undefined;
    if (!sub || sub.key !== e.key || (!sub.orderStatus && e.execType === 'pending_new')) return;
    conn.send({ channel: 'executions', type: 'update', data: [executionItem(e)], sequence: ++conn.sequence });
    return;
  }
  const sub = conn.subscriptions.get('balances') as PrivateSub | undefined;
  if (sub && sub.key === e.key) conn.send({ channel: 'balances', type: 'update', data: [balanceUpdate(e, ledgerIds())] });
}

export function ledgerIdSource(seed: number): () => string {
  const rng = mulberry32(hashSeed(seed, 0x1ed));
  return () => krakenId('L', rng);
}

/** Runs a trading request; each response is passed to `respond` (cancel_order answers once per order). */
export function trade(ctx: SimContext, key: string, method: string, params: Record<string, unknown>, respond: Respond): void {
  const maintenance = ctx.faults.systemStatus() === 'maintenance';
  if (method === 'add_order') {
    const parsed = parseWsOrder(params);
    if ('error' in parsed) return respond({ success: false, error: parsed.error });
    const placed = ctx.engine.place(key, parsed.ok);
    if ('error' in placed) return respond({ success: false, error: placed.error });
    const { userref, clOrdId } = parsed.ok;
    return respond({
      success: true,
      result: { order_id: placed.txid, ...(clOrdId !== undefined ? { cl_ord_id: clOrdId } : {}), ...(userref !== undefined ? { order_userref: userref } : {}) },
    });
  }
  if (maintenance) return respond({ success: false, error: 'EService:Unavailable' });
  if (method === 'cancel_all') return respond({ success: true, result: { count: ctx.engine.cancelAll(key) } });
  if (method === 'cancel_all_orders_after') {
    const timeout = params.timeout;
    if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 0)
      return respond({ success: false, error: 'EGeneral:Invalid arguments:timeout' });
    const at = ctx.engine.setDeadman(key, timeout);
    return respond({ success: true, result: { currentTime: rfc3339Seconds(ctx.clock.now()), triggerTime: at === 0 ? '0' : rfc3339Seconds(at) } });
  }
  cancelOrders(ctx, key, params, respond);
}

function cancelOrders(ctx: SimContext, key: string, params: Record<string, unknown>, respond: Respond): void {
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const targets = [
    ...list(params.order_id).map((id) => ({ sel: { txid: [String(id)] }, echo: { order_id: String(id) } })),
    ...list(params.cl_ord_id).map((id) => ({ sel: { clOrdId: [String(id)] }, echo: { cl_ord_id: String(id) } })),
    ...list(params.order_userref).map((id) => ({ sel: { userref: [Number(id)] }, echo: {} })),
  ];
  if (targets.length === 0) return respond({ success: false, error: 'EGeneral:Invalid arguments:order_id' });
  for (const { sel, echo } of targets) {
    const before = ctx.engine.ordersOf(key).filter((o) => o.status === 'open');
    const count = ctx.engine.cancel(key, sel);
    if (count === 0) {
      respond({ success: false, error: 'EOrder:Unknown order', ...echo });
      continue;
    }
    for (const o of before.filter((x) => x.status !== 'open')) {
      respond({ success: true, result: { order_id: o.txid, ...(o.req.clOrdId !== undefined ? { cl_ord_id: o.req.clOrdId } : {}) } });
    }
  }
}
