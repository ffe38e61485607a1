/**
 * The bot's life in the daemon: long polling (grammY's built-in, sequential and at least once — updates
 * are de-duplicated by id), restarted every 30 s while Telegram is unreachable with ONE warning per
 * outage (the daemon trades the same meanwhile), the command list registered, the notifier and the
 * outbox running; stop() lets commands in flight finish, sends what is due, then stops polling.
 */
import { GrammyError } from 'grammy';
import type { Reply } from '../control/reply.ts';
import { operations } from '../control/registry.ts';
import { nightReport } from '../orchestrator/use-cases.ts';
import { createBot, type BotOptions, type TelegramBot } from './bot.ts';
import { Notifier } from './notify/notifier.ts';
import type { Outbox } from './outbox.ts';

const RETRY_MS = 30_000;

export interface TelegramConsole {
  readonly bot: TelegramBot['bot'];
  readonly notifier: Notifier;
  readonly outbox: Outbox;
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
  const notifier = new Notifier({ config: o.config, outbox: tb.outbox, clock: o.clock, log, dailyReport: o.dailyReport, nightReport: (cycleId) => nightReport(o.control.db, cycleId) });
  let stopped = false;
  let timer: unknown;
  let wake: (() => void) | undefined;
  const pause = () => new Promise<void>((resolve) => {
    wake = resolve;
    timer = o.clock.setTimeout(() => resolve(), RETRY_MS);
  });
  const registerCommands = () =>
    tb.bot.api.setMyCommands(operations.map((op) => ({ command: op.name, description: op.summary.slice(0, 256) })))
      .catch((err: unknown) => log.warn({ err }, 'telegram: the command list was not registered'));
  const poll = async () => {
    let warned = false;
    while (!stopped) {
      try {
        // Our own getMe, which fails fast: grammY's init() and start() retry an unreachable server for ever,
        // silently, so the operator would never hear that the bot is deaf.
        if (!tb.bot.isInited()) tb.bot.botInfo = await tb.bot.api.getMe();
        await tb.bot.start({
          allowed_updates: ['message', 'callback_query'], timeout: t.pollTimeoutSeconds,
          onStart: (me) => {
            warned = false;
            log.info({ bot: me.username }, 'telegram bot polling');
            void registerCommands();
          },
        });
        return;
      } catch (err) {
        if (stopped) return;
        if (err instanceof GrammyError && err.error_code === 401) return log.error('telegram refused the bot token (401 Unauthorized): the bot is off, the daemon trades the same; check TELEGRAM_BOT_TOKEN');
        if (!warned) log.warn({ err }, `telegram unreachable: the daemon trades the same, notifications wait in the outbox; retrying every ${RETRY_MS / 1000} s`);
        warned = true;
        await pause();
      }
    }
  };
  void poll();
  notifier.start();
  tb.outbox.kick();
  return {
    bot: tb.bot, notifier, outbox: tb.outbox,
    async settled() {
      await tb.tasks.idle();
      await tb.outbox.idle();
    },
    async stop(deadlineMs = 5000) {
      stopped = true;
      notifier.stop();
      o.clock.clearTimeout(timer);
      wake?.();
      await tb.tasks.idle();
      await tb.outbox.drain(deadlineMs);
      await tb.outbox.stop();
      if (tb.bot.isRunning()) await tb.bot.stop().catch((err: unknown) => log.debug({ err }, 'telegram: the last getUpdates failed'));
    },
  };
}
