/**
 * The first middleware every update passes: taken in once (update ids already handled are skipped, so a
 * redelivery after a restart never runs a command twice), from a known user (admins and viewers by
 * Telegram id; anyone else gets no answer and is logged at most once per 10 minutes), at a human pace
 * (a flood is told to slow down once, then ignored until the user's bucket refills), and of a sane size.
 */
import { Composer } from 'grammy';
import type { Logger } from 'pino';
import type { Clock } from '../../clock/clock.ts';
import type { Config } from '../../config/index.ts';
import type { Role } from '../../control/operation.ts';
import { refused } from '../../control/reply.ts';
import type { TelegramRepo } from '../../db/telegram.repo.ts';
import { Buckets } from '../bucket.ts';
import type { BotContext } from '../context.ts';
import type { Outbox } from '../outbox.ts';
import { replyTo } from '../send.ts';

export interface AccessOptions {
  config: Config;
  repo: TelegramRepo;
  clock: Clock;
  log: Logger;
  outbox: Outbox;
}

export function roleOf(config: Config, userId: number | undefined): Role | null {
  if (userId === undefined) return null;
  if (config.telegram.admins.includes(userId)) return 'admin';
  return config.telegram.viewers.includes(userId) ? 'viewer' : null;
}

const STRANGER_LOG_MS = 10 * 60_000;

export function accessFeature(o: AccessOptions): Composer<BotContext> {
  const t = o.config.telegram;
  const users = new Buckets<number>(t.commandsPerMinute, t.commandsPerMinute / 60, o.clock);
  const strangers = new Buckets<number>(1, 1000 / STRANGER_LOG_MS, o.clock);
  const warned = new Set<number>();
  const composer = new Composer<BotContext>();
  composer.use(async (ctx, next) => {
    if (!o.repo.takeUpdate(ctx.update.update_id, o.clock.now())) return o.log.debug({ updateId: ctx.update.update_id }, 'telegram update seen before: skipped');
    const id = ctx.from?.id;
    const role = roleOf(o.config, id);
    if (!role) {
      if (id !== undefined && strangers.of(id).take()) {
        o.log.warn(
          { userId: id, username: ctx.from?.username, text: ctx.message?.text?.slice(0, 40) },
          'telegram: message from an unknown user, not answered (add the id to telegram.admins or telegram.viewers to let them in)',
        );
      }
      return;
    }
    const chat = ctx.chat?.id ?? id!;
    if (!users.of(id!).take()) {
      if (!warned.has(id!))
        replyTo(
          o.outbox,
          chat,
          refused('flood', `Too many commands: at most ${t.commandsPerMinute} a minute. The ones after this are ignored until you slow down.`),
        );
      warned.add(id!);
      return;
    }
    warned.delete(id!);
    const text = ctx.message?.text ?? '';
    if (text.length > t.maxCommandLength) {
      return replyTo(
        o.outbox,
        chat,
        refused('too_long', `Message too long (${text.length} characters); a command is at most ${t.maxCommandLength}. Nothing was run.`),
      );
    }
    ctx.caller = { who: `telegram:${id}`, role };
    await next();
  });
  return composer;
}
