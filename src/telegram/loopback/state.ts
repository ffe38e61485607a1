/**
 * What the loopback Bot API server remembers, and the Bot API methods it answers, as Telegram does:
 * messages per chat with ids, edits that must change something, callback queries answered once,
 * Telegram's limits and error texts (4096 characters, entities inside the text, a blocked user). The
 * updates those make and their webhook are the UpdateQueue's (updates.ts), which BotApiState extends.
 * No HTTP here: see server.ts.
 */
import type { Message, MessageEntity, Update, User } from 'grammy/types';
import { BrainError } from '../../contract/errors.ts';
import { apiError, UpdateQueue, type ApiAnswer } from './updates.ts';

/** One message the bot sent, edited or captioned, as the operator's phone would show it. */
export interface SentRecord {
  method: 'sendMessage' | 'sendPhoto' | 'editMessageText';
  chatId: number;
  messageId: number;
  text: string;
  entities: MessageEntity[];
  replyMarkup: unknown;
  silent: boolean;
  photo: Uint8Array | null;
}

export const BOT_USER: User = { id: 777_000_001, is_bot: true, first_name: 'Trading Brain', username: 'trading_brain_bot' };

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** Telegram marks /commands in a user's text as bot_command entities; grammY's command filter needs them. */
function commandEntities(text: string): MessageEntity[] {
  const m = /^\/[A-Za-z0-9_]{1,32}(@\w+)?/.exec(text);
  return m ? [{ type: 'bot_command', offset: 0, length: m[0].length }] : [];
}

function entitiesFit(text: string, entities: unknown): entities is MessageEntity[] {
  if (entities === undefined) return true;
  return Array.isArray(entities) && entities.every((e: MessageEntity) => e.offset >= 0 && e.length > 0 && e.offset + e.length <= text.length);
}

export class BotApiState extends UpdateQueue {
  private readonly messages = new Map<number, Map<number, Message>>();
  private readonly openQueries = new Set<string>();
  private nextQuery = 1;
  readonly sent: SentRecord[] = [];
  readonly answers: Array<{ id: string; text: string | undefined }> = [];
  readonly blocked = new Set<number>();
  commands: unknown = null;

  private remember(chatId: number, message: Message): Message {
    if (!this.messages.has(chatId)) this.messages.set(chatId, new Map());
    this.messages.get(chatId)!.set(message.message_id, message);
    return message;
  }

  private nextMessageId(chatId: number): number {
    return (this.messages.get(chatId)?.size ?? 0) + 1;
  }

  /** A user writes `text` to the bot in their private chat. */
  userSays(from: { id: number; first_name?: string }, text: string): Update {
    const user: User = { id: from.id, is_bot: false, first_name: from.first_name ?? `user${from.id}` };
    const entities = commandEntities(text);
    const message = this.remember(from.id, {
      message_id: this.nextMessageId(from.id),
      date: this.nowSeconds(),
      chat: { id: from.id, type: 'private', first_name: user.first_name },
      from: user,
      text,
      ...(entities.length > 0 ? { entities } : {}),
    } as Message);
    return this.push({ message: message as Update['message'] });
  }

  /** A user presses an inline button with `data` under the bot's message `messageId` in chat `chatId`. */
  userPresses(from: { id: number }, chatId: number, messageId: number, data: string): Update {
    const message = this.messages.get(chatId)?.get(messageId);
    if (!message)
      throw new BrainError(`no message ${messageId} in chat ${chatId} to press a button on`, {
        domain: 'telegram_loopback',
        code: 'nothing_to_press',
        retryable: false,
      });
    const id = String(this.nextQuery++);
    this.openQueries.add(id);
    return this.push({
      callback_query: {
        id,
        from: { id: from.id, is_bot: false, first_name: `user${from.id}` },
        message: message as Update['message'],
        chat_instance: String(chatId),
        data,
      },
    } as Omit<Update, 'update_id'>);
  }

  private send(
    method: SentRecord['method'],
    chatId: number,
    text: string,
    entities: MessageEntity[],
    p: Record<string, unknown>,
    photo: Uint8Array | null,
  ): ApiAnswer {
    if (this.blocked.has(chatId)) return apiError('bot was blocked by the user', 403);
    const message = this.remember(chatId, {
      message_id: this.nextMessageId(chatId),
      date: this.nowSeconds(),
      chat: { id: chatId, type: 'private', first_name: `user${chatId}` },
      from: BOT_USER,
      ...(photo
        ? {
            photo: [{ file_id: `photo-${chatId}-${this.sent.length}`, file_unique_id: `u${this.sent.length}`, width: 900, height: 300 }],
            caption: text,
            caption_entities: entities,
          }
        : { text, entities }),
      ...(p.reply_markup ? { reply_markup: p.reply_markup } : {}),
    } as Message);
    this.sent.push({
      method,
      chatId,
      messageId: message.message_id,
      text,
      entities,
      replyMarkup: p.reply_markup ?? null,
      silent: p.disable_notification === true,
      photo,
    });
    return { ok: true, result: message };
  }

  sendMessage(p: Record<string, unknown>): ApiAnswer {
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.length === 0) return apiError('message text is empty');
    if (text.length > MAX_TEXT) return apiError('message is too long');
    if (!entitiesFit(text, p.entities)) return apiError("can't parse entities: an entity is outside the text");
    return this.send('sendMessage', Number(p.chat_id), text, (p.entities as MessageEntity[] | undefined) ?? [], p, null);
  }

  sendPhoto(p: Record<string, unknown>, photo: Uint8Array | null): ApiAnswer {
    if (!photo || photo.length < 8 || photo[0] !== 0x89 || photo[1] !== 0x50) return apiError('wrong type of the web page content');
    const caption = typeof p.caption === 'string' ? p.caption : '';
    if (caption.length > MAX_CAPTION) return apiError('message caption is too long');
    if (!entitiesFit(caption, p.caption_entities)) return apiError("can't parse entities: an entity is outside the caption");
    return this.send('sendPhoto', Number(p.chat_id), caption, (p.caption_entities as MessageEntity[] | undefined) ?? [], p, photo);
  }

  editMessageText(p: Record<string, unknown>): ApiAnswer {
    const chatId = Number(p.chat_id);
    const old = this.messages.get(chatId)?.get(Number(p.message_id));
    if (!old || old.from?.id !== BOT_USER.id) return apiError('message to edit not found');
    const text = typeof p.text === 'string' ? p.text : '';
    if (text.length === 0 || text.length > MAX_TEXT) return apiError(text.length === 0 ? 'message text is empty' : 'message is too long');
    if (old.text === text && JSON.stringify(old.reply_markup ?? null) === JSON.stringify(p.reply_markup ?? null)) {
      return apiError(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    const entities = (p.entities as MessageEntity[] | undefined) ?? [];
    const edited = {
      ...old,
      text,
      entities,
      edit_date: this.nowSeconds(),
      ...(p.reply_markup ? { reply_markup: p.reply_markup } : { reply_markup: undefined }),
    } as Message;
    this.remember(chatId, edited);
    this.sent.push({
      method: 'editMessageText',
      chatId,
      messageId: old.message_id,
      text,
      entities,
      replyMarkup: p.reply_markup ?? null,
      silent: true,
      photo: null,
    });
    return { ok: true, result: edited };
  }

  answerCallbackQuery(p: Record<string, unknown>): ApiAnswer {
    const id = String(p.callback_query_id);
    if (!this.openQueries.delete(id)) return apiError('query is too old and response timeout expired or query ID is invalid');
    this.answers.push({ id, text: typeof p.text === 'string' ? p.text : undefined });
    return { ok: true, result: true };
  }
}
