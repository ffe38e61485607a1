/** The last handler: an unknown /command gets a "did you mean", anything else a pointer to /help. */
import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';

export interface UnhandledOptions {
  /** Runs an unknown command name through the command layer (its answer names the closest command). */
  unknown: (ctx: BotContext, name: string) => void;
  hint: (ctx: BotContext, text: string) => void;
}

export function unhandledFeature(o: UnhandledOptions): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('message:text', (ctx) => {
    const m = /^\/([^\s@]+)/.exec(ctx.message.text);
    if (m) return o.unknown(ctx, m[1]!);
    o.hint(ctx, 'Commands start with / — /help lists them.');
  });
  composer.on('message', (ctx) => o.hint(ctx, 'Only commands are understood here — /help lists them.'));
  composer.on('callback_query', (ctx) => ctx.answerCallbackQuery({ text: 'This button is not valid here; nothing was done.' }).catch(() => undefined));
  return composer;
}
