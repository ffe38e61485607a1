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
    const badGateway = { code: 'telegram.server', message: '502: Bad Gateway', retryable: true };
    r.markRetry(a1!, T0 + 5000, badGateway);
    expect(r.pendingHeads()[0]).toMatchObject({ id: a1, attempts: 1, nextAttemptAt: T0 + 5000, lastError: badGateway });
    r.markSent(a1!, 77, T0 + 6000);
    r.markSent(a1!, 78, T0 + 7000);
    expect(r.byId(a1!)).toMatchObject({ status: 'sent', messageId: 77, attempts: 2, sentAt: T0 + 6000 });
    expect(r.pendingHeads().map((m) => m.id)).toEqual([a2, b1]);
    r.markFailed(b1!, { code: 'telegram.refused', message: '403: Forbidden', retryable: false }, T0);
    expect(r.pendingCount()).toBe(1);
    expect(r.prune(T0 + 1)).toBe(2);
  });

  it('a failed send is stored with its code beside its words; a row from before the code column is read from its text', () => {
    const db = memoryDb();
    const r = telegramRepo(db);
    const id = r.enqueue({ chatId: 1, kind: 'message', payload: { text: 'x' }, createdAt: T0 })!;
    r.markFailed(id, { code: 'telegram.refused', message: 'sendMessage 403: Forbidden', retryable: false }, T0);
    expect(db.prepare('SELECT last_error, last_error_code FROM telegram_outbox WHERE id = ?').get([id])).toEqual({
      last_error: 'sendMessage 403: Forbidden',
      last_error_code: 'telegram.refused',
    });
    const old = r.enqueue({ chatId: 2, kind: 'message', payload: { text: 'y' }, createdAt: T0 })!;
    db.prepare("UPDATE telegram_outbox SET last_error = '[telegram.server, retryable] 502: Bad Gateway' WHERE id = ?").run([old]);
    expect(r.byId(old)!.lastError).toEqual({ code: 'telegram.server', message: '502: Bad Gateway', retryable: true });
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
