/** Issue 12: a venue/ledger balance mismatch holds the breaker at reducing until it is explained. */
import { describe, expect, it } from 'vitest';
import { startBreaker, T0 } from './breaker.fixtures.ts';

describe('breaker machine: balance hold', () => {
  it('a hold puts an active breaker in reducing with reason balance_mismatch; only a release by the same authority brings it back', () => {
    const b = startBreaker();
    b.send({ type: 'breaker.hold', reason: 'balance_mismatch', time: T0 + 1 });
    expect(b.level()).toBe('reducing');
    expect(b.emitted.at(-1)).toMatchObject({ type: 'breaker.reduced', reason: 'balance_mismatch', at: T0 + 1 });
    b.update({ now: T0 + 2 });
    expect(b.level()).toBe('reducing');
    b.send({ type: 'breaker.release', reason: 'audit_failed', time: T0 + 3 });
    expect(b.level()).toBe('reducing');
    b.send({ type: 'breaker.release', reason: 'balance_mismatch', time: T0 + 3 });
    expect(b.level()).toBe('active');
    expect(b.emitted.at(-1)).toMatchObject({ type: 'breaker.resumed', from: 'reducing' });
  });

  it('an operator resume lifts the hold; a halt still wins over it', () => {
    const b = startBreaker();
    b.send({ type: 'breaker.hold', reason: 'balance_mismatch', time: T0 + 1 });
    b.send({ type: 'breaker.resume', by: 'operator', time: T0 + 2 });
    expect(b.level()).toBe('active');
    b.send({ type: 'breaker.hold', reason: 'balance_mismatch', time: T0 + 3 });
    b.update({ equity: 9_600, dayStartEquity: 10_000, now: T0 + 4 });
    expect(b.level()).toBe('halted');
  });

  it('two authorities hold at once: the release of one leaves the other holding', () => {
    const b = startBreaker();
    b.send({ type: 'breaker.hold', reason: 'balance_mismatch', time: T0 + 1 });
    b.send({ type: 'breaker.hold', reason: 'rollback', time: T0 + 2 });
    b.send({ type: 'breaker.release', reason: 'balance_mismatch', time: T0 + 3 });
    expect(b.level()).toBe('reducing');
    expect(b.context().holds).toEqual(['rollback']);
    b.send({ type: 'breaker.release', reason: 'rollback', time: T0 + 4 });
    expect(b.level()).toBe('active');
  });

  it("a rollback's timed hold lapses by itself at its time, heard from the next event, and survives a restart before it", () => {
    const b = startBreaker();
    b.send({ type: 'breaker.hold', reason: 'rollback', time: T0 + 1, until: T0 + 100 });
    expect(b.level()).toBe('reducing');
    const again = startBreaker({ resume: { value: 'reducing', context: b.context(), now: T0 + 50 } });
    again.update({ now: T0 + 99 });
    expect(again.level()).toBe('reducing');
    again.update({ now: T0 + 100 });
    expect(again.level()).toBe('active');
    expect(again.context()).toMatchObject({ holds: [], holdUntil: {} });
  });

  it('a breaker row written before holds existed resumes without one', () => {
    const b = startBreaker();
    const { holds: _holds, ...old } = b.context();
    const again = startBreaker({ resume: { value: 'active', context: old as never, now: T0 + 5 } });
    expect(again.context().holds).toEqual([]);
    expect(again.level()).toBe('active');
  });

  it('a breaker row written when a single hold was kept resumes holding it', () => {
    const b = startBreaker();
    const { holds: _holds, ...old } = b.context();
    const again = startBreaker({ resume: { value: 'reducing', context: { ...old, hold: 'audit_failed', reason: 'audit_failed' } as never, now: T0 + 5 } });
    expect(again.context().holds).toEqual(['audit_failed']);
    expect(again.level()).toBe('reducing');
    again.send({ type: 'breaker.release', reason: 'audit_failed', time: T0 + 6 });
    expect(again.level()).toBe('active');
  });
});
