/**
 * The Telegram console's tables: the outbox (every outgoing message, sent in id order per chat and marked
 * sent once), the update ids already taken in (long polling may deliver one again after a restart), and
 * the confirmation rows behind the buttons of dangerous commands (single use, expiring, bound to a user).
 */
import type { JsonValue } from '../contract/index.ts';
import { parseDescribedError, type ErrorInfo } from '../contract/errors.ts';
import type { Db } from './connection.ts';
import { fromJson, toJson } from './rows.ts';

export type OutboxKind = 'message' | 'photo' | 'edit';
export type OutboxStatus = 'pending' | 'sent' | 'failed';

/** What a Bot API call needs besides the chat: text or caption, entities, reply_markup, flags; the target message of an edit. */
export type OutboxPayload = { [k: string]: JsonValue };

export interface NewOutboxMessage {
  chatId: number;
  kind: OutboxKind;
  payload: OutboxPayload;
  photo?: Uint8Array;
  /** Queued at most once per chat: a second enqueue with the same key is ignored. */
  dedupKey?: string;
  createdAt: number;
}

export interface OutboxMessage {
  id: number;
  chatId: number;
  kind: OutboxKind;
  payload: OutboxPayload;
  photo: Uint8Array | null;
  dedupKey: string | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  /** The last failed send: its code and words; retryable while the row is still pending. */
  lastError: ErrorInfo | null;
  messageId: number | null;
  createdAt: number;
  sentAt: number | null;
}

export type ConfirmationStatus = 'pending' | 'confirmed' | 'cancelled' | 'expired';

export interface Confirmation {
  id: string;
  userId: number;
  chatId: number;
  command: string;
  args: JsonValue;
  status: ConfirmationStatus;
  createdAt: number;
  expiresAt: number;
  decidedAt: number | null;
}

export interface TelegramRepo {
  /** The new row's id, or null when the chat already has a row with this dedup key. */
  enqueue(message: NewOutboxMessage): number | null;
  /** The oldest pending row of every chat (later rows of a chat wait behind it: order is kept). */
  pendingHeads(): OutboxMessage[];
  pendingCount(): number;
  markSent(id: number, messageId: number | null, at: number): void;
  /** A transient failure: tried again at `nextAttemptAt`. */
  markRetry(id: number, nextAttemptAt: number, error: ErrorInfo): void;
  /** A permanent refusal (bad request, chat gone): never retried; logged by the caller. */
  markFailed(id: number, error: ErrorInfo, at: number): void;
  byId(id: number): OutboxMessage | undefined;
  /** Rows created in [from, to), oldest first (the demo prints them). */
  inRange(from: number, to: number): OutboxMessage[];
  /** Deletes sent and failed rows created before `before`; returns how many. */
  prune(before: number): number;
  /** True the first time an update id is seen; false for an update delivered again. */
  takeUpdate(updateId: number, at: number): boolean;
  pruneUpdates(before: number): number;
  createConfirmation(c: Omit<Confirmation, 'status' | 'decidedAt'>): void;
  confirmation(id: string): Confirmation | undefined;
  /**
   * Moves a pending confirmation to `status` at `at`, once: false when it was decided before, or when the
   * press comes at or after its expiry (it is marked expired then, whatever was pressed).
   */
  decide(id: string, status: Exclude<ConfirmationStatus, 'pending'>, at: number): boolean;
}

type OutboxRow = {
  id: number;
  chat_id: number;
  kind: OutboxKind;
  payload: string;
  photo: Uint8Array | ArrayBuffer | null;
  dedup_key: string | null;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  last_error_code: string | null;
  message_id: number | null;
  created_at: number;
  sent_at: number | null;
};
type ConfirmationRow = {
  id: string;
  user_id: number;
  chat_id: number;
  command: string;
  args: string;
  status: ConfirmationStatus;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
};

/** A row written before last_error_code existed kept the code in its text (`[code] words`): read it from there. */
function lastErrorOf(r: OutboxRow): ErrorInfo | null {
  if (r.last_error === null) return null;
  if (r.last_error_code === null) return parseDescribedError(r.last_error);
  return { code: r.last_error_code, message: r.last_error, retryable: r.status === 'pending' };
}

function outboxFromRow(r: OutboxRow): OutboxMessage {
  const photo = r.photo === null ? null : r.photo instanceof Uint8Array ? r.photo : new Uint8Array(r.photo);
  return {
    id: r.id,
    chatId: r.chat_id,
    kind: r.kind,
    payload: fromJson<OutboxPayload>(r.payload, `telegram_outbox row ${r.id}`) ?? {},
    photo,
    dedupKey: r.dedup_key,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: lastErrorOf(r),
    messageId: r.message_id,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

function confirmationFromRow(r: ConfirmationRow): Confirmation {
  return {
    id: r.id,
    userId: r.user_id,
    chatId: r.chat_id,
    command: r.command,
    args: fromJson<JsonValue>(r.args, `telegram_confirmations row ${r.id}`),
    status: r.status,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    decidedAt: r.decided_at,
  };
}

export function telegramRepo(db: Db): TelegramRepo {
  const insert = db.prepare(
    `INSERT INTO telegram_outbox (chat_id, kind, payload, photo, dedup_key, status, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT DO NOTHING`,
  );
  const heads = db.prepare(
    `SELECT o.* FROM telegram_outbox o JOIN (SELECT chat_id, MIN(id) AS id FROM telegram_outbox WHERE status = 'pending' GROUP BY chat_id) h
     ON o.id = h.id ORDER BY o.id`,
  );
  const count = db.prepare("SELECT COUNT(*) AS n FROM telegram_outbox WHERE status = 'pending'");
  const sent = db.prepare(
    "UPDATE telegram_outbox SET status = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1 WHERE id = ? AND status = 'pending'",
  );
  const retry = db.prepare(
    "UPDATE telegram_outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ?, last_error_code = ? WHERE id = ? AND status = 'pending'",
  );
  const failed = db.prepare(
    "UPDATE telegram_outbox SET status = 'failed', attempts = attempts + 1, last_error = ?, last_error_code = ?, sent_at = ? WHERE id = ? AND status = 'pending'",
  );
  const one = db.prepare('SELECT * FROM telegram_outbox WHERE id = ?');
  const range = db.prepare('SELECT * FROM telegram_outbox WHERE created_at >= ? AND created_at < ? ORDER BY id');
  const prune = db.prepare("DELETE FROM telegram_outbox WHERE status <> 'pending' AND created_at < ?");
  const takeUpdate = db.prepare('INSERT INTO telegram_updates (update_id, received_at) VALUES (?, ?) ON CONFLICT DO NOTHING');
  const pruneUpdates = db.prepare('DELETE FROM telegram_updates WHERE received_at < ?');
  const createConfirmation = db.prepare(
    `INSERT INTO telegram_confirmations (id, user_id, chat_id, command, args, status, created_at, expires_at)
     VALUES (:id, :user_id, :chat_id, :command, :args, 'pending', :created_at, :expires_at)`,
  );
  const confirmation = db.prepare('SELECT * FROM telegram_confirmations WHERE id = ?');
  const decide = db.prepare(
    `UPDATE telegram_confirmations SET status = :status, decided_at = :at
     WHERE id = :id AND status = 'pending' AND expires_at > :at`,
  );
  const expire = db.prepare(
    "UPDATE telegram_confirmations SET status = 'expired', decided_at = :at WHERE id = :id AND status = 'pending' AND expires_at <= :at",
  );

  return {
    enqueue: (m) => {
      const r = insert.run([m.chatId, m.kind, toJson(m.payload), m.photo ?? null, m.dedupKey ?? null, m.createdAt, m.createdAt]);
      return r.changes === 1 ? r.lastInsertRowid : null;
    },
    pendingHeads: () => heads.all<OutboxRow>().map(outboxFromRow),
    pendingCount: () => count.get<{ n: number }>()?.n ?? 0,
    markSent: (id, messageId, at) => void sent.run([messageId, at, id]),
    markRetry: (id, next, error) => void retry.run([next, error.message, error.code, id]),
    markFailed: (id, error, at) => void failed.run([error.message, error.code, at, id]),
    byId: (id) => {
      const row = one.get<OutboxRow>([id]);
      return row && outboxFromRow(row);
    },
    inRange: (from, to) => range.all<OutboxRow>([from, to]).map(outboxFromRow),
    prune: (before) => prune.run([before]).changes,
    takeUpdate: (updateId, at) => takeUpdate.run([updateId, at]).changes === 1,
    pruneUpdates: (before) => pruneUpdates.run([before]).changes,
    createConfirmation: (c) =>
      void createConfirmation.run({
        id: c.id,
        user_id: c.userId,
        chat_id: c.chatId,
        command: c.command,
        args: toJson(c.args),
        created_at: c.createdAt,
        expires_at: c.expiresAt,
      }),
    confirmation: (id) => {
      const row = confirmation.get<ConfirmationRow>([id]);
      return row && confirmationFromRow(row);
    },
    decide: (id, status, at) => {
      if (decide.run({ id, status, at }).changes === 1) return true;
      expire.run({ id, at });
      return false;
    },
  };
}
