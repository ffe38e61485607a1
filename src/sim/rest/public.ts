/**
 * REST v0 public endpoints (§4): Time, SystemStatus, Assets, AssetPairs, Ticker, OHLC, Depth.
 * Numbers are strings except times and counts; results are keyed by the REST pair key.
 */
import { bookOf, type SimContext } from '../context.ts';
import { fixed, rfc1123, rfc3339Seconds } from '../format.ts';
import type { PairMarket } from '../market.ts';
import { FEES_MAKER, FEES_TAKER, SIM_ASSETS, SIM_PAIRS, pairByRestName, assetByName, type SimPairInfo } from '../pairs.ts';
import { fail, ok, type RestResult } from './envelope.ts';
import { ohlc } from './ohlc.ts';

export type PublicHandler = (ctx: SimContext, q: URLSearchParams) => RestResult;

/** Resolves a comma list of pair keys/altnames; undefined list = all. */
export function resolvePairs(list: string | null, all: readonly SimPairInfo[]): SimPairInfo[] | undefined {
  if (list === null || list === '') return [...all];
  const out: SimPairInfo[] = [];
  for (const name of list.split(',')) {
    const p = pairByRestName(name.trim());
    if (!p) return undefined;
    out.push(p);
  }
  return out;
}

function pairJson(p: SimPairInfo, info: string): Record<string, unknown> {
  const fees = { fees: FEES_TAKER, fees_maker: FEES_MAKER, fee_volume_currency: 'ZUSD' };
  if (info === 'fees') return fees;
  if (info === 'leverage') return { leverage_buy: [], leverage_sell: [] };
  if (info === 'margin') return { margin_call: 80, margin_stop: 40 };
  return {
    altname: p.altname,
    wsname: p.wsname,
    aclass_base: 'currency',
    base: p.base,
    aclass_quote: 'currency',
    quote: p.quote,
    lot: 'unit',
    cost_decimals: p.costDecimals,
    pair_decimals: p.pairDecimals,
    lot_decimals: p.lotDecimals,
    lot_multiplier: 1,
    leverage_buy: [],
    leverage_sell: [],
    ...fees,
    margin_call: 80,
    margin_stop: 40,
    ordermin: String(p.orderMin),
    costmin: String(p.costMin),
    tick_size: fixed(p.tickSize, p.pairDecimals),
    status: 'online',
  };
}

function marketsFor(ctx: SimContext, q: URLSearchParams, required: boolean): PairMarket[] | string {
  const list = q.get('pair');
  if (required && !list) return 'EGeneral:Invalid arguments:pair';
  const pairs = resolvePairs(
    list,
    [...ctx.markets.values()].map((m) => m.info),
  );
  const markets = pairs?.map((p) => ctx.markets.get(p.key));
  if (!markets || markets.some((m) => m === undefined)) return 'EQuery:Unknown asset pair';
  return markets as PairMarket[];
}

function ticker(ctx: SimContext, m: PairMarket): Record<string, unknown> {
  const now = ctx.clock.now();
  const { pairDecimals: pd, lotDecimals: ld } = m.info;
  const dayStart = now - (now % 86_400_000);
  const today = m.stats(dayStart, now);
  const day = m.stats(now - 86_400_000, now);
  const book = bookOf(ctx, m.info.key, 1)!;
  const px = (v: number | undefined) => fixed(v ?? m.last.price, pd);
  const qty = (v: number | undefined) => fixed(v ?? 0, ld);
  const lvl = (l: { price: number; qty: number } | undefined) => [px(l?.price), String(Math.max(1, Math.round(l?.qty ?? 0))), fixed(l?.qty ?? 0, 3)];
  return {
    a: lvl(book.asks[0]),
    b: lvl(book.bids[0]),
    c: [px(m.last.price), qty(m.last.qty)],
    v: [qty(today?.volume), qty(day?.volume)],
    p: [px(today?.vwap), px(day?.vwap)],
    t: [today?.count ?? 0, day?.count ?? 0],
    l: [px(today?.low), px(day?.low)],
    h: [px(today?.high), px(day?.high)],
    o: px(today?.open),
  };
}

export const publicHandlers: Record<string, PublicHandler> = {
  Time: (ctx) => ok({ unixtime: Math.floor(ctx.clock.now() / 1000), rfc1123: rfc1123(ctx.clock.now()) }),
  SystemStatus: (ctx) => ok({ status: ctx.faults.systemStatus(), timestamp: rfc3339Seconds(ctx.clock.now()) }),
  Assets: (_ctx, q) => {
    const names = q.get('asset')?.split(',');
    const assets = names ? names.map((n) => assetByName(n.trim())) : SIM_ASSETS;
    if (assets.some((a) => a === undefined)) return fail('EQuery:Unknown asset');
    return ok(
      Object.fromEntries(
        assets.map((a) => [a!.id, { aclass: 'currency', altname: a!.altname, decimals: a!.decimals, display_decimals: a!.displayDecimals, status: 'enabled' }]),
      ),
    );
  },
  AssetPairs: (_ctx, q) => {
    const pairs = resolvePairs(q.get('pair'), SIM_PAIRS);
    if (!pairs) return fail('EQuery:Unknown asset pair');
    const info = q.get('info') ?? 'info';
    if (!['info', 'fees', 'leverage', 'margin'].includes(info)) return fail('EGeneral:Invalid arguments:info');
    return ok(Object.fromEntries(pairs.map((p) => [p.key, pairJson(p, info)])));
  },
  Ticker: (ctx, q) => {
    const markets = marketsFor(ctx, q, false);
    if (typeof markets === 'string') return fail(markets);
    return ok(Object.fromEntries(markets.map((m) => [m.info.key, ticker(ctx, m)])));
  },
  OHLC: (ctx, q) => {
    const markets = marketsFor(ctx, q, true);
    if (typeof markets === 'string') return fail(markets);
    return ohlc(ctx, markets[0]!, q);
  },
  Depth: (ctx, q) => {
    const markets = marketsFor(ctx, q, true);
    if (typeof markets === 'string') return fail(markets);
    const count = Math.min(500, Math.max(1, Number(q.get('count') ?? 100) || 100));
    const m = markets[0]!;
    const book = bookOf(ctx, m.info.key, count)!;
    const ts = Math.floor(m.last.time / 1000);
    const side = (levels: typeof book.asks) => levels.map((l) => [fixed(l.price, m.info.pairDecimals), fixed(l.qty, m.info.lotDecimals), ts]);
    return ok({ [m.info.key]: { asks: side(book.asks), bids: side(book.bids) } });
  },
};
