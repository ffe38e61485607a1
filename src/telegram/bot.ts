/**
 * The Telegram bot: createBot({ config, token, log, clock, control, repo, audit }) wires grammY with
 * auto-retry (explicit caps; flood waits only — server errors and outages are the outbox's to retry),
 * the outbox every message goes through, the access check, one composer per command group and the
 * unknown-command handler last. A command runs through the command layer (execute) beside the update
 * loop; its answer is queued to the chat. The bot never changes state itself: operations send events.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { Bot } from 'grammy';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { execute } from '../control/execute.ts';
import type { ControlDeps } from '../control/operation.ts';
import { refused } from '../control/reply.ts';
import type { AuditEntry } from '../db/index.ts';
import type { TelegramRepo } from '../db/telegram.repo.ts';
import { Confirmations } from './confirm.ts';
import type { BotContext } from './context.ts';
import { accessFeature } from './features/access.ts';
import type { RunCommand } from './features/commands.ts';
import { controlFeature } from './features/control.ts';
import { evolutionFeature } from './features/evolution.ts';
import { reportsFeature } from './features/reports.ts';
import { statusFeature } from './features/status.ts';
import { unhandledFeature } from './features/unhandled.ts';
import { Outbox } from './outbox.ts';
import { replyTo } from './send.ts';
import { Tasks } from './tasks.ts';

export interface BotOptions {
  config: Config;
  token: string;
  log: Logger;
  /** Wall time: pacing, confirmation expiry, retries (tests pass a SimulatedClock). */
  clock: Clock;
  control: ControlDeps;
  repo: TelegramRepo;
  audit: (entry: AuditEntry) => void;
}

export interface TelegramBot {
  bot: Bot<BotContext>;
  outbox: Outbox;
  tasks: Tasks;
  confirmations: Confirmations;
}

const wordsOf = (match: unknown): string[] =>
  String(match ?? '')
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');

export function createBot(o: BotOptions): TelegramBot {
  const t = o.config.telegram;
  const log = o.log.child({ component: 'telegram' });
  const bot = new Bot<BotContext>(o.token, { client: { apiRoot: t.apiRoot } });
  // A flood wait up to the cap is waited out in place; anything else fails fast into the outbox's retry.
  bot.api.config.use(
    autoRetry({ maxRetryAttempts: t.retryAttempts, maxDelaySeconds: t.retryMaxDelaySeconds, rethrowInternalServerErrors: true, rethrowHttpErrors: true }),
  );
  const outbox = new Outbox({ repo: o.repo, api: bot.api, clock: o.clock, log, perSecond: t.messagesPerSecondPerChat, burst: t.messagesBurstPerChat });
  const tasks = new Tasks(log);
  const confirmations = new Confirmations({ repo: o.repo, outbox, clock: o.clock, ttlMs: t.confirmTtlSeconds * 1000, log, audit: o.audit });
  const chatOf = (ctx: BotContext) => ctx.chat?.id ?? ctx.from!.id;
  const exec = (ctx: BotContext, name: string, words: readonly string[], confirmed: boolean) =>
    tasks.track(name, async () => {
      const e = await execute(o.control, { name, words, caller: ctx.caller!, confirmed }, { audit: o.audit, log, prefix: '/' });
      if (e.kind === 'confirm') confirmations.ask(chatOf(ctx), ctx.from!.id, e.op.name, words, e.question);
      else replyTo(outbox, chatOf(ctx), e.reply);
    });
  const run: RunCommand = (ctx, op) => exec(ctx, op.name, wordsOf(ctx.match), false);
  const guarded = bot.errorBoundary((err) => log.error({ err: err.error, updateId: err.ctx.update.update_id }, 'telegram update failed'));
  guarded.use(accessFeature({ config: o.config, repo: o.repo, clock: o.clock, log, outbox }));
  guarded.use(
    statusFeature(run),
    controlFeature(run, confirmations, (ctx, name, words) => exec(ctx, name, words, true), log),
    evolutionFeature(run),
    reportsFeature(run),
  );
  // Must be the last handler.
  guarded.use(
    unhandledFeature({ unknown: (ctx, name) => exec(ctx, name, [], false), hint: (ctx, text) => replyTo(outbox, chatOf(ctx), refused('unknown', text)) }),
  );
  bot.catch((err) => log.error({ err: err.error, updateId: err.ctx.update.update_id }, 'telegram update failed'));
  return { bot, outbox, tasks, confirmations };
}
