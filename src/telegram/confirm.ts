/**
 * Confirmation of dangerous commands (/kill, /stop, /forceexit, /promote, /rollback, /resetbreaker, /mode paper|live): the
 * question goes out with Confirm / Cancel buttons whose callback data is only an opaque random id; the
 * row behind it (telegram_confirmations) holds the user, the command and its words, and an expiry. A
 * press is honoured once, before the expiry, and only from the user who asked; any other press does
 * nothing and says why. The command itself runs through execute() again, so role and state are
 * re-checked at the moment it runs.
 */
import { randomBytes } from 'node:crypto';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.ts';
import { done, text } from '../control/reply.ts';
import type { AuditEntry } from '../db/index.ts';
import type { Confirmation, TelegramRepo } from '../db/telegram.repo.ts';
import { renderReply } from './format/render.ts';
import type { Outbox } from './outbox.ts';

export interface ConfirmationsOptions {
  repo: TelegramRepo;
  outbox: Outbox;
  clock: Clock;
  ttlMs: number;
  log: Logger;
  audit: (entry: AuditEntry) => void;
}

export interface Press {
  userId: number;
  chatId: number;
  messageId: number | undefined;
  data: string;
}

/** What the presser is told (answerCallbackQuery) and, for a valid confirm, the request to run. */
export type PressResult = { answer: string; run?: Confirmation };

const DATA = /^(ok|no):([A-Za-z0-9_-]{12})$/;

export class Confirmations {
  constructor(private readonly o: ConfirmationsOptions) {}

  /** Sends the question with its buttons; the id in the buttons names the row, nothing else. */
  ask(chatId: number, userId: number, command: string, words: readonly string[], question: string): void {
    const id = randomBytes(9).toString('base64url');
    const now = this.o.clock.now();
    this.o.repo.createConfirmation({ id, userId, chatId, command, args: [...words], createdAt: now, expiresAt: now + this.o.ttlMs });
    const keyboard: InlineKeyboardMarkup = {
      inline_keyboard: [
        [
          { text: 'Confirm', callback_data: `ok:${id}` },
          { text: 'Cancel', callback_data: `no:${id}` },
        ],
      ],
    };
    const seconds = Math.round(this.o.ttlMs / 1000);
    this.o.outbox.enqueue(chatId, renderReply(done(text(`${question}\n\nConfirm within ${seconds} s; only you can answer.`))), { keyboard });
  }

  private settle(p: Press, line: string): void {
    if (p.messageId === undefined) return;
    const [part] = renderReply(done(text(line)));
    if (part?.kind === 'text') this.o.outbox.enqueueEdit(p.chatId, p.messageId, part);
  }

  press(p: Press): PressResult {
    const m = DATA.exec(p.data);
    if (!m) return { answer: 'This button is not valid here; nothing was done.' };
    const row = this.o.repo.confirmation(m[2]!);
    const now = this.o.clock.now();
    const audit = (what: string) =>
      this.o.audit({ time: now, who: `telegram:${p.userId}`, what, details: { confirmation: m[2]!, command: row?.command ?? null } });
    if (!row) return { answer: 'This button is from an old message or another installation; nothing was done.' };
    if (row.userId !== p.userId) {
      audit('confirmation.foreign');
      return { answer: 'Only the user who asked can answer this; nothing was done.' };
    }
    const confirm = m[1] === 'ok';
    if (!this.o.repo.decide(row.id, confirm ? 'confirmed' : 'cancelled', now)) {
      const after = this.o.repo.confirmation(row.id)!;
      if (after.status === 'expired' && row.status === 'pending') {
        audit('confirmation.expired');
        this.settle(p, `⌛ Expired: /${row.command} was not run.`);
      }
      return { answer: after.status === 'expired' ? `Expired: /${row.command} was not run. Send it again.` : 'Already answered; nothing was done.' };
    }
    if (!confirm) {
      audit('confirmation.cancelled');
      this.settle(p, `✖️ Cancelled: /${row.command} was not run.`);
      return { answer: 'Cancelled.' };
    }
    this.settle(p, `✔️ Confirmed: /${[row.command, ...(row.args as string[])].join(' ')}`);
    return { answer: `Running /${row.command}…`, run: row };
  }
}
