/**
 * Webhook mode through the loopback Bot API, which POSTs updates as Telegram does (it plays the TLS
 * reverse proxy too): commands answered, a request without the right secret refused, an update Telegram
 * sends again after a lost answer handled once, a port that cannot be bound warned about once while the
 * notifications still go out, and polling again deletes the webhook.
 */
import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.ts';
import { startFakeBotApi } from '../../src/telegram/loopback/server.ts';
import { REFUSAL_LOG_MS } from '../../src/telegram/webhook.ts';
import { ADMIN_ID, startHarness, texts, WEBHOOK_SECRET, WEBHOOK_URL } from './harness.ts';

const post = (port: number, body: unknown, headers: Record<string, string>, path = '/telegram/hook') =>
  fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('the bot on a webhook', () => {
  it('sets its webhook with the secret and the update kinds, and answers commands delivered by POST', async () => {
    const h = await startHarness({ webhook: true });
    const set = h.api.calls.find((c) => c.method === 'setWebhook')!;
    expect(set.payload).toMatchObject({ url: WEBHOOK_URL, secret_token: WEBHOOK_SECRET, allowed_updates: ['message', 'callback_query'] });
    expect(h.api.calls.some((c) => c.method === 'getUpdates')).toBe(false);
    expect(texts(await h.ask(ADMIN_ID, '/count')).join('\n')).toMatch(/position slots used/);
    expect(texts(await h.ask(ADMIN_ID, '/pause'))).toHaveLength(1);
    expect(h.api.deliveries.map((d) => d.outcome)).toEqual([200, 200]);
    expect(h.api.state.waitingUpdates).toBe(0);
  });

  it('refuses a request without the right secret token: 401, nothing run, nothing answered, a warning per 10 minutes', async () => {
    const h = await startHarness({ webhook: true });
    const forged = {
      update_id: 900,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: ADMIN_ID, type: 'private', first_name: 'a' },
        from: { id: ADMIN_ID, is_bot: false, first_name: 'a' },
        text: '/stop',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
    expect((await post(h.tg.webhookPort!, forged, { 'x-telegram-bot-api-secret-token': 'wrong-secret-0123456789' })).status).toBe(401);
    expect((await post(h.tg.webhookPort!, forged, {})).status).toBe(401);
    expect((await post(h.tg.webhookPort!, forged, { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, '/elsewhere')).status).toBe(404);
    await h.tg.settled();
    expect(h.api.sent).toEqual([]);
    expect(createRepositories(h.deps.db).audit.inRange(0, Number.MAX_SAFE_INTEGER)).toEqual([]);
    // Logged once per window, the rest counted: a scanner hammering the hook cannot fill the disk.
    const warnings = () => h.lines.filter((l) => l.includes('without the right secret token'));
    expect(warnings()).toHaveLength(1);
    for (let i = 0; i < 20; i++) expect((await post(h.tg.webhookPort!, forged, {})).status).toBe(401);
    expect(warnings()).toHaveLength(1);
    h.clock.increment(REFUSAL_LOG_MS);
    expect((await post(h.tg.webhookPort!, forged, {})).status).toBe(401);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toContain('(and 21 more since the last warning)');
  });

  it('handles an update Telegram sends again after losing the answer once', async () => {
    const h = await startHarness({ webhook: true });
    h.api.loseWebhookAnswers(1);
    const sent = await h.ask(ADMIN_ID, '/count');
    expect(h.api.deliveries.map((d) => d.outcome)).toEqual(['answer lost', 200]);
    expect(new Set(h.api.deliveries.map((d) => d.updateId)).size).toBe(1);
    expect(sent).toHaveLength(1);
    expect(h.lines.some((l) => l.includes('telegram update seen before: skipped'))).toBe(true);
  });

  it('cannot bind its port: one warning, the notifications still go out, and it listens once the port is free', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    const h = await startHarness({
      webhook: false,
      telegram: { updates: 'webhook', webhookUrl: WEBHOOK_URL, webhookPort: port },
      settings: { secrets: { telegramWebhookSecret: WEBHOOK_SECRET } },
    });
    const warned = () => h.lines.filter((l) => l.includes(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`));
    await h.api.until(() => h.api.calls.some((c) => c.method === 'getMe'));
    for (let i = 0; i < 500 && warned().length === 0; i++) await new Promise((r) => setImmediate(r));
    expect(warned()[0]).toContain('the daemon trades the same');
    expect(h.tg.webhookHealth()).toMatchObject({ status: 'degraded', code: 'telegram.webhook_not_set', checkedAt: null });
    expect(h.tg.webhookHealth()!.detail).toContain(`cannot listen on 127.0.0.1:${port} (EADDRINUSE)`);
    h.tg.notifier.notify({ type: 'console.startup', mode: 'paper', pairs: ['BTC/USD'], at: h.clock.now() });
    await h.api.until(() => h.api.sent.length > 0);
    h.clock.increment(30_000);
    await new Promise((r) => setImmediate(r));
    expect(warned()).toHaveLength(1);
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    h.clock.increment(30_000);
    await h.api.until(() => h.api.state.webhook !== null);
    expect(h.tg.webhookPort).toBe(port);
    expect(warned()).toHaveLength(1);
  });

  it('polling again deletes the webhook left by webhook mode', async () => {
    const api = await startFakeBotApi();
    const first = await startHarness({ webhook: true, api });
    expect(api.state.webhook?.url).toBe(WEBHOOK_URL);
    await first.tg.stop(0);
    expect(api.state.webhook).not.toBeNull();
    const h = await startHarness({ api });
    expect(texts(await h.ask(ADMIN_ID, '/count'))).toHaveLength(1);
    expect(api.state.webhook).toBeNull();
    expect(api.calls.some((c) => c.method === 'deleteWebhook')).toBe(true);
  });
});
