/** A command's Reply into a chat, through the outbox (rendered, chunked, paced, never lost). */
import type { Reply } from '../control/reply.ts';
import { renderReply } from './format/render.ts';
import type { Outbox, SendOptions } from './outbox.ts';

export function replyTo(outbox: Outbox, chatId: number, reply: Reply, opts: SendOptions = {}): void {
  outbox.enqueue(chatId, renderReply(reply), opts);
}
