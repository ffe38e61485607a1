/**
 * Webhook mode checks its webhook with getWebhookInfo after setWebhook and every 10 minutes, through the
 * loopback Bot API on the harness's SimulatedClock (Telegram's error dates are that clock's seconds): a
 * healthy webhook alerts nobody; a replaced one is set back once and alerted, a second replacement is
 * alerted and left alone; an unreachable listener is alerted in Telegram's words once per hour, with a
 * recovery message; /readyz and /health show the verdict.
 */
import { SimulatedClock } from 'xstate';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock/clock.ts';
import { openDatabase } from '../../src/db/index.ts';
import { newFeedState } from '../../src/health/observe.ts';
import { readiness } from '../../src/health/readiness.ts';
import { startFakeBotApi } from '../../src/telegram/loopback/server.ts';
import { ADMIN_ID, startHarness, texts, WEBHOOK_URL, type Harness } from './harness.ts';

const START = Date.UTC(2025, 0, 6, 12);
const TEN_MINUTES = 600_000;

async function webhookHarness(): Promise<Harness> {
  const clock = new SimulatedClock();
  clock.set(START);
  const api = await startFakeBotApi({ nowSeconds: () => Math.floor(clock.now() / 1000) });
  const h = await startHarness({ webhook: true, api, deps: { clock: clock as unknown as Clock } });
  await checked(h, START);
  return h;
}

/** Waits until the check of `at` is judged (its getWebhookInfo answered), then until what it queued is sent. */
async function checked(h: Harness, at: number): Promise<void> {
  for (let i = 0; i < 1000 && h.tg.webhookHealth()?.checkedAt !== at; i++) await new Promise((r) => setImmediate(r));
  expect(h.tg.webhookHealth()?.checkedAt).toBe(at);
  await h.tg.settled();
}

/** Moves the clock to the next 10-minute slot and waits for its check. */
async function nextCheck(h: Harness): Promise<void> {
  h.clock.increment(TEN_MINUTES);
  await checked(h, h.clock.now());
}

/** Another process with the same token calls the Bot API. */
const elsewhere = (h: Harness, method: string, body: Record<string, unknown>) =>
  fetch(`${h.api.url}/bot${h.api.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

const alertsTo = (h: Harness) => texts(h.api.sent.filter((m) => m.chatId === ADMIN_ID)).filter((t) => /webhook|delivers updates/.test(t));

const readyz = (h: Harness) => {
  const feed = newFeedState();
  feed.up.public = true;
  feed.lastMarketAt = h.clock.now();
  const db = openDatabase({ path: ':memory:' });
  const r = readiness({
    mode: 'paper',
    supervisor: () => ({ state: 'running', error: null, breaker: 'active', venueHealthy: true }),
    db: () => db,
    feed,
    clock: h.clock,
    feedStaleMs: 60_000,
    telegram: () => h.tg.webhookHealth(),
  });
  db.close();
  return r;
};

describe('the webhook check', () => {
  it('asks getWebhookInfo after setWebhook and every 10 minutes; a healthy webhook alerts nobody', async () => {
    const h = await webhookHarness();
    const infoCalls = () => h.api.calls.filter((c) => c.method === 'getWebhookInfo').length;
    expect(h.api.calls.findIndex((c) => c.method === 'getWebhookInfo')).toBeGreaterThan(h.api.calls.findIndex((c) => c.method === 'setWebhook'));
    expect(infoCalls()).toBe(1);
    expect(texts(await h.ask(ADMIN_ID, '/count'))).toHaveLength(1);
    await nextCheck(h);
    expect(infoCalls()).toBe(2);
    expect(alertsTo(h)).toEqual([]);
    expect(h.tg.webhookHealth()).toMatchObject({ status: 'ok', code: 'telegram.webhook_ok' });
    const r = readyz(h);
    expect(r).toMatchObject({ status: 'ready', failing: [], degraded: [] });
    expect(r.checks['telegram']).toMatchObject({ status: 'pass', detail: `webhook ${WEBHOOK_URL}; 0 update(s) waiting` });
    expect(texts(await h.ask(ADMIN_ID, '/health')).join('\n')).toMatch(/telegram webhook\W+ok: webhook https:\/\/bot\.example\.test/);
  });

  it('sets a replaced webhook back once and alerts; a second replacement is alerted and left to the operator', async () => {
    const h = await webhookHarness();
    await elsewhere(h, 'setWebhook', { url: 'https://elsewhere.example/hook' });
    await nextCheck(h);
    expect(h.api.state.webhook?.url).toBe(WEBHOOK_URL);
    expect(alertsTo(h)).toEqual([
      `⚠️ Telegram the webhook was replaced by https://elsewhere.example/hook; set it back to ${WEBHOOK_URL}. Commands do not reach this daemon meanwhile.`,
    ]);
    expect(readyz(h).checks['telegram']).toMatchObject({ status: 'degraded', code: 'telegram.webhook_replaced' });
    await nextCheck(h);
    expect(h.tg.webhookHealth()?.code).toBe('telegram.webhook_ok');
    // Someone polls with the same token (getUpdates needs the webhook deleted), and keeps doing so.
    await elsewhere(h, 'deleteWebhook', {});
    await nextCheck(h);
    expect(h.api.state.webhook?.url).toBe(WEBHOOK_URL);
    await elsewhere(h, 'deleteWebhook', {});
    await nextCheck(h);
    expect(h.api.state.webhook).toBeNull();
    expect(alertsTo(h).slice(1)).toEqual([
      `⚠️ Telegram the webhook was replaced by polling (getUpdates, or no webhook at all); set it back to ${WEBHOOK_URL}. Commands do not reach this daemon meanwhile.`,
      '⚠️ Telegram the webhook was replaced again by polling (getUpdates, or no webhook at all) after we set it back: another process uses this bot token; stop it, then restart the daemon. Commands do not reach this daemon meanwhile.',
    ]);
    await nextCheck(h);
    expect(alertsTo(h)).toHaveLength(3);
    // Ours: at start and the one set-back after each of the first two replacements, none after the second in a row.
    expect(h.api.calls.filter((c) => c.method === 'setWebhook' && c.payload.url === WEBHOOK_URL)).toHaveLength(3);
    const r = readyz(h);
    expect(r).toMatchObject({ status: 'ready', degraded: ['telegram'] });
    expect(r.checks['telegram']!.detail).toContain('another process uses this bot token');
  });

  it('alerts an unreachable listener in Telegram words once per hour, and says when deliveries resume', async () => {
    const h = await webhookHarness();
    const port = h.tg.webhookPort!;
    h.api.proxyTo(null);
    h.api.userSays(ADMIN_ID, '/count');
    await h.api.until(() => h.api.deliveries.some((d) => d.outcome === 'unreachable'));
    await nextCheck(h);
    const first = `⚠️ Telegram cannot deliver updates to ${WEBHOOK_URL}: "Connection refused"; 1 update(s) waiting (up from 0 at the previous check). Commands do not reach this daemon; check the reverse proxy, TLS and telegram.webhookUrl.`;
    expect(alertsTo(h)).toEqual([first]);
    const r = readyz(h);
    expect(r).toMatchObject({ status: 'ready', failing: [], degraded: ['telegram'] });
    expect(r.checks['telegram']).toMatchObject({ status: 'degraded', code: 'telegram.webhook_undeliverable' });
    expect(r.checks['telegram']!.detail).toContain('"Connection refused"');
    h.api.userSays(ADMIN_ID, '/positions');
    await nextCheck(h);
    expect(h.tg.webhookHealth()!.detail).toContain('2 update(s) waiting (up from 1 at the previous check)');
    expect(h.api.state.waitingUpdates).toBe(2);
    for (let i = 0; i < 4; i++) await nextCheck(h);
    expect(alertsTo(h)).toHaveLength(1);
    await nextCheck(h); // an hour after the first alert
    expect(alertsTo(h)).toHaveLength(2);
    expect(alertsTo(h)[1]).toContain('"Connection refused"; 2 update(s) waiting');
    h.api.proxyTo(port);
    await h.api.until(() => h.api.state.waitingUpdates === 0);
    await nextCheck(h);
    expect(alertsTo(h)).toEqual([first, expect.any(String), `📡 Telegram delivers updates to ${WEBHOOK_URL} again; commands reach this daemon.`]);
    expect(h.tg.webhookHealth()).toMatchObject({ status: 'ok' });
    expect(texts(await h.ask(ADMIN_ID, '/count'))).toHaveLength(1);
    await nextCheck(h);
    expect(alertsTo(h)).toHaveLength(3);
  });
});
