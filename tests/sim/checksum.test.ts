import { describe, expect, it } from 'vitest';
import { bookChecksum, bookChecksumInput, type Level } from '../../src/sim/checksum.ts';

const lv = (s: string): Level[] =>
  s.split(', ').map((x) => {
    const [p, q] = x.split('@');
    return { price: Number(p), qty: Number(q) };
  });
const asks = lv(
  '29430.3@8.25215653, 29430.4@2.55637606, 29430.5@0.2997598, 29430.9@2.56473216, 29431.0@0.00011662, 29431.1@0.001, 29432.3@0.0241, 29432.4@0.02210682, 29432.5@3.39761477, 29433.1@0.01021497',
);
const bids = lv(
  '29430.2@0.18967538, 29429.6@0.00011621, 29427.4@0.001, 29426.7@4.0, 29425.7@0.67945399, 29423.5@0.67950478, 29422.1@0.16314267, 29421.8@0.06797895, 29421.7@0.23401846, 29421.5@0.28639276',
);

describe('book checksum (CRC32, WS v2)', () => {
  it('matches the spec snapshot vector 2785033588', () => {
    const text = bookChecksumInput(asks, bids, 1, 8);
    expect(text.startsWith('2943038252156532943042556376062943052997598')).toBe(true);
    expect(text).toHaveLength(271);
    expect(bookChecksum(asks, bids, 1, 8)).toBe(2785033588);
  });

  it('matches the spec update vector 3547452596 after deletes, inserts and truncation to 10', () => {
    const next = asks
      .filter((l) => l.price !== 29431.1)
      .concat([
        { price: 29433.3, qty: 0.8 },
        { price: 29430.6, qty: 0.001 },
      ]);
    next.sort((a, b) => a.price - b.price);
    expect(bookChecksum(next.slice(0, 10), bids, 1, 8)).toBe(3547452596);
  });
});
