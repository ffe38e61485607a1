/**
 * The loopback Bot API's webhook side, as Telegram behaves once setWebhook is called: the oldest waiting
 * update is POSTed as JSON to the webhook URL with the X-Telegram-Bot-Api-Secret-Token header; a 2xx
 * answer confirms it, anything else (another status, a refused connection, no answer within the timeout)
 * leaves it waiting and it is sent again, in order. The webhook URL is https:// and public; a test plays
 * the operator's reverse proxy with `proxyTo(port)`, which forwards to 127.0.0.1:port with the same path.
 * Without a proxy nothing leaves the machine: the delivery fails as an unreachable host would.
 */
import { STATUS_CODES } from 'node:http';
import type { BotApiState } from './state.ts';

export interface Delivery {
  updateId: number;
  /** The HTTP status the bot answered, or what went wrong before one arrived. */
  outcome: number | 'timeout' | 'unreachable' | 'answer lost';
}

export interface WebhookDeliveryOptions {
  state: BotApiState;
  /** How long an answer is waited for before the update counts as not delivered, ms. */
  timeoutMs: number;
  /** Pause before sending a failed update again, ms. */
  retryMs: number;
  /** Called after every delivery attempt (the server's `until` re-checks). */
  changed: () => void;
}

export class WebhookDelivery {
  readonly deliveries: Delivery[] = [];
  private proxyPort: number | null = null;
  private lose = 0;
  private running: Promise<void> | null = null;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private wakeRetry: (() => void) | undefined;

  constructor(private readonly o: WebhookDeliveryOptions) {}

  /** Plays the reverse proxy: the webhook URL's path, forwarded to 127.0.0.1:`port`; null = the proxy is down (connection refused). */
  proxyTo(port: number | null): void {
    this.proxyPort = port;
    this.kick();
  }

  /** The bot's next `times` answers are lost on the way back, as when Telegram times out: it sends the update again. */
  loseAnswers(times: number): void {
    this.lose += times;
  }

  /** Delivers what waits, one update at a time, until the queue is empty or the webhook is gone. */
  kick(): void {
    if (this.closed || this.running || !this.o.state.webhook || !this.o.state.nextForWebhook()) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      // An update that arrived during the last attempt.
      if (this.o.state.nextForWebhook() && this.o.state.webhook) this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      const hook = this.o.state.webhook;
      const update = this.o.state.nextForWebhook();
      if (this.closed || !hook || !update) return;
      const outcome = await this.post(hook.url, hook.secret, JSON.stringify(update));
      const lost = typeof outcome === 'number' && this.lose > 0;
      if (lost) this.lose -= 1;
      const recorded = lost ? 'answer lost' : outcome;
      this.deliveries.push({ updateId: update.update_id, outcome: recorded });
      if (typeof recorded === 'number' && recorded >= 200 && recorded < 300) this.o.state.delivered(update.update_id);
      else
        this.o.state.deliveryFailed(
          typeof recorded === 'number'
            ? `Wrong response from the webhook: ${recorded} ${STATUS_CODES[recorded] ?? ''}`.trimEnd()
            : recorded === 'unreachable'
              ? 'Connection refused'
              : 'Read timeout expired',
        );
      this.o.changed();
      if (this.o.state.nextForWebhook()?.update_id === update.update_id) {
        await new Promise<void>((resolve) => {
          this.wakeRetry = resolve;
          this.retryTimer = setTimeout(resolve, this.o.retryMs);
        });
      }
    }
  }

  private async post(url: string, secret: string | null, body: string): Promise<Delivery['outcome']> {
    if (this.proxyPort === null) return 'unreachable';
    const u = new URL(url);
    try {
      const res = await fetch(`http://127.0.0.1:${this.proxyPort}${u.pathname}${u.search}`, {
        method: 'POST',
        body,
        signal: AbortSignal.timeout(this.o.timeoutMs),
        headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      });
      await res.arrayBuffer();
      return res.status;
    } catch (err) {
      return err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'unreachable';
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.wakeRetry?.();
    await this.running?.catch(() => undefined);
  }
}
