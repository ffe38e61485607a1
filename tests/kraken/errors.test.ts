import { describe, expect, it } from 'vitest';
import { transportError, venueError } from '../../src/kraken/errors.ts';

describe('Kraken error taxonomy', () => {
  it.each([
    ['EGeneral:Invalid arguments:volume', 'bug', false],
    ['EQuery:Unknown asset pair', 'bug', false],
    ['EAPI:Invalid key', 'auth', false],
    ['EAPI:Invalid signature', 'auth', false],
    ['EGeneral:Permission denied', 'auth', false],
    ['EAPI:Invalid nonce', 'retryable', true],
    ['EAPI:Rate limit exceeded', 'rateLimit', true],
    ['EService: Throttled: 1688666559', 'rateLimit', true],
    ['EOrder:Rate limit exceeded', 'rateLimit', true],
    ['EService:Unavailable', 'unavailable', true],
    ['EService:Busy', 'unavailable', true],
    ['EService:Market in cancel_only mode', 'unavailable', false],
    ['EOrder:Insufficient funds', 'rejected', false],
    ['EOrder:Order minimum not met', 'rejected', false],
    ['EOrder:Unknown order', 'rejected', false],
    ['EGeneral:Internal error', 'retryable', true],
    ['ESomething:New and unknown', 'bug', false],
  ] as const)('classifies %s as %s', (code, kind, retryable) => {
    const err = venueError(code, 'Balance');
    expect(err.kind).toBe(kind);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(code);
    expect(err.message).toContain('Balance');
  });

  it('treats an internal error on an order-placing call as "order may exist", never retryable', () => {
    const err = venueError('EGeneral:Internal error', 'AddOrder', { placesOrder: true });
    expect(err.kind).toBe('orderMayExist');
    expect(err.retryable).toBe(false);
  });

  it('treats a timeout after sending an order as "order may exist", but a refused connection as retryable', () => {
    expect(transportError('TIMEOUT', 'AddOrder', 'x', { placesOrder: true, maybeSent: true }).kind).toBe('orderMayExist');
    expect(transportError('ECONNREFUSED', 'AddOrder', 'x', { placesOrder: true, maybeSent: false }).kind).toBe('retryable');
    expect(transportError('HTTP_502', 'Balance', 'x', { maybeSent: true }).retryable).toBe(true);
  });
});
