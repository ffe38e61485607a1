import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.ts';
import { fill, T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

describe('fills repository', () => {
  it('stores a fill once per trade_id and says whether it was new', () => {
    const repo = createRepositories(memoryDb()).fills;
    expect(repo.insert(fill())).toBe(true);
    expect(repo.insert(fill())).toBe(false);
    expect(repo.insert(fill({ price: 1 }))).toBe(false);
    expect(repo.byClOrdId('c-0001')).toEqual([fill()]);
  });

  it('lists the fills of an order and of a time range, oldest first', () => {
    const repo = createRepositories(memoryDb()).fills;
    repo.insert(fill({ tradeId: 'T-2', time: T0 + 2_000 }));
    repo.insert(fill({ tradeId: 'T-1', time: T0 + 1_000 }));
    repo.insert(fill({ tradeId: 'T-3', clOrdId: 'other', time: T0 + 3_000, liquidity: 'taker' }));
    expect(repo.byClOrdId('c-0001').map((f) => f.tradeId)).toEqual(['T-1', 'T-2']);
    expect(repo.inRange(T0 + 1_500, T0 + 3_001).map((f) => f.tradeId)).toEqual(['T-2', 'T-3']);
    expect(repo.inRange(T0 + 3_000, T0 + 3_001)[0]).toEqual(fill({ tradeId: 'T-3', clOrdId: 'other', time: T0 + 3_000, liquidity: 'taker' }));
  });
});
