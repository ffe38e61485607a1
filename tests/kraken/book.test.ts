import { describe, expect, it } from 'vitest';
import { OrderBook, bookChecksum, checksumInput, type BookLevel } from '../../src/kraken/book.ts';

const lv = (s: string): BookLevel[] =>
  s.split(', ').map((x) => {
    const [price, qty] = x.split('@');
    return { price: Number(price), qty: Number(qty) };
  });

// reference/kraken-api.md §9 test vector (BTC/USD, precision 1/8).
const ASKS = lv(
  '29430.3@8.25215653, 29430.4@2.55637606, 29430.5@0.2997598, 29430.9@2.56473216, 29431.0@0.00011662, 29431.1@0.001, 29432.3@0.0241, 29432.4@0.02210682, 29432.5@3.39761477, 29433.1@0.01021497',
);
const BIDS = lv(
  '29430.2@0.18967538, 29429.6@0.00011621, 29427.4@0.001, 29426.7@4.0, 29425.7@0.67945399, 29423.5@0.67950478, 29422.1@0.16314267, 29421.8@0.06797895, 29421.7@0.23401846, 29421.5@0.28639276',
);
const PREC = { priceDecimals: 1, qtyDecimals: 8 };

describe('book checksum (CRC32 over the top 10 levels)', () => {
  it('builds the documented checksum string for the snapshot vector', () => {
    const s = checksumInput(ASKS, BIDS, PREC);
    expect(s.startsWith('2943038252156532943042556376062943052997598')).toBe(true);
    expect(s).toHaveLength(271);
  });

  it('reproduces the snapshot checksum 2785033588', () => {
    expect(bookChecksum(ASKS, BIDS, PREC)).toBe(2785033588);
  });

  it('applies the documented update (delete, insert, truncate to 10) and reproduces 3547452596', () => {
    const book = new OrderBook(10, PREC);
    expect(book.apply({ asks: ASKS, bids: BIDS, checksum: 2785033588 }, true)).toBe(true);
    const update = { asks: lv('29431.1@0, 29433.3@0.8, 29430.6@0.001'), bids: [], checksum: 3547452596 };
    expect(book.apply(update, false)).toBe(true);
    expect(book.asks).toHaveLength(10);
    expect(book.asks.map((l) => l.price)).not.toContain(29431.1);
    expect(book.asks[3]).toEqual({ price: 29430.6, qty: 0.001 });
  });

  it('reports a mismatch when the venue checksum disagrees with the local book', () => {
    const book = new OrderBook(10, PREC);
    expect(book.apply({ asks: ASKS, bids: BIDS, checksum: 1 }, true)).toBe(false);
  });

  it('keeps asks ascending and bids descending whatever order levels arrive in', () => {
    const book = new OrderBook(3, PREC);
    book.apply({ asks: lv('3@1, 1@1, 2@1, 4@1'), bids: lv('1@1, 3@1, 2@1, 0.5@1'), checksum: 0 }, true);
    expect(book.asks.map((l) => l.price)).toEqual([1, 2, 3]);
    expect(book.bids.map((l) => l.price)).toEqual([3, 2, 1]);
  });
});
