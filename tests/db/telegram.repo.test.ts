import { describe, expect, it } from 'vitest';
import { telegramRepo } from '../../src/db/telegram.repo.ts';
import { memoryDb } from './helpers.ts';

const T0 = Date.UTC(2025, 0, 6);

describe('telegram tables', () => {
  it('the outbox keeps order per chat: only the head of each chat is due, and a dedup key is queued once per chat', () => {
    const r = telegramRepo(memoryDb());
    const a1 = r.enqueue({ chatId: 1, kind: 'message', payload: { text: 'a1' }, dedupKey: 'k', createdAt: T0 });
    const a2 = r.enqueue({ chatId: 1, kind: 'message', payload: { text: 'a2' }, createdAt: T0 });
    const b1 = r.enqueue({ chatId: 2, kind: 'message', payload: { text: 'b1' }, dedupKey: 'k', createdAt: T0 });
    expect(r.enqueue({ chatId: 1, kind: 'message', payload: { text: 'again' }, dedupKey: 'k', createdAt: T0 })).toBeNull();
    expect(r.pendingHeads().map((m) => m.id)).toEqual([a1, b1]);
    r.markRetry(a1!, T0 + 5000, '502: Bad Gateway');
    expect(r.pendingHeads()[0]).toMatchObject({ id: a1, attempts: 1, nextAttemptAt: T0 + 5000, lastError: '502: Bad Gateway' });
    r.markSent(a1!, 77, T0 + 6000);
    r.markSent(a1!, 78, T0 + 7000);
    expect(r.byId(a1!)).toMatchObject({ status: 'sent', messageId: 77, attempts: 2, sentAt: T0 + 6000 });
    expect(r.pendingHeads().map((m) => m.id)).toEqual([a2, b1]);
    r.markFailed(b1!, '403: Forbidden', T0);
    expect(r.pendingCount()).toBe(1);
    expect(r.prune(T0 + 1)).toBe(2);
  });

  it('a photo row keeps its bytes', () => {
    const r = telegramRepo(memoryDb());
    const id = r.enqueue({ chatId: 1, kind: 'photo', payload: { caption: 'c' }, photo: new Uint8Array([0x89, 0x50, 1, 2]), createdAt: T0 });
    expect([...r.byId(id!)!.photo!]).toEqual([0x89, 0x50, 1, 2]);
  });

  it('an update id is taken in once', () => {
    const r = telegramRepo(memoryDb());
    expect(r.takeUpdate(10, T0)).toBe(true);
    expect(r.takeUpdate(10, T0 + 1)).toBe(false);
    expect(r.pruneUpdates(T0 + 1)).toBe(1);
  });

  it('a confirmation is decided once, and never at or after its expiry (it becomes expired then)', () => {
    const r = telegramRepo(memoryDb());
    r.createConfirmation({ id: 'abcdefghijkl', userId: 1, chatId: 1, command: 'kill', args: [], createdAt: T0, expiresAt: T0 + 60_000 });
    r.createConfirmation({ id: 'mnopqrstuvwx', userId: 1, chatId: 1, command: 'stop', args: ['x'], createdAt: T0, expiresAt: T0 + 60_000 });
    expect(r.decide('abcdefghijkl', 'confirmed', T0 + 59_999)).toBe(true);
    expect(r.decide('abcdefghijkl', 'cancelled', T0 + 59_999)).toBe(false);
    expect(r.confirmation('abcdefghijkl')).toMatchObject({ status: 'confirmed', decidedAt: T0 + 59_999 });
    expect(r.decide('mnopqrstuvwx', 'confirmed', T0 + 60_000)).toBe(false);
    expect(r.confirmation('mnopqrstuvwx')).toMatchObject({ status: 'expired', args: ['x'] });
  });
});
