/**
 * The outbox: every message is sent once, in order per chat, whatever the Bot API does meanwhile —
 * server errors, flood waits, the server gone and back, a restart of the daemon. Time moves only by
 * the SimulatedClock, so retries and pacing are driven, never waited for.
 */
import { describe, expect, it } from 'vitest';
import type { SupervisorEmitted } from '../../machines/supervisor-types.ts';
import { createRepositories } from '../../src/db/index.ts';
import { telegramRepo } from '../../src/db/telegram.repo.ts';
import { createLogger } from '../../src/log/index.ts';
import { startTelegram } from '../../src/telegram/start.ts';
import { ADMIN_ID, startHarness, VIEWER_ID, type Harness } from './harness.ts';

const closed = (i: number): SupervisorEmitted => ({
  type: 'position.closed',
  positionId: `p-${i}`,
  pair: 'BTC/USD',
  pnl: i,
  fees: 0.5,
  exitReason: 'signal',
  at: Date.UTC(2025, 0, 6, 12),
});
const expected = (n: number) => Array.from({ length: n }, (_, i) => `Closed BTC/USD: +$${(i + 1).toFixed(2)}`);

/** Moves the clock in steps until nothing is pending (or the steps run out). */
async function runClock(h: Harness, stepMs: number, steps: number): Promise<void> {
  for (let i = 0; i < steps && h.tg.outbox.pending() > 0; i++) {
    h.clock.increment(stepMs);
    await h.tg.settled();
  }
}

const received = (h: Harness, chat: number) =>
  h.api.sent
    .filter((s) => s.chatId === chat && s.method === 'sendMessage')
    .map((s) =>
      s.text
        .replace(/^⏱ delayed: queued at \d\d:\d\d UTC\n/, '')
        .replace(/^✅ /, '')
        .replace(/ after .*$/, ''),
    );

describe('the outbox', () => {
  it('an outage of the Bot API during a burst of notifications loses none and sends none twice', async () => {
    const h = await startHarness();
    h.api.fail('sendMessage', { status: 502 }, 4);
    h.api.fail('sendMessage', { drop: true }, 2);
    for (let i = 1; i <= 15; i++) h.tg.notifier.notify(closed(i));
    await h.tg.settled();
    await h.api.down();
    for (let i = 16; i <= 30; i++) h.tg.notifier.notify(closed(i));
    await runClock(h, 5_000, 20);
    expect(h.tg.outbox.pending()).toBeGreaterThan(0);
    await h.api.up();
    h.api.fail('sendMessage', { status: 429, retryAfter: 90 }, 1);
    await runClock(h, 10_000, 200);
    expect(h.tg.outbox.pending()).toBe(0);
    for (const chat of [ADMIN_ID, VIEWER_ID]) expect(received(h, chat)).toEqual(expected(30));
    // A re-announced event is not queued again.
    h.tg.notifier.notify(closed(7));
    await h.tg.settled();
    expect(received(h, ADMIN_ID)).toHaveLength(30);
  });

  it('a message sent long after it was queued says when it was queued', async () => {
    const h = await startHarness();
    await h.api.down();
    h.tg.notifier.notify(closed(1));
    await h.tg.settled();
    h.clock.increment(10 * 60_000);
    await h.api.up();
    await runClock(h, 60_000, 10);
    const [first] = h.api.sent.filter((s) => s.chatId === ADMIN_ID);
    expect(first!.text).toMatch(/^⏱ delayed: queued at 12:00 UTC\n✅ Closed BTC\/USD/);
    expect(first!.entities).toEqual([]);
  });

  it('a flood wait within the cap is retried in place by auto-retry; a longer one waits in the outbox until retry_after', async () => {
    const h = await startHarness();
    h.api.fail('sendMessage', { status: 429, retryAfter: 0 }, 1);
    expect(await h.ask(ADMIN_ID, '/count')).toHaveLength(1);
    expect(h.api.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(2);
    h.api.fail('sendMessage', { status: 429, retryAfter: 120 }, 1);
    expect(await h.ask(ADMIN_ID, '/count')).toHaveLength(0);
    h.clock.increment(119_000);
    await h.tg.settled();
    expect(h.tg.outbox.pending()).toBe(1);
    h.clock.increment(1_000);
    await h.tg.settled();
    expect(h.tg.outbox.pending()).toBe(0);
    expect(h.api.sent.filter((s) => s.chatId === ADMIN_ID)).toHaveLength(2);
  });

  it('paces each chat (a burst, then the steady rate) without holding other chats back', async () => {
    const h = await startHarness({ telegram: { messagesBurstPerChat: 3, messagesPerSecondPerChat: 1 } });
    for (let i = 1; i <= 6; i++) h.tg.notifier.send('exit', `k${i}`, { ok: true, outcome: 'done', blocks: [{ kind: 'text', text: `m${i}` }] });
    await h.tg.settled();
    const count = (chat: number) => h.api.sent.filter((s) => s.chatId === chat).length;
    expect([count(ADMIN_ID), count(VIEWER_ID)]).toEqual([3, 3]);
    h.clock.increment(1_000);
    await h.tg.settled();
    expect([count(ADMIN_ID), count(VIEWER_ID)]).toEqual([4, 4]);
    h.clock.increment(2_000);
    await h.tg.settled();
    expect([count(ADMIN_ID), count(VIEWER_ID)]).toEqual([6, 6]);
    expect(h.api.sent.filter((s) => s.chatId === ADMIN_ID).map((s) => s.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('a message Telegram refuses for good is kept as failed and logged; the chat goes on with the next one', async () => {
    const h = await startHarness();
    h.api.state.blocked.add(VIEWER_ID);
    h.tg.notifier.notify(closed(1));
    await h.tg.settled();
    h.api.state.blocked.delete(VIEWER_ID);
    h.tg.notifier.notify(closed(2));
    await h.tg.settled();
    expect(received(h, VIEWER_ID)).toEqual([expected(2)[1]]);
    expect(received(h, ADMIN_ID)).toEqual(expected(2));
    expect(h.lines.some((l) => l.includes('telegram refused a message for good') && l.includes('403'))).toBe(true);
    const failed = telegramRepo(h.deps.db)
      .inRange(0, Number.MAX_SAFE_INTEGER)
      .filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.chatId)).toEqual([VIEWER_ID]);
    expect(failed[0]!.lastError).toMatchObject({ code: 'telegram.refused', message: expect.stringMatching(/^sendMessage 403: Forbidden/), retryable: false });
    expect(h.lines.some((l) => l.includes('telegram refused a message for good') && l.includes('"code":"telegram.refused"'))).toBe(true);
  });

  it('what is still queued when the daemon stops is sent by the next start, once', async () => {
    const h = await startHarness();
    await h.api.down();
    for (let i = 1; i <= 3; i++) h.tg.notifier.notify(closed(i));
    await h.tg.stop(0);
    await h.api.up();
    const log = createLogger({ level: 'silent', pretty: false, destination: { write: () => undefined }, secrets: [] });
    const audit = createRepositories(h.deps.db).audit;
    const next = startTelegram({
      config: h.deps.config,
      token: h.api.token,
      log,
      clock: h.deps.clock,
      control: h.deps,
      repo: telegramRepo(h.deps.db),
      audit: (e) => void audit.record(e),
      dailyReport: async () => ({ ok: true, outcome: 'done', blocks: [] }),
    });
    try {
      for (let i = 0; i < 20 && next.outbox.pending() > 0; i++) {
        h.clock.increment(10_000);
        await next.settled();
      }
      expect(received(h, ADMIN_ID)).toEqual(expected(3));
    } finally {
      await next.stop(0);
    }
  });
});
