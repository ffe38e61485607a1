/**
 * The update side of the loopback Bot API, as Telegram keeps it: updates with increasing ids, confirmed
 * by getUpdates' offset or by a webhook delivery's 2xx, and the webhook setting itself (setWebhook's
 * checks, getWebhookInfo's pending count and last error). The chats and messages are state.ts's, whose
 * BotApiState extends this class, so the server and the webhook delivery still see one state object.
 */
import type { Update } from 'grammy/types';

export type ApiAnswer = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

/** A refusal with Telegram's error text: 400 Bad Request, or 403 Forbidden. */
export const apiError = (description: string, code = 400): ApiAnswer => ({
  ok: false,
  error_code: code,
  description: `${code === 403 ? 'Forbidden' : 'Bad Request'}: ${description}`,
});

export class UpdateQueue {
  private nextUpdateId = 1;
  private readonly queue: Update[] = [];
  /** The webhook Telegram would POST updates to (setWebhook); null = updates wait for getUpdates. */
  webhook: { url: string; secret: string | null; allowedUpdates: string[] | null } | null = null;
  private lastWebhookError: { date: number; message: string } | null = null;

  constructor(protected readonly nowSeconds: () => number) {}

  protected push(update: Omit<Update, 'update_id'>): Update {
    const u = { update_id: this.nextUpdateId++, ...update } as Update;
    this.queue.push(u);
    return u;
  }

  /** getUpdates: confirms everything below `offset`, then returns up to `limit` of the rest. */
  take(offset: number | undefined, limit: number | undefined): Update[] {
    if (offset !== undefined) while (this.queue.length > 0 && this.queue[0]!.update_id < offset) this.queue.shift();
    return this.queue.slice(0, Math.max(1, Math.min(100, limit ?? 100)));
  }

  get waitingUpdates(): number {
    return this.queue.length;
  }

  /** The oldest update not yet confirmed, which a webhook delivery carries (Telegram sends them in order). */
  nextForWebhook(): Update | null {
    return this.queue[0] ?? null;
  }

  /** A webhook delivery was answered with 2xx: Telegram forgets the update. */
  delivered(updateId: number): void {
    if (this.queue[0]?.update_id === updateId) this.queue.shift();
  }

  deliveryFailed(message: string): void {
    this.lastWebhookError = { date: this.nowSeconds(), message };
  }

  setWebhook(p: Record<string, unknown>): ApiAnswer {
    const url = typeof p.url === 'string' ? p.url : '';
    if (url === '') return this.deleteWebhook(p);
    if (!url.startsWith('https://')) return apiError('bad webhook: An HTTPS URL must be provided for webhook');
    const secret = p.secret_token === undefined ? null : String(p.secret_token);
    if (secret !== null && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) return apiError('secret token contains unallowed characters');
    if (p.drop_pending_updates === true) this.queue.length = 0;
    this.webhook = { url, secret, allowedUpdates: Array.isArray(p.allowed_updates) ? (p.allowed_updates as string[]) : null };
    this.lastWebhookError = null;
    return { ok: true, result: true };
  }

  deleteWebhook(p: Record<string, unknown>): ApiAnswer {
    if (p.drop_pending_updates === true) this.queue.length = 0;
    this.webhook = null;
    return { ok: true, result: true };
  }

  webhookInfo(): ApiAnswer {
    const w = this.webhook;
    return {
      ok: true,
      result: {
        url: w?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: this.queue.length,
        ...(w ? { max_connections: 40 } : {}),
        ...(w?.allowedUpdates ? { allowed_updates: w.allowedUpdates } : {}),
        ...(w && this.lastWebhookError ? { last_error_date: this.lastWebhookError.date, last_error_message: this.lastWebhookError.message } : {}),
      },
    };
  }
}
