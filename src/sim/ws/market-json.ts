/** WS v2 public payloads (§9): numbers, not strings; RFC3339 timestamps. */
import { bookOf, type SimContext } from '../context.ts';
import { round, rfc3339 } from '../format.ts';
import type { OhlcRow, PairMarket } from '../market.ts';
import { SIM_ASSETS, SIM_PAIRS } from '../pairs.ts';
import type { ReplayTrade } from '../path.ts';

export function tickerItem(ctx: SimContext, m: PairMarket): Record<string, unknown> {
  const now = ctx.clock.now();
  const { pairDecimals: pd, lotDecimals: ld } = m.info;
  const day = m.stats(now - 86_400_000, now);
  const book = bookOf(ctx, m.info.key, 1)!;
  const last = m.last.price;
  const open = day?.open ?? last;
  return {
    symbol: m.info.symbol,
    bid: book.bids[0]?.price ?? 0,
    bid_qty: book.bids[0]?.qty ?? 0,
    ask: book.asks[0]?.price ?? 0,
    ask_qty: book.asks[0]?.qty ?? 0,
    last,
    volume: round(day?.volume ?? 0, ld),
    vwap: round(day?.vwap ?? last, pd),
    low: day?.low ?? last,
    high: day?.high ?? last,
    change: round(last - open, pd),
    change_pct: round(((last - open) / open) * 100, 2),
    timestamp: rfc3339(m.last.time),
  };
}

export function tradeItem(m: PairMarket, t: ReplayTrade, tradeId: number): Record<string, unknown> {
  return { symbol: m.info.symbol, side: t.side, price: t.price, qty: t.qty, ord_type: 'market', trade_id: tradeId, timestamp: rfc3339(t.time) };
}

export function ohlcItem(m: PairMarket, row: OhlcRow, intervalMin: number): Record<string, unknown> {
  const { pairDecimals: pd, lotDecimals: ld } = m.info;
  return {
    symbol: m.info.symbol,
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    trades: row.count,
    volume: round(row.volume, ld),
    vwap: round(row.volume > 0 ? row.notional / row.volume : row.close, pd),
    interval_begin: rfc3339(row.time),
    interval: intervalMin,
    timestamp: rfc3339(row.time + intervalMin * 60_000),
  };
}

export function instrumentData(ctx: SimContext): Record<string, unknown> {
  return {
    assets: SIM_ASSETS.map((a) => ({
      id: a.wsCode,
      status: 'enabled',
      precision: a.decimals,
      precision_display: a.displayDecimals,
      borrowable: false,
      collateral_value: 0,
      margin_rate: 0,
    })),
    pairs: SIM_PAIRS.map((p) => ({
      symbol: p.symbol,
      base: p.wsBase,
      quote: p.wsQuote,
      status: ctx.faults.systemStatus(),
      qty_precision: p.lotDecimals,
      qty_increment: 10 ** -p.lotDecimals,
      qty_min: p.orderMin,
      price_precision: p.pairDecimals,
      price_increment: p.tickSize,
      cost_precision: p.costDecimals,
      cost_min: p.costMin,
      marginable: false,
      has_index: true,
    })),
  };
}
