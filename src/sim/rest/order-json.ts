/** REST shapes of orders and trades (§6): string numerics, float-second times, altname in descr. */
import type { SimTrade } from '../accounts.ts';
import { fixed, unixSeconds } from '../format.ts';
import { describeOrder, type SimOrder } from '../orders.ts';

export function orderJson(o: SimOrder, withTrades: boolean): Record<string, unknown> {
  const { pair } = o.req;
  const stop = o.req.kind === 'stop-loss' || o.req.kind === 'take-profit';
  const json: Record<string, unknown> = {
    refid: null,
    userref: o.req.userref ?? 0,
    ...(o.req.clOrdId !== undefined ? { cl_ord_id: o.req.clOrdId } : {}),
    status: o.status,
    opentm: unixSeconds(o.opentm),
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: pair.altname,
      type: o.req.side,
      ordertype: o.req.kind,
      price: o.req.price === undefined ? '0' : fixed(o.req.price, pair.pairDecimals),
      price2: '0',
      leverage: 'none',
      order: describeOrder(o.req),
      close: '',
    },
    vol: fixed(o.req.volume, pair.lotDecimals),
    vol_exec: fixed(o.volExec, pair.lotDecimals),
    cost: fixed(o.cost, pair.costDecimals),
    fee: fixed(o.fee, pair.costDecimals),
    price: fixed(o.volExec > 0 ? o.cost / o.volExec : 0, pair.pairDecimals),
    stopprice: stop ? fixed(o.req.price!, pair.pairDecimals) : '0.00000',
    limitprice: '0.00000',
    misc: '',
    oflags: [o.req.postOnly ? 'post' : '', 'fciq'].filter(Boolean).join(','),
    timeinforce: o.req.tif,
  };
  if (o.closetm !== undefined) {
    json.closetm = unixSeconds(o.closetm);
    json.reason = o.reason;
  }
  if (withTrades && o.trades.length > 0) json.trades = [...o.trades];
  return json;
}

export function tradeJson(t: SimTrade, costDecimals: number, pairDecimals: number, lotDecimals: number): Record<string, unknown> {
  return {
    ordertxid: t.ordertxid,
    postxid: t.txid,
    pair: t.pairKey,
    time: unixSeconds(t.time),
    type: t.side,
    ordertype: t.ordertype,
    price: fixed(t.price, pairDecimals),
    cost: fixed(t.cost, costDecimals),
    fee: fixed(t.fee, costDecimals),
    vol: fixed(t.vol, lotDecimals),
    margin: fixed(0, costDecimals),
    misc: '',
    trade_id: t.tradeId,
    maker: t.maker,
  };
}
