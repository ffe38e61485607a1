/** Issue 12: order and position ids never repeat, whatever the clock does, and fit Kraken's cl_ord_id. */
import { afterEach, describe, expect, it } from 'vitest';
import { createRepositories, openDatabase, type Repositories } from '../../src/db/index.ts';
import { newIdPrefix } from '../../src/daemon/ids.ts';
import { positionIdFor, positionOfOrder } from '../../src/trading/routing.ts';
import { isKrakenClOrdId } from '../../src/kraken/orders.ts';

const opened: Repositories[] = [];
afterEach(() => opened.splice(0).forEach((r) => r.db.close()));

function repos(): Repositories {
  const r = createRepositories(openDatabase({ path: ':memory:' }));
  opened.push(r);
  return r;
}

describe('position and order ids', () => {
  it('are built from the boot prefix and a counter, not from the clock, and fit Kraken cl_ord_ids up to order 9999', () => {
    const prefix = newIdPrefix(repos());
    for (const seq of [0, 1, 35, 36 ** 4, 36 ** 5 - 1]) {
      const id = positionIdFor(prefix, seq);
      expect(id.startsWith(`P${prefix}`)).toBe(true);
      for (const n of [1, 2, 9999]) {
        expect(isKrakenClOrdId(`${id}-${n}`), `${id}-${n}`).toBe(true);
        expect(positionOfOrder(`${id}-${n}`)).toBe(id);
      }
    }
  });

  it('a new boot gets a prefix no stored position or order uses, even when the random source repeats', () => {
    const r = repos();
    const used = newIdPrefix(r, () => 'aaaaaa');
    r.orders.insertIntent({
      clOrdId: `${positionIdFor(used, 0)}-1`,
      pair: 'BTC/USD',
      side: 'buy',
      type: 'market',
      quantity: 1,
      limitPrice: null,
      positionId: positionIdFor(used, 0),
      reason: '',
      createdAt: 0,
    });
    const draws = ['aaaaaa', 'aaaaaa', 'bbbbbb'];
    expect(newIdPrefix(r, () => draws.shift()!)).toBe('bbbbbb');
  });

  it('two boots draw different prefixes', () => {
    const r = repos();
    const prefixes = new Set(Array.from({ length: 200 }, () => newIdPrefix(r)));
    expect(prefixes.size).toBe(200);
  });

  it('Kraken cl_ord_id rules: at most 18 printable ASCII characters, or a UUID (dashed or 32 hex)', () => {
    expect(isKrakenClOrdId('P12345abcdef-9999x')).toBe(true);
    expect(isKrakenClOrdId('P12345abcdef-99999')).toBe(true);
    expect(isKrakenClOrdId('P12345abcdef-999999')).toBe(false);
    expect(isKrakenClOrdId('6d1b345e-2821-40e2-ad83-4ecb18a06876')).toBe(true);
    expect(isKrakenClOrdId('6d1b345e282140e2ad834ecb18a06876')).toBe(true);
    expect(isKrakenClOrdId('has space')).toBe(false);
    expect(isKrakenClOrdId('')).toBe(false);
  });
});
