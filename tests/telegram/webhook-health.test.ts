/** The webhook verdict alone (webhook-health.ts): what the loopback scenarios cannot stage cheaply. */
import { describe, expect, it } from 'vitest';
import { initialWebhookWatch, judgeWebhook, webhookUnchecked } from '../../src/telegram/webhook-health.ts';

const OURS = 'https://bot.example.test/telegram/hook';
const T = Date.UTC(2025, 0, 6, 12);

describe('the webhook verdict', () => {
  it('takes an error Telegram remembers from before our setWebhook as history at the first check', () => {
    const v = judgeWebhook(
      initialWebhookWatch(),
      { url: OURS, pending_update_count: 3, last_error_date: 1_000, last_error_message: 'Connection refused' },
      OURS,
      T,
    );
    expect(v.alerts).toEqual([]);
    expect(v.state.health).toMatchObject({ status: 'ok', code: 'telegram.webhook_ok', checkedAt: T });
    const next = judgeWebhook(
      v.state,
      { url: OURS, pending_update_count: 3, last_error_date: 1_000, last_error_message: 'Connection refused' },
      OURS,
      T + 600_000,
    );
    expect(next.alerts).toEqual([]);
  });

  it('calls an error with nothing waiting delivered since: no alert', () => {
    const first = judgeWebhook(initialWebhookWatch(), { url: OURS, pending_update_count: 0 }, OURS, T);
    const v = judgeWebhook(
      first.state,
      { url: OURS, pending_update_count: 0, last_error_date: 2_000, last_error_message: 'Read timeout expired' },
      OURS,
      T + 600_000,
    );
    expect(v.alerts).toEqual([]);
    expect(v.state.health.status).toBe('ok');
  });

  it('marks an ok verdict unchecked when getWebhookInfo fails, and keeps a degraded one as it was', () => {
    const ok = judgeWebhook(initialWebhookWatch(), { url: OURS, pending_update_count: 0 }, OURS, T).state;
    expect(webhookUnchecked(ok, 'Network request failed', T + 1).health).toMatchObject({
      status: 'degraded',
      code: 'telegram.webhook_unchecked',
      detail: 'getWebhookInfo failed: Network request failed',
    });
    const replaced = judgeWebhook(ok, { url: '', pending_update_count: 0 }, OURS, T + 2).state;
    expect(webhookUnchecked(replaced, 'x', T + 3).health.code).toBe('telegram.webhook_replaced');
  });
});
