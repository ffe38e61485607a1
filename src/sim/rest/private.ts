/**
 * REST v0 private endpoints (§6). Each handler runs after authentication and the rate counter; the
 * account exists. Order placement and cancels go through the shared matching engine.
 */
import type { AccountState, SimTrade } from '../accounts.ts';
import type { SimContext } from '../context.ts';
import { fixed, rfc3339Seconds } from '../format.ts';
import { parseRestOrder } from '../orders.ts';
import { assetById, assetByName, FEES_MAKER, FEES_TAKER, feePercent, pairByRestName } from '../pairs.ts';
import { TOKEN_EXPIRES_SECONDS } from '../tokens.ts';
import { fail, ok, type RestResult } from './envelope.ts';
import { orderJson, tradeJson } from './order-json.ts';
import { resolvePairs } from './public.ts';

export type PrivateHandler = (ctx: SimContext, key: string, f: URLSearchParams) => RestResult;

const PAGE = 50;
/** A suffixed id (`USD.M`) prints with its underlying asset's decimals when the sim knows that asset. */
const decimalsOf = (asset: string) => (assetById(asset) ?? assetByName(asset.split('.')[0]!))?.decimals ?? 8;

/** What Balance/BalanceEx list: spot assets, then the suffixed wallets exactly as Kraken names them (§2). */
function listedBalances(acc: AccountState): [string, number][] {
  return [...acc.balances, ...acc.suffixed];
}

function filterOrders(ctx: SimContext, key: string, f: URLSearchParams, open: boolean) {
  const userref = f.get('userref');
  const clOrdId = f.get('cl_ord_id');
  return ctx.engine
    .ordersOf(key)
    .filter((o) => (open ? o.status === 'open' || o.status === 'pending' : o.status !== 'open' && o.status !== 'pending'))
    .filter((o) => userref === null || String(o.req.userref ?? 0) === userref)
    .filter((o) => clOrdId === null || o.req.clOrdId === clOrdId);
}

function usdValue(ctx: SimContext, asset: string, amount: number): number {
  if (asset === 'ZUSD') return amount;
  const market = [...ctx.markets.values()].find((m) => m.info.base === asset);
  return market ? amount * market.last.price : 0;
}

function feeInfo(table: typeof FEES_TAKER, volume: number): Record<string, string | null> {
  const pct = feePercent(table, volume);
  const next = table.find(([min]) => min > volume);
  return {
    fee: pct.toFixed(4),
    minfee: table[table.length - 1]![1].toFixed(4),
    maxfee: table[0]![1].toFixed(4),
    nextfee: next ? next[1].toFixed(4) : null,
    nextvolume: next ? next[0].toFixed(4) : null,
    tiervolume: volume.toFixed(4),
  };
}

function tradeRow(t: SimTrade): [string, Record<string, unknown>] {
  const p = pairByRestName(t.pairKey)!;
  return [t.txid, tradeJson(t, p.costDecimals, p.pairDecimals, p.lotDecimals)];
}

export const privateHandlers: Record<string, PrivateHandler> = {
  Balance: (ctx, key) => {
    const acc = ctx.engine.account(key)!;
    return ok(Object.fromEntries(listedBalances(acc).map(([a, v]) => [a, fixed(v, decimalsOf(a))])));
  },
  BalanceEx: (ctx, key) => {
    const acc = ctx.engine.account(key)!;
    return ok(
      Object.fromEntries(listedBalances(acc).map(([a, v]) => [a, { balance: fixed(v, decimalsOf(a)), hold_trade: fixed(acc.hold(a), decimalsOf(a)) }])),
    );
  },
  TradeBalance: (ctx, key, f) => {
    const asset = assetByName(f.get('asset') ?? 'ZUSD');
    if (!asset) return fail('EQuery:Unknown asset');
    const acc = ctx.engine.account(key)!;
    // Spot only: suffixed earn/staking/margin wallets are not tradable collateral here.
    const usd = [...acc.balances].reduce((s, [a, v]) => s + usdValue(ctx, a, v), 0);
    const unit = usdValue(ctx, asset.id, 1);
    const eb = fixed(unit > 0 ? usd / unit : 0, 4);
    const zero = fixed(0, 4);
    return ok({ eb, tb: eb, m: zero, n: zero, c: zero, v: zero, e: eb, mf: eb, uv: zero });
  },
  OpenOrders: (ctx, key, f) => {
    const withTrades = f.get('trades') === 'true';
    return ok({ open: Object.fromEntries(filterOrders(ctx, key, f, true).map((o) => [o.txid, orderJson(o, withTrades)])) });
  },
  ClosedOrders: (ctx, key, f) => {
    const start = Number(f.get('start') ?? 0) * 1000;
    const end = Number(f.get('end') ?? Infinity) * 1000;
    const closed = filterOrders(ctx, key, f, false)
      .filter((o) => o.closetm! >= start && o.closetm! <= end)
      .sort((a, b) => b.closetm! - a.closetm!);
    const ofs = Number(f.get('ofs') ?? 0);
    const page = closed.slice(ofs, ofs + PAGE);
    return ok({ closed: Object.fromEntries(page.map((o) => [o.txid, orderJson(o, f.get('trades') === 'true')])), count: closed.length });
  },
  QueryOrders: (ctx, key, f) => {
    const ids = (f.get('txid') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > PAGE) return fail('EGeneral:Invalid arguments:txid');
    const orders = ids.map((id) => ctx.engine.orders.get(id));
    if (orders.some((o) => !o || o.key !== key)) return fail('EOrder:Unknown order');
    return ok(Object.fromEntries(orders.map((o) => [o!.txid, orderJson(o!, f.get('trades') === 'true')])));
  },
  TradesHistory: (ctx, key, f) => {
    const trades = [...ctx.engine.tradesOf(key)].reverse();
    const ofs = Number(f.get('ofs') ?? 0);
    return ok({ trades: Object.fromEntries(trades.slice(ofs, ofs + PAGE).map(tradeRow)), count: trades.length });
  },
  /** Up to 20 of the account's trades by txid; an id it does not know is an error, as at Kraken. */
  QueryTrades: (ctx, key, f) => {
    const ids = (f.get('txid') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 20) return fail('EGeneral:Invalid arguments:txid');
    const mine = new Map(ctx.engine.tradesOf(key).map((t) => [t.txid, t]));
    const trades = ids.map((id) => mine.get(id));
    if (trades.some((t) => t === undefined)) return fail('EQuery:Invalid query');
    return ok(Object.fromEntries(trades.map((t) => tradeRow(t!))));
  },
  TradeVolume: (ctx, key, f) => {
    const volume = ctx.engine.account(key)!.volume30d(ctx.clock.now());
    const pairs = f.get('pair') ? resolvePairs(f.get('pair'), []) : [];
    if (!pairs) return fail('EQuery:Unknown asset pair');
    const result: Record<string, unknown> = { currency: 'ZUSD', volume: volume.toFixed(4) };
    if (pairs.length > 0) {
      result.fees = Object.fromEntries(pairs.map((p) => [p.key, feeInfo(FEES_TAKER, volume)]));
      result.fees_maker = Object.fromEntries(pairs.map((p) => [p.key, feeInfo(FEES_MAKER, volume)]));
    }
    return ok(result);
  },
  AddOrder: (ctx, key, f) => {
    const parsed = parseRestOrder(f);
    if ('error' in parsed) return fail(parsed.error);
    const placed = ctx.engine.place(key, parsed.ok);
    if ('error' in placed) return fail(placed.error);
    return ok({ descr: { order: placed.descr }, ...(placed.txid ? { txid: [placed.txid] } : {}) });
  },
  CancelOrder: (ctx, key, f) => {
    const txid = f.get('txid');
    const clOrdId = f.get('cl_ord_id');
    if (txid === null && clOrdId === null) return fail('EGeneral:Invalid arguments:txid');
    if (ctx.faults.systemStatus() === 'maintenance') return fail('EService:Unavailable');
    const asUserref = txid !== null && /^-?\d+$/.test(txid) ? [Number(txid)] : undefined;
    const count = ctx.engine.cancel(key, { txid: txid === null ? undefined : [txid], userref: asUserref, clOrdId: clOrdId === null ? undefined : [clOrdId] });
    return count === 0 ? fail('EOrder:Unknown order') : ok({ count, pending: false });
  },
  CancelAll: (ctx, key) =>
    ctx.faults.systemStatus() === 'maintenance' ? fail('EService:Unavailable') : ok({ count: ctx.engine.cancelAll(key), pending: false }),
  CancelAllOrdersAfter: (ctx, key, f) => {
    const timeout = Number(f.get('timeout'));
    if (f.get('timeout') === null || !Number.isInteger(timeout) || timeout < 0) return fail('EGeneral:Invalid arguments:timeout');
    const at = ctx.engine.setDeadman(key, timeout);
    return ok({ currentTime: rfc3339Seconds(ctx.clock.now()), triggerTime: at === 0 ? '0' : rfc3339Seconds(at) });
  },
  GetWebSocketsToken: (ctx, key) => ok({ token: ctx.tokens.issue(key, ctx.clock.now()), expires: TOKEN_EXPIRES_SECONDS }),
};
