/**
 * The bot's life in the daemon: updates by long polling (grammY's built-in, sequential and at least once)
 * or by webhook (webhook.ts: Telegram POSTs them to our loopback listener behind the operator's TLS
 * proxy), de-duplicated by id either way; connecting is retried every 30 s while Telegram is unreachable
 * or the listener's port cannot be bound, with ONE warning per outage (the daemon trades the same
 * meanwhile); the command list registered, the notifier and the outbox running; in webhook mode the
 * webhook checked with getWebhookInfo after setWebhook and every 10 minutes (webhook-watch.ts); stop()
 * lets commands in flight finish, sends what is due, then stops polling or listening.
 */
import { GrammyError } from 'grammy';
import type { Reply } from '../control/reply.ts';
import { operations } from '../control/registry.ts';
import { nightReport } from '../orchestrator/use-cases.ts';
import { createBot, type BotOptions, type TelegramBot } from './bot.ts';
import { Notifier } from './notify/notifier.ts';
import type { Outbox } from './outbox.ts';
import type { ComponentHealth } from '../health/readiness.ts';
import { listenForUpdates, type WebhookListener } from './webhook.ts';
import { WebhookWatch } from './webhook-watch.ts';

const RETRY_MS = 30_000;
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** One line for the warning when the bot cannot hear Telegram: a port it cannot bind, a refusal, or no answer. */
function whyDeaf(err: unknown, port: number): string {
  const bind = cannotBind(err);
  if (bind)
    return `telegram webhook listener cannot listen on 127.0.0.1:${port} (${bind}): no commands are received; the daemon trades the same and notifications are still sent`;
  if (err instanceof GrammyError)
    return `telegram refused ${err.method} (${err.error_code}: ${err.description}): no commands are received; the daemon trades the same, notifications wait in the outbox`;
  return 'telegram unreachable: the daemon trades the same, notifications wait in the outbox';
}

/** The error code when the webhook listener's port is taken or not ours to bind, else null. */
function cannotBind(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL' ? code : null;
}

export interface TelegramConsole {
  readonly bot: TelegramBot['bot'];
  readonly notifier: Notifier;
  readonly outbox: Outbox;
  /** Webhook mode: the port the update listener is bound to, once it is (null with polling). */
  readonly webhookPort: number | null;
  /** Webhook mode: the webhook's last check (getWebhookInfo), for /readyz and /health; null with polling. */
  webhookHealth(): ComponentHealth | null;
  /** Resolves when the commands in flight have answered and the outbox has sent what is due now. */
  settled(): Promise<void>;
  /** Finishes commands in flight, sends what is due within `deadlineMs`, stops polling and sending. */
  stop(deadlineMs?: number): Promise<void>;
}

export interface StartTelegramOptions extends BotOptions {
  dailyReport: (end: number) => Promise<Reply>;
}

export function startTelegram(o: StartTelegramOptions): TelegramConsole {
  const t = o.config.telegram;
  const log = o.log.child({ component: 'telegram' });
  const tb = createBot(o);
  const notifier = new Notifier({
    config: o.config,
    outbox: tb.outbox,
    clock: o.clock,
    log,
    dailyReport: o.dailyReport,
    nightReport: (cycleId) => nightReport(o.control.db, cycleId),
  });
  let stopped = false;
  let timer: unknown;
  let wake: (() => void) | undefined;
  const pause = () =>
    new Promise<void>((resolve) => {
      wake = resolve;
      timer = o.clock.setTimeout(() => resolve(), RETRY_MS);
    });
  const registerCommands = () =>
    tb.bot.api
      .setMyCommands(operations.map((op) => ({ command: op.name, description: op.summary.slice(0, 256) })))
      .catch((err: unknown) => log.warn({ err }, 'telegram: the command list was not registered'));
  // Polling: grammY's loop, which resolves only when stopped. Webhook: our listener, then setWebhook (which
  // Telegram needs again only when the URL or secret changes; sending it at every start keeps them true).
  const polling = (connected: () => void) =>
    tb.bot.start({
      allowed_updates: ALLOWED_UPDATES,
      timeout: t.pollTimeoutSeconds,
      onStart: (me) => {
        connected();
        log.info({ bot: me.username }, 'telegram bot polling');
      },
    });
  let listener: WebhookListener | null = null;
  const secret = o.config.secrets.telegramWebhookSecret!;
  const setOurWebhook = () => tb.bot.api.setWebhook(t.webhookUrl, { secret_token: secret, allowed_updates: ALLOWED_UPDATES });
  const watch =
    t.updates === 'webhook' ? new WebhookWatch({ api: tb.bot.api, setWebhook: setOurWebhook, url: t.webhookUrl, clock: o.clock, log, notifier }) : null;
  const webhook = async (connected: () => void) => {
    listener ??= await listenForUpdates(tb.bot, {
      path: new URL(t.webhookUrl).pathname,
      port: t.webhookPort,
      secret,
      log,
      clock: o.clock,
    });
    if (stopped) return listener.close();
    await setOurWebhook();
    connected();
    log.info({ bot: tb.bot.botInfo.username, url: t.webhookUrl, listener: `127.0.0.1:${listener.port}` }, 'telegram bot on its webhook');
    if (!stopped) void watch?.start();
  };
  const receive = t.updates === 'webhook' ? webhook : polling;
  const connect = async () => {
    let warned = false;
    while (!stopped) {
      try {
        // Our own getMe, which fails fast: grammY's init() and start() retry an unreachable server for ever,
        // silently, so the operator would never hear that the bot is deaf.
        if (!tb.bot.isInited()) tb.bot.botInfo = await tb.bot.api.getMe();
        await receive(() => {
          warned = false;
          void registerCommands();
        });
        return;
      } catch (err) {
        if (stopped) return;
        watch?.notSet(whyDeaf(err, t.webhookPort));
        if (err instanceof GrammyError && err.error_code === 401)
          return log.error('telegram refused the bot token (401 Unauthorized): the bot is off, the daemon trades the same; check TELEGRAM_BOT_TOKEN');
        if (!warned) log.warn({ err }, `${whyDeaf(err, t.webhookPort)}; retrying every ${RETRY_MS / 1000} s`);
        warned = true;
        await pause();
      }
    }
  };
  void connect();
  notifier.start();
  tb.outbox.kick();
  return {
    bot: tb.bot,
    notifier,
    outbox: tb.outbox,
    get webhookPort() {
      return listener?.port ?? null;
    },
    webhookHealth: () => watch?.health() ?? null,
    async settled() {
      await tb.tasks.idle();
      await tb.outbox.idle();
    },
    async stop(deadlineMs = 5000) {
      stopped = true;
      notifier.stop();
      watch?.stop();
      o.clock.clearTimeout(timer);
      wake?.();
      await tb.tasks.idle();
      await tb.outbox.drain(deadlineMs);
      await tb.outbox.stop();
      // The webhook stays set: Telegram keeps the updates sent meanwhile until the next start.
      await listener?.close();
      if (tb.bot.isRunning()) await tb.bot.stop().catch((err: unknown) => log.debug({ err }, 'telegram: the last getUpdates failed'));
    },
  };
}
