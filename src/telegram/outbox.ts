/**
 * Every message the bot sends — replies, confirmations, notifications — is first a row in the outbox
 * table, then sent by one pump: in id order per chat (a chat's head row blocks the rows behind it, so
 * order is kept), paced per chat and overall by token buckets, each row marked sent once. A flood wait longer than
 * auto-retry's cap, a server error or a network outage leaves the row pending with a next attempt on the
 * injected clock (exponential backoff); a request Telegram refuses for good (400, 403) is marked failed
 * and logged. Nothing queued is lost; a row is resent only when Telegram did not confirm it (the Bot API
 * has no idempotency key, so a reply lost after Telegram accepted the message is the one duplicate left).
 */
import { GrammyError, InputFile, type Api } from 'grammy';
import type { InlineKeyboardMarkup, MessageEntity } from 'grammy/types';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import type { JsonValue } from '../contract/index.ts';
import type { OutboxMessage, TelegramRepo } from '../db/telegram.repo.ts';
import { Buckets, TokenBucket } from './bucket.ts';
import { telegramErrorInfo } from './errors.ts';
import { MAX_MESSAGE, type OutgoingPart } from './format/render.ts';

export interface OutboxOptions {
  repo: TelegramRepo;
  api: Api;
  clock: Clock;
  log: Logger;
  /** Steady messages per second per chat, and how many may go back to back first. */
  perSecond: number;
  burst: number;
  /** First retry after a transient failure, doubling up to `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** A message sent later than this after it was queued says so at its top. */
  delayedAfterMs?: number;
}

export interface SendOptions {
  silent?: boolean;
  keyboard?: InlineKeyboardMarkup;
  /** Queued at most once per chat (a notification's event key). */
  dedupKey?: string;
}

/** Telegram's guideline for a bot across all its chats: about 30 messages a second. */
const GLOBAL_PER_SECOND = 30;

function utcTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 16);
}

export class Outbox {
  private readonly buckets: Buckets<number>;
  private readonly global: TokenBucket;
  private timer: unknown;
  private pumping: Promise<void> | null = null;
  /** A kick came while the pump was finishing: pump once more, so a row queued then is not left waiting. */
  private again = false;
  private stopped = false;

  constructor(private readonly o: OutboxOptions) {
    this.buckets = new Buckets(o.burst, o.perSecond, o.clock);
    this.global = new TokenBucket(GLOBAL_PER_SECOND, GLOBAL_PER_SECOND, o.clock);
  }

  /** Milliseconds until `chat` may be sent to: its own pace and the bot's overall one. */
  private paceWait(chat: number): number {
    return Math.max(this.buckets.of(chat).waitMs(), this.global.waitMs());
  }

  /** Queues the parts of one reply or notification for a chat; returns the row ids queued. */
  enqueue(chatId: number, parts: readonly OutgoingPart[], opts: SendOptions = {}): number[] {
    const now = this.o.clock.now();
    const ids: number[] = [];
    parts.forEach((p, i) => {
      const last = i === parts.length - 1;
      const base = {
        ...(opts.silent ? { disable_notification: true } : {}),
        ...(last && opts.keyboard ? { reply_markup: opts.keyboard as unknown as JsonValue } : {}),
      };
      const dedupKey = opts.dedupKey === undefined ? undefined : `${opts.dedupKey}#${i}`;
      const id =
        p.kind === 'text'
          ? this.o.repo.enqueue({
              chatId,
              kind: 'message',
              payload: { text: p.text, entities: p.entities as unknown as JsonValue, ...base },
              createdAt: now,
              ...(dedupKey ? { dedupKey } : {}),
            })
          : this.o.repo.enqueue({
              chatId,
              kind: 'photo',
              payload: { caption: p.caption, entities: p.entities as unknown as JsonValue, ...base },
              photo: p.png,
              createdAt: now,
              ...(dedupKey ? { dedupKey } : {}),
            });
      if (id !== null) ids.push(id);
    });
    this.kick();
    return ids;
  }

  /** Queues an edit of a message the bot sent (a confirmation's outcome); without `keyboard` its buttons go. */
  enqueueEdit(chatId: number, messageId: number, part: Extract<OutgoingPart, { kind: 'text' }>, keyboard?: InlineKeyboardMarkup): void {
    const payload = {
      message_id: messageId,
      text: part.text,
      entities: part.entities as unknown as JsonValue,
      ...(keyboard ? { reply_markup: keyboard as unknown as JsonValue } : {}),
    };
    this.o.repo.enqueue({ chatId, kind: 'edit', payload, createdAt: this.o.clock.now() });
    this.kick();
  }

  pending(): number {
    return this.o.repo.pendingCount();
  }

  /** Starts sending whatever is due (also what an earlier run left behind). */
  kick(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (!this.again) return;
      this.again = false;
      this.kick();
    });
  }

  /** Sends until nothing is due or `deadlineMs` of clock time passed; returns the rows still pending. */
  async drain(deadlineMs: number): Promise<number> {
    const end = this.o.clock.now() + deadlineMs;
    while (!this.stopped && this.pending() > 0 && this.o.clock.now() < end) {
      this.kick();
      await this.pumping;
      if (this.nextDueIn() > 0) break;
    }
    return this.pending();
  }

  /** Resolves when the pump has nothing due now (rows may still wait for a retry or their pace). */
  async idle(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
    await this.pumping;
  }

  /** Milliseconds until the next row may go (Infinity: nothing pending). */
  private nextDueIn(): number {
    const now = this.o.clock.now();
    let next = Infinity;
    for (const h of this.o.repo.pendingHeads()) next = Math.min(next, Math.max(h.nextAttemptAt - now, this.paceWait(h.chatId), 0));
    return next;
  }

  private async pump(): Promise<void> {
    this.o.clock.clearTimeout(this.timer);
    while (!this.stopped) {
      const now = this.o.clock.now();
      const heads = this.o.repo.pendingHeads();
      const due = heads.find((h) => h.nextAttemptAt <= now && this.paceWait(h.chatId) === 0);
      if (!due) {
        const wait = this.nextDueIn();
        if (Number.isFinite(wait)) this.timer = this.o.clock.setTimeout(() => this.kick(), wait);
        return;
      }
      this.buckets.of(due.chatId).take();
      this.global.take();
      await this.send(due);
    }
  }

  private delayedNote(row: OutboxMessage, text: string, entities: MessageEntity[]): { text: string; entities: MessageEntity[] } {
    const late = this.o.clock.now() - row.createdAt;
    const note = `⏱ delayed: queued at ${utcTime(row.createdAt)} UTC\n`;
    if (late < (this.o.delayedAfterMs ?? 120_000) || note.length + text.length > MAX_MESSAGE) return { text, entities };
    return { text: note + text, entities: entities.map((e) => ({ ...e, offset: e.offset + note.length })) };
  }

  private async call(row: OutboxMessage): Promise<number | null> {
    const p = row.payload as Record<string, unknown>;
    const entities = (p.entities as MessageEntity[] | undefined) ?? [];
    const markup = p.reply_markup as InlineKeyboardMarkup | undefined;
    const silent = p.disable_notification === true;
    if (row.kind === 'edit') {
      await this.o.api.editMessageText(row.chatId, Number(p.message_id), String(p.text), { entities, ...(markup ? { reply_markup: markup } : {}) });
      return Number(p.message_id);
    }
    if (row.kind === 'photo') {
      const m = await this.o.api.sendPhoto(row.chatId, new InputFile(row.photo!, `chart-${row.id}.png`), {
        caption: String(p.caption ?? ''),
        caption_entities: entities,
        disable_notification: silent,
      });
      return m.message_id;
    }
    const body = this.delayedNote(row, String(p.text), entities);
    const m = await this.o.api.sendMessage(row.chatId, body.text, {
      entities: body.entities,
      disable_notification: silent,
      link_preview_options: { is_disabled: true },
      ...(markup ? { reply_markup: markup } : {}),
    });
    return m.message_id;
  }

  private async send(row: OutboxMessage): Promise<void> {
    const now = () => this.o.clock.now();
    try {
      this.o.repo.markSent(row.id, await this.call(row), now());
    } catch (err) {
      if (err instanceof GrammyError && row.kind === 'edit' && err.description.includes('message is not modified'))
        return this.o.repo.markSent(row.id, null, now());
      const error = telegramErrorInfo(err);
      if (err instanceof GrammyError && !error.retryable) {
        this.o.log.error(
          { chatId: row.chatId, outboxId: row.id, code: error.code, status: err.error_code, description: err.description },
          'telegram refused a message for good; it is kept as failed in the outbox',
        );
        return this.o.repo.markFailed(row.id, error, now());
      }
      const retryAfter = err instanceof GrammyError ? err.parameters.retry_after : undefined;
      const backoff = Math.min(this.o.maxBackoffMs ?? 300_000, (this.o.baseBackoffMs ?? 1000) * 2 ** row.attempts);
      const wait = retryAfter !== undefined ? retryAfter * 1000 : backoff;
      if (row.attempts === 0)
        this.o.log.warn(
          { chatId: row.chatId, outboxId: row.id, code: error.code, retryable: error.retryable, reason: error.message, retryInMs: wait },
          'telegram send failed; kept in the outbox and retried',
        );
      this.o.repo.markRetry(row.id, now() + wait, error);
    }
  }
}
