import { describe, expect, it } from 'vitest';
import { createRepositories, DbError } from '../../src/db/index.ts';
import { orderIntent, T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

describe('orders repository', () => {
  it('stores an intent row with status intent, nothing filled and no venue id', () => {
    const repo = createRepositories(memoryDb()).orders;
    const written = repo.insertIntent(orderIntent());
    const expected = { ...orderIntent(), status: 'intent', filledQuantity: 0, venueOrderId: null, updatedAt: T0 };
    expect(written).toEqual(expected);
    expect(repo.byClOrdId('c-0001')).toEqual(expected);
  });

  it('inv. 4: a second intent with the same cl_ord_id is refused, not duplicated', () => {
    const repo = createRepositories(memoryDb()).orders;
    repo.insertIntent(orderIntent());
    let error: unknown;
    try {
      repo.insertIntent(orderIntent({ quantity: 1 }));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DbError);
    expect(error).toMatchObject({ code: 'duplicate', retryable: false, message: expect.stringContaining('c-0001') });
    expect(repo.byStatus('intent')).toHaveLength(1);
    expect(repo.byClOrdId('c-0001')?.quantity).toBe(0.0125);
  });

  it('updates status, venue id and filled quantity, keeping fields that were not given', () => {
    const repo = createRepositories(memoryDb()).orders;
    repo.insertIntent(orderIntent());
    repo.updateStatus('c-0001', { status: 'open', venueOrderId: 'OABC-123', updatedAt: T0 + 1 });
    const updated = repo.updateStatus('c-0001', { status: 'partial', filledQuantity: 0.005, updatedAt: T0 + 2 });
    expect(updated).toMatchObject({ status: 'partial', venueOrderId: 'OABC-123', filledQuantity: 0.005, updatedAt: T0 + 2 });
    expect(repo.byClOrdId('c-0001')).toEqual(updated);
  });

  it('refuses to give one venue order id to two orders', () => {
    const repo = createRepositories(memoryDb()).orders;
    repo.insertIntent(orderIntent({ clOrdId: 'a' }));
    repo.insertIntent(orderIntent({ clOrdId: 'b' }));
    repo.updateStatus('a', { status: 'open', venueOrderId: 'OX-1', updatedAt: T0 + 1 });
    expect(() => repo.updateStatus('b', { status: 'open', venueOrderId: 'OX-1', updatedAt: T0 + 1 })).toThrow(expect.objectContaining({ code: 'duplicate' }));
  });

  it('refuses to update an order that has no intent row', () => {
    const repo = createRepositories(memoryDb()).orders;
    expect(() => repo.updateStatus('nope', { status: 'open', updatedAt: T0 })).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('lists orders by status, open orders, and orders of a position', () => {
    const repo = createRepositories(memoryDb()).orders;
    repo.insertIntent(orderIntent({ clOrdId: 'a', createdAt: T0 }));
    repo.insertIntent(orderIntent({ clOrdId: 'b', createdAt: T0 + 1, positionId: 'p-2' }));
    repo.insertIntent(orderIntent({ clOrdId: 'c', createdAt: T0 + 2 }));
    repo.updateStatus('a', { status: 'filled', updatedAt: T0 + 5 });
    repo.updateStatus('b', { status: 'unknown', updatedAt: T0 + 5 });
    const ids = (os: { clOrdId: string }[]) => os.map((o) => o.clOrdId);
    expect(ids(repo.byStatus('filled'))).toEqual(['a']);
    expect(ids(repo.byStatus('filled', 'unknown'))).toEqual(['a', 'b']);
    expect(repo.byStatus()).toEqual([]);
    expect(ids(repo.open())).toEqual(['b', 'c']);
    expect(ids(repo.byPosition('p-1'))).toEqual(['a', 'c']);
  });

  it('enforces the status enum in the schema', () => {
    const db = memoryDb();
    createRepositories(db).orders.insertIntent(orderIntent());
    expect(() => db.prepare("UPDATE orders SET status = 'lost'").run()).toThrow(/CHECK/);
  });
});
