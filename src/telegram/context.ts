/** The bot's update context: grammY's, plus who is asking once the access check has passed. */
import type { Context } from 'grammy';
import type { Caller } from '../control/operation.ts';

export type BotContext = Context & { caller?: Caller };
