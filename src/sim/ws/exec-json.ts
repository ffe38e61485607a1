/**
 * WS v2 executions and balances items (§10.1, §10.2). pending_new carries the full order; later events
 * are sparse (merge by order_id). A `trade` always says partially_filled; completion is the `filled` event.
 */
import type { AccountState } from '../accounts.ts';
import type { EngineEvent } from '../fills.ts';
import { round, rfc3339 } from '../format.ts';
import type { SimOrder } from '../orders.ts';
import { assetById } from '../pairs.ts';

function ids(o: SimOrder): Record<string, unknown> {
  return {
    order_id: o.txid,
    ...(o.req.userref !== undefined ? { order_userref: o.req.userref } : {}),
    ...(o.req.clOrdId !== undefined ? { cl_ord_id: o.req.clOrdId } : {}),
  };
}

function cumulative(o: SimOrder): Record<string, unknown> {
  const { pair } = o.req;
  return {
    cum_qty: round(o.volExec, pair.lotDecimals),
    cum_cost: round(o.cost, pair.costDecimals),
    avg_price: round(o.volExec > 0 ? o.cost / o.volExec : 0, pair.pairDecimals),
    fee_usd_equiv: round(o.fee, pair.costDecimals),
  };
}

/** The full order description (pending_new and snapshots). */
export function orderItem(o: SimOrder, execType: string, orderStatus: string, time: number): Record<string, unknown> {
  const { req } = o;
  const stop = req.kind === 'stop-loss' || req.kind === 'take-profit';
  return {
    ...ids(o),
    symbol: req.pair.symbol,
    order_qty: req.volume,
    time_in_force: req.tif,
    exec_type: execType,
    side: req.side,
    order_type: req.kind,
    ...(req.kind === 'limit' ? { limit_price_type: 'static', limit_price: req.price } : {}),
    ...(stop ? { triggers: { reference: 'last', price: req.price, price_type: 'static' } } : {}),
    post_only: req.postOnly,
    order_status: orderStatus,
    fee_ccy_pref: 'fciq',
    ...cumulative(o),
    timestamp: rfc3339(time),
  };
}

export function executionItem(e: Extract<EngineEvent, { type: 'execution' }>): Record<string, unknown> {
  const { order: o, time } = e;
  const ts = rfc3339(time);
  switch (e.execType) {
    case 'pending_new':
      return orderItem(o, 'pending_new', 'pending_new', time);
    case 'new':
      return { ...ids(o), exec_type: 'new', order_status: 'new', timestamp: ts };
    case 'trade': {
      const f = e.fill!;
      const { pair } = o.req;
      return {
        ...ids(o),
        exec_id: f.txid,
        exec_type: 'trade',
        trade_id: f.tradeId,
        symbol: pair.symbol,
        side: o.req.side,
        last_qty: f.vol,
        last_price: f.price,
        liquidity_ind: f.maker ? 'm' : 't',
        cost: round(f.cost, pair.costDecimals),
        order_type: o.req.kind,
        timestamp: ts,
        order_status: 'partially_filled',
        ...cumulative(o),
        fees: [{ asset: 'USD', qty: round(f.fee, pair.costDecimals) }],
      };
    }
    case 'filled':
      return { ...ids(o), exec_type: 'filled', order_status: 'filled', ...cumulative(o), timestamp: ts };
    default:
      return { ...ids(o), exec_type: e.execType, order_status: e.execType, reason: o.reason, ...cumulative(o), timestamp: ts };
  }
}

export function balanceSnapshot(acc: AccountState): Record<string, unknown>[] {
  return [...acc.balances].map(([id, balance]) => {
    const asset = assetById(id)!;
    const value = round(balance, asset.decimals);
    return { asset: asset.wsCode, asset_class: 'currency', balance: value, wallets: [{ type: 'spot', id: 'main', balance: value }] };
  });
}

export function balanceUpdate(e: Extract<EngineEvent, { type: 'balance' }>, ledgerId: string): Record<string, unknown> {
  const asset = assetById(e.asset)!;
  return {
    ledger_id: ledgerId,
    ref_id: e.refId,
    timestamp: rfc3339(e.time),
    type: 'trade',
    asset: asset.wsCode,
    asset_class: 'currency',
    category: 'trade',
    wallet_type: 'spot',
    wallet_id: 'main',
    amount: round(e.amount, asset.decimals),
    fee: round(e.fee, asset.decimals),
    balance: round(e.balance, asset.decimals),
  };
}
