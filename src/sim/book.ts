/**
 * A synthetic order book around the replayed price. Levels sit on a fixed per-pair price grid (so most
 * levels survive a small price move and WS updates stay small); a level's quantity is a seeded function
 * of its grid index, and the three levels nearest the touch re-draw their quantity on every trade.
 * Derived lazily from (last price, trade sequence): nothing is stored, and replay never pays for books
 * nobody looks at.
 */
import type { Level } from './checksum.ts';
import type { PairMarket } from './market.ts';
import { hashSeed, mulberry32 } from './rng.ts';

export interface BookSide {
  readonly asks: Level[];
  readonly bids: Level[];
}

export interface BookShape {
  /** Distance between levels (a multiple of the tick). */
  readonly step: number;
  /** Typical quantity of one level. */
  readonly baseQty: number;
}

const VOLATILE_LEVELS = 3;

/** Grid spacing ~0.5 bp of the first price, level size ~1/8 of an average candle's volume. */
export function bookShape(market: PairMarket): BookShape {
  const { info, series } = market;
  const ticks = Math.max(1, Math.round((series.open[0]! * 0.00005) / info.tickSize));
  const n = Math.min(series.volume.length, 288);
  let vol = 0;
  for (let i = 0; i < n; i++) vol += series.volume[i]!;
  const baseQty = Math.max(info.orderMin * 4, n > 0 ? vol / n / 8 : info.orderMin * 4);
  return { step: ticks * info.tickSize, baseQty };
}

export function bookAt(market: PairMarket, shape: BookShape, seed: number, depth: number): BookSide {
  const { info } = market;
  const price = market.last.price;
  const gridIndex = price / shape.step;
  const bestAsk = Math.floor(gridIndex + 1e-9) + 1;
  const bestBid = Math.ceil(gridIndex - 1e-9) - 1;
  const level = (idx: number, side: number, rank: number): Level => {
    const volatile = rank < VOLATILE_LEVELS ? market.tradeSeq : 0;
    const u = mulberry32(hashSeed(seed, market.params.pairIndex, idx, side, volatile))();
    const qty = Number((shape.baseQty * (0.2 + 1.8 * u)).toFixed(info.lotDecimals));
    return { price: Number((idx * shape.step).toFixed(info.pairDecimals)), qty };
  };
  const asks: Level[] = [];
  const bids: Level[] = [];
  for (let r = 0; r < depth; r++) {
    asks.push(level(bestAsk + r, 1, r));
    if (bestBid - r > 0) bids.push(level(bestBid - r, 0, r));
  }
  return { asks, bids };
}

/**
 * The WS update that moves a client from `prev` to `next` (both truncated to the same depth): changed
 * or new levels, and `qty: 0` for levels that vanished inside the range. Levels merely pushed past the
 * depth get no delete; the client truncates (reference/kraken-api.md §9).
 */
export function bookDiff(prev: BookSide, next: BookSide): BookSide {
  return {
    asks: sideDiff(prev.asks, next.asks, (a, b) => a < b),
    bids: sideDiff(prev.bids, next.bids, (a, b) => a > b),
  };
}

function sideDiff(prev: Level[], next: Level[], better: (a: number, b: number) => boolean): Level[] {
  const before = new Map(prev.map((l) => [l.price, l.qty]));
  const after = new Set(next.map((l) => l.price));
  const worst = next[next.length - 1]?.price;
  const out: Level[] = [];
  for (const l of prev) {
    if (!after.has(l.price) && (worst === undefined || better(l.price, worst))) out.push({ price: l.price, qty: 0 });
  }
  for (const l of next) if (before.get(l.price) !== l.qty) out.push(l);
  return out;
}
