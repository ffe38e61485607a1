/**
 * Webhook mode's check that Telegram can still reach us: getWebhookInfo right after setWebhook, then every
 * 10 minutes on the console's scheduler (croner slots on the injected clock), judged by webhook-health.ts.
 * A replaced webhook is set back once; the operator is told through the notifier's `alert` kind (which
 * still works: sending does not need the webhook), and /readyz and /health show the verdict.
 */
import type { Api } from 'grammy';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { ComponentHealth } from '../health/readiness.ts';
import { Scheduler } from '../scheduler/scheduler.ts';
import { slotJob } from '../scheduler/jobs.ts';
import type { Notifier } from './notify/notifier.ts';
import { initialWebhookWatch, judgeWebhook, webhookUnchecked, type WebhookHealthCode, type WebhookWatchState } from './webhook-health.ts';

/** Every 10 minutes, on the minute: often enough that a deaf bot is noticed before the operator needs it. */
export const WEBHOOK_CHECK_PATTERN = '0 */10 * * * *';

export interface WebhookWatchOptions {
  api: Pick<Api, 'getWebhookInfo'>;
  /** setWebhook with our URL, secret and update kinds (the same call the bot starts with). */
  setWebhook: () => Promise<unknown>;
  url: string;
  clock: Clock;
  log: Logger;
  notifier: Pick<Notifier, 'notify'>;
}

export class WebhookWatch {
  private state: WebhookWatchState = initialWebhookWatch();
  private readonly scheduler: Scheduler;
  private checking: Promise<void> | null = null;
  private warnedUnchecked = false;
  private stopped = false;

  constructor(private readonly o: WebhookWatchOptions) {
    this.scheduler = new Scheduler({
      clock: o.clock,
      jobs: [slotJob('schedule.webhookCheck', WEBHOOK_CHECK_PATTERN)],
      emit: () => void this.check(),
      logger: o.log,
    });
  }

  health(): ComponentHealth<WebhookHealthCode> {
    return this.state.health;
  }

  /** The bot cannot set its webhook yet (Telegram unreachable, the port taken): /readyz says why. */
  notSet(why: string): void {
    if (this.state.health.checkedAt === null) this.state = initialWebhookWatch(`webhook not set: ${why}`);
  }

  /** After setWebhook: checks now, then on every slot. */
  start(): Promise<void> {
    this.scheduler.start();
    return this.check();
  }

  /** A check still waiting for Telegram ends without a word: the console is closing its outbox. */
  stop(): void {
    this.stopped = true;
    this.scheduler.stop();
  }

  /** One getWebhookInfo and what follows from it; a check already under way is joined, not doubled. */
  check(): Promise<void> {
    this.checking ??= this.once().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async once(): Promise<void> {
    const now = this.o.clock.now();
    let info: Awaited<ReturnType<Api['getWebhookInfo']>>;
    try {
      info = await this.o.api.getWebhookInfo();
    } catch (err) {
      if (this.stopped) return;
      if (!this.warnedUnchecked) this.o.log.warn({ err }, 'telegram: getWebhookInfo failed; the webhook is not checked until Telegram answers');
      this.warnedUnchecked = true;
      this.state = webhookUnchecked(this.state, err instanceof Error ? err.message : String(err), now);
      return;
    }
    if (this.stopped) return;
    this.warnedUnchecked = false;
    const was = this.state.health;
    const v = judgeWebhook(this.state, info, this.o.url, now);
    this.state = v.state;
    const h = v.state.health;
    if (h.code !== was.code || h.detail !== was.detail)
      this.o.log[h.status === 'ok' ? 'info' : 'warn']({ code: h.code, pending: info.pending_update_count }, `telegram webhook: ${h.detail}`);
    for (const a of v.alerts) this.o.notifier.notify({ type: 'telegram.webhook', code: a.code, healthy: a.healthy, message: a.message, at: now });
    if (v.setBack) await this.setBack();
  }

  private async setBack(): Promise<void> {
    try {
      await this.o.setWebhook();
      this.o.log.warn({ url: this.o.url }, 'telegram webhook set back to ours');
    } catch (err) {
      this.o.log.warn({ err }, 'telegram: setting the webhook back failed; the next check tries again');
      this.state = { ...this.state, setBack: false };
    }
  }
}
