/**
 * What Telegram's getWebhookInfo says about our webhook, judged purely: the check (webhook-watch.ts) asks,
 * this decides. Three ways a webhook goes deaf while alerts still go out, so the bot looks alive:
 * - replaced: the URL is not ours (another process set its own, or deleted it to poll with the same
 *   token). Set back once; if it is taken again before we see ours, it is not fought over: the operator
 *   must stop the other process.
 * - undeliverable: Telegram reports a delivery error newer than the one the previous check saw (wrong
 *   public URL, TLS, the reverse proxy down, our listener gone) while updates wait, in Telegram's own
 *   words. Alerted at once, then at most once per hour while updates keep waiting, and once more when
 *   none waits any more (Telegram keeps a failed update until it is delivered, so an empty queue after
 *   failures means deliveries resumed).
 * - the waiting updates (pending_update_count) growing across checks while deliveries fail.
 * The first check after setWebhook only learns the last error Telegram remembers: an error from before
 * our setWebhook is history, not news.
 */
import type { ComponentHealth } from '../health/readiness.ts';

/** How often a problem that lasts is alerted again. */
export const WEBHOOK_ALERT_EVERY_MS = 3_600_000;

export type WebhookHealthCode =
  | 'telegram.webhook_ok'
  | 'telegram.webhook_not_set'
  | 'telegram.webhook_replaced'
  | 'telegram.webhook_undeliverable'
  | 'telegram.webhook_unchecked';

/** getWebhookInfo's fields the judgement reads (grammY's WebhookInfo). */
export interface WebhookInfoSeen {
  readonly url?: string;
  readonly pending_update_count: number;
  readonly last_error_date?: number;
  readonly last_error_message?: string;
}

export interface WebhookWatchState {
  readonly health: ComponentHealth<WebhookHealthCode>;
  /** Telegram's last_error_date at the previous check (seconds); undefined before the first check. */
  readonly seenErrorDate: number | null | undefined;
  /** Deliveries were failing at the previous check (an undeliverable alert is owed a recovery message). */
  readonly failing: boolean;
  /** We set the webhook back after a replacement and have not seen it ours since. */
  readonly setBack: boolean;
  /** pending_update_count at the previous check. */
  readonly pending: number;
  /** When each problem was last alerted (ms on the daemon's clock), by code (`:again` for a second replacement). */
  readonly alertedAt: Readonly<Record<string, number>>;
}

export interface WebhookVerdict {
  readonly state: WebhookWatchState;
  /** Call setWebhook again with our URL and secret. */
  readonly setBack: boolean;
  /** Messages for the operator, as `alert` notifications; `healthy` ones say a problem is over. */
  readonly alerts: ReadonlyArray<{ code: WebhookHealthCode; healthy: boolean; message: string }>;
}

export function initialWebhookWatch(detail = 'webhook not set yet'): WebhookWatchState {
  return {
    health: { status: 'degraded', code: 'telegram.webhook_not_set', detail, checkedAt: null },
    seenErrorDate: undefined,
    failing: false,
    setBack: false,
    pending: 0,
    alertedAt: {},
  };
}

const who = (url: string) => (url === '' ? 'polling (getUpdates, or no webhook at all)' : url);

function alertDue(s: WebhookWatchState, key: string, now: number): boolean {
  const at = s.alertedAt[key];
  return at === undefined || now - at >= WEBHOOK_ALERT_EVERY_MS;
}

/** The judgement of one getWebhookInfo answer, `now` on the daemon's clock. */
export function judgeWebhook(s: WebhookWatchState, info: WebhookInfoSeen, ours: string, now: number): WebhookVerdict {
  const url = info.url ?? '';
  const errorDate = info.last_error_date ?? null;
  const alerts: Array<WebhookVerdict['alerts'][number]> = [];
  const alertedAt: Record<string, number> = { ...s.alertedAt };
  const raise = (code: WebhookHealthCode, message: string, key: string = code) => {
    if (!alertDue(s, key, now)) return;
    alerts.push({ code, healthy: false, message });
    alertedAt[key] = now;
  };
  const base = { seenErrorDate: errorDate, pending: info.pending_update_count, alertedAt };
  if (url !== ours) {
    const again = s.setBack;
    const detail = again
      ? `the webhook was replaced again by ${who(url)} after we set it back: another process uses this bot token; stop it, then restart the daemon`
      : `the webhook was replaced by ${who(url)}; set it back to ${ours}`;
    // Giving up on a second replacement is news of its own, not a repeat of the first alert.
    raise(
      'telegram.webhook_replaced',
      `Telegram ${detail}. Commands do not reach this daemon meanwhile.`,
      again ? 'telegram.webhook_replaced:again' : undefined,
    );
    return {
      state: { ...s, ...base, health: { status: 'degraded', code: 'telegram.webhook_replaced', detail, checkedAt: now }, setBack: true },
      setBack: !again,
      alerts,
    };
  }
  const newError = s.seenErrorDate !== undefined && errorDate !== null && errorDate !== s.seenErrorDate;
  const pending = info.pending_update_count;
  const failing = pending > 0 && (newError || s.failing);
  const recovered = s.failing && !failing;
  if (failing) {
    const words = info.last_error_message ?? 'no reason given';
    const growing = pending > s.pending ? ` (up from ${s.pending} at the previous check)` : '';
    const detail = `Telegram cannot deliver updates to ${ours}: "${words}"; ${pending} update(s) waiting${growing}`;
    raise('telegram.webhook_undeliverable', `${detail}. Commands do not reach this daemon; check the reverse proxy, TLS and telegram.webhookUrl.`);
    return {
      state: { ...base, health: { status: 'degraded', code: 'telegram.webhook_undeliverable', detail, checkedAt: now }, failing: true, setBack: false },
      setBack: false,
      alerts,
    };
  }
  if (recovered) {
    alerts.push({ code: 'telegram.webhook_undeliverable', healthy: true, message: `Telegram delivers updates to ${ours} again; commands reach this daemon.` });
    delete alertedAt['telegram.webhook_undeliverable'];
  }
  if (s.setBack) {
    delete alertedAt['telegram.webhook_replaced'];
    delete alertedAt['telegram.webhook_replaced:again'];
  }
  return {
    state: {
      ...base,
      health: { status: 'ok', code: 'telegram.webhook_ok', detail: `webhook ${ours}; ${pending} update(s) waiting`, checkedAt: now },
      failing: false,
      setBack: false,
    },
    setBack: false,
    alerts,
  };
}

/** getWebhookInfo itself failed: the last verdict stands, marked unchecked, so /readyz does not call a stale answer fresh. */
export function webhookUnchecked(s: WebhookWatchState, why: string, now: number): WebhookWatchState {
  if (s.health.status === 'degraded') return s;
  return { ...s, health: { status: 'degraded', code: 'telegram.webhook_unchecked', detail: `getWebhookInfo failed: ${why}`, checkedAt: now } };
}
