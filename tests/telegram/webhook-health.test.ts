/** The webhook verdict alone (webhook-health.ts): what the loopback scenarios cannot stage cheaply. */
import { describe, expect, it } from 'vitest';
import { initialWebhookWatch, judgeWebhook, webhookUnchecked } from '../../src/telegram/webhook-health.ts';

const OURS = 'https://bot.example.test/telegram/hook';
const T = Date.UTC(2025, 0, 6, 12);

/** getWebhookInfo with our URL: `pending` waiting, and the last delivery error Telegram remembers, if any. */
const ours = (pending: number, error?: { date: number; message: string }) => ({
  url: OURS,
  pending_update_count: pending,
  ...(error ? { last_error_date: error.date, last_error_message: error.message } : {}),
});

describe('the webhook verdict', () => {
  it('takes an error Telegram remembers from before our setWebhook as history at the first check', () => {
    const refused = { date: 1_000, message: 'Connection refused' };
    const v = judgeWebhook(initialWebhookWatch(), ours(3, refused), OURS, T);
    expect(v.alerts).toEqual([]);
    expect(v.state.health).toMatchObject({ status: 'ok', code: 'telegram.webhook_ok', checkedAt: T });
    const next = judgeWebhook(v.state, ours(3, refused), OURS, T + 600_000);
    expect(next.alerts).toEqual([]);
  });

  it('calls an error with nothing waiting delivered since: no alert', () => {
    const first = judgeWebhook(initialWebhookWatch(), ours(0), OURS, T);
    const v = judgeWebhook(first.state, ours(0, { date: 2_000, message: 'Read timeout expired' }), OURS, T + 600_000);
    expect(v.alerts).toEqual([]);
    expect(v.state.health.status).toBe('ok');
  });

  it('marks an ok verdict unchecked when getWebhookInfo fails, and keeps a degraded one as it was', () => {
    const ok = judgeWebhook(initialWebhookWatch(), ours(0), OURS, T).state;
    expect(webhookUnchecked(ok, 'Network request failed', T + 1).health).toMatchObject({
      status: 'degraded',
      code: 'telegram.webhook_unchecked',
      detail: 'getWebhookInfo failed: Network request failed',
    });
    const replaced = judgeWebhook(ok, { url: '', pending_update_count: 0 }, OURS, T + 2).state;
    expect(webhookUnchecked(replaced, 'x', T + 3).health.code).toBe('telegram.webhook_replaced');
  });
});
