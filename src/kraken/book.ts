/**
 * A WS v2 order book for one symbol (reference/kraken-api.md §9): snapshot, incremental updates with
 * `qty: 0` deletes, truncation to the subscribed depth, and the CRC32 checksum over the top 10 levels.
 */
import { crc32 } from 'node:zlib';
import { formatFixed } from './decimal.ts';

export interface BookLevel {
  readonly price: number;
  readonly qty: number;
}

export interface BookPrecision {
  readonly priceDecimals: number;
  readonly qtyDecimals: number;
}

/** Venue numbers already sit on their precision, so toFixed is exact for them; anything else takes the exact path. */
function fixed(v: number, decimals: number): string {
  const s = v.toFixed(decimals);
  return Number(s) === v ? s : formatFixed(v, decimals);
}

/** price and qty without '.', leading zeros stripped: the checksum's per-level token. */
function levelToken(level: BookLevel, p: BookPrecision): string {
  const strip = (s: string) => s.replace('.', '').replace(/^0+/, '');
  return strip(fixed(level.price, p.priceDecimals)) + strip(fixed(level.qty, p.qtyDecimals));
}

/** The string the checksum covers: top 10 asks ascending, then top 10 bids descending. */
export function checksumInput(asks: readonly BookLevel[], bids: readonly BookLevel[], p: BookPrecision): string {
  return [...asks.slice(0, 10), ...bids.slice(0, 10)].map((l) => levelToken(l, p)).join('');
}

export function bookChecksum(asks: readonly BookLevel[], bids: readonly BookLevel[], p: BookPrecision): number {
  return crc32(Buffer.from(checksumInput(asks, bids, p), 'ascii')) >>> 0;
}

/** One side kept sorted best-first: asks ascending, bids descending. */
class BookSide {
  levels: BookLevel[] = [];
  constructor(private readonly better: (a: number, b: number) => boolean) {}

  apply(level: BookLevel): void {
    const i = this.indexOf(level.price);
    const exists = i < this.levels.length && this.levels[i]!.price === level.price;
    if (level.qty === 0) {
      if (exists) this.levels.splice(i, 1);
    } else if (exists) {
      this.levels[i] = level;
    } else {
      this.levels.splice(i, 0, level);
    }
  }

  truncate(depth: number): void {
    if (this.levels.length > depth) this.levels.length = depth;
  }

  /** First index whose price is not better than `price` (binary search). */
  private indexOf(price: number): number {
    let lo = 0;
    let hi = this.levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.better(this.levels[mid]!.price, price)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface BookMessage {
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly checksum: number;
}

export class OrderBook {
  private readonly askSide = new BookSide((a, b) => a < b);
  private readonly bidSide = new BookSide((a, b) => a > b);

  constructor(
    readonly depth: number,
    readonly precision: BookPrecision,
  ) {}

  get asks(): readonly BookLevel[] {
    return this.askSide.levels;
  }

  get bids(): readonly BookLevel[] {
    return this.bidSide.levels;
  }

  /** Applies a snapshot (after clearing) or an update; returns whether the checksum matches. */
  apply(msg: BookMessage, snapshot: boolean): boolean {
    if (snapshot) {
      this.askSide.levels = [];
      this.bidSide.levels = [];
    }
    for (const l of msg.asks) this.askSide.apply(l);
    for (const l of msg.bids) this.bidSide.apply(l);
    this.askSide.truncate(this.depth);
    this.bidSide.truncate(this.depth);
    return this.checksum() === msg.checksum;
  }

  checksum(): number {
    return bookChecksum(this.asks, this.bids, this.precision);
  }
}
