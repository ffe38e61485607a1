import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.ts';
import { position, T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

describe('positions repository', () => {
  it('round-trips a position and replaces it on save', () => {
    const repo = createRepositories(memoryDb()).positions;
    repo.save(position());
    expect(repo.byId('p-1')).toEqual(position());
    const closed = position({ status: 'closed', quantity: 0, exitFees: 3.1, realizedPnl: 42.5, closedAt: T0 + 60_000, exitReason: 'take_profit' });
    repo.save(closed);
    expect(repo.byId('p-1')).toEqual(closed);
    expect(repo.byId('missing')).toBeUndefined();
  });

  it('lists unclosed positions, per pair, and those closed in a range', () => {
    const repo = createRepositories(memoryDb()).positions;
    repo.save(position({ id: 'a', status: 'pendingEntry', openedAt: T0 }));
    repo.save(position({ id: 'b', pair: 'ETH/USD', status: 'pendingExit', openedAt: T0 + 1 }));
    repo.save(position({ id: 'c', status: 'closed', closedAt: T0 + 100, exitReason: 'signal' }));
    repo.save(position({ id: 'd', status: 'closed', closedAt: T0 + 200, exitReason: 'stop_loss' }));
    expect(repo.open().map((p) => p.id)).toEqual(['a', 'b']);
    expect(repo.openByPair('ETH/USD').map((p) => p.id)).toEqual(['b']);
    expect(repo.closedInRange(T0, T0 + 200).map((p) => p.id)).toEqual(['c']);
  });

  it('refuses a closed position without a close time', () => {
    const repo = createRepositories(memoryDb()).positions;
    expect(() => repo.save(position({ status: 'closed' }))).toThrow(/CHECK/);
  });

  it('issue 12: saving a different position under an existing id is refused loudly and leaves the row as it was', () => {
    const repo = createRepositories(memoryDb()).positions;
    repo.save(position({ id: 'P1', status: 'closed', closedAt: T0 + 100, exitReason: 'signal', openedAt: T0 }));
    expect(() => repo.save(position({ id: 'P1', status: 'pendingEntry', openedAt: T0 + 5_000 }))).toThrow(/P1 already names another position/);
    expect(repo.byId('P1')).toMatchObject({ status: 'closed', openedAt: T0 });
  });
});
