/**
 * Control commands (/pause, /resume, /stop, /kill, /forceexit, /resetbreaker, /halt) and the presses on
 * confirmation buttons: a press is answered at once (answerCallbackQuery) and, when it confirms, the
 * command runs as its asker.
 */
import type { Logger } from 'pino';
import { findOperation } from '../../control/registry.ts';
import type { Confirmations } from '../confirm.ts';
import type { BotContext } from '../context.ts';
import { groupComposer, type RunCommand } from './commands.ts';

/** Runs a confirmed request: the operation by name, its words, as confirmed. */
export type RunConfirmed = (ctx: BotContext, name: string, words: readonly string[]) => void;

export function controlFeature(run: RunCommand, confirmations: Confirmations, runConfirmed: RunConfirmed, log: Logger) {
  const composer = groupComposer('control', run);
  composer.on('callback_query:data', async (ctx) => {
    const result = confirmations.press({
      userId: ctx.from.id,
      chatId: ctx.chat?.id ?? ctx.from.id,
      messageId: ctx.callbackQuery.message?.message_id,
      data: ctx.callbackQuery.data,
    });
    // The answer stops the button's spinner; Telegram drops it after ~15 s, so it is not queued.
    await ctx.answerCallbackQuery({ text: result.answer }).catch((err: unknown) => log.warn({ err }, 'answerCallbackQuery failed'));
    if (result.run && findOperation(result.run.command)) runConfirmed(ctx, result.run.command, result.run.args as string[]);
  });
  return composer;
}
