-- The Telegram console's durable state. Times are epoch ms (UTC).

-- Every message the bot sends (replies and notifications) is a row here first, sent in id order per chat,
-- paced, retried after an outage, marked sent once: nothing queued is lost or sent twice.
CREATE TABLE telegram_outbox (
  id              INTEGER PRIMARY KEY,
  chat_id         INTEGER NOT NULL,
  kind            TEXT    NOT NULL CHECK (kind IN ('message', 'photo', 'edit')),
  -- JSON: text or caption, entities, reply_markup, disable_notification; for 'edit' the message_id
  payload         TEXT    NOT NULL,
  photo           BLOB,
  -- An event announced twice (a restart, a re-emitted report) is queued once per chat.
  dedup_key       TEXT,
  status          TEXT    NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  message_id      INTEGER,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  CHECK (kind <> 'photo' OR photo IS NOT NULL)
);
CREATE UNIQUE INDEX telegram_outbox_dedup ON telegram_outbox (chat_id, dedup_key) WHERE dedup_key IS NOT NULL;
CREATE INDEX telegram_outbox_pending ON telegram_outbox (status, chat_id, id);

-- Update ids already taken in: long polling may deliver an update again after a restart, and a command
-- that moves money must not run twice.
CREATE TABLE telegram_updates (
  update_id   INTEGER PRIMARY KEY NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX telegram_updates_received ON telegram_updates (received_at);

-- Confirmation buttons of dangerous commands: the callback data carries only the opaque id; the row
-- holds who asked, what, and until when. Single use: pending → confirmed | cancelled | expired.
CREATE TABLE telegram_confirmations (
  id         TEXT    PRIMARY KEY NOT NULL,
  user_id    INTEGER NOT NULL,
  chat_id    INTEGER NOT NULL,
  command    TEXT    NOT NULL,
  args       TEXT    NOT NULL,
  status     TEXT    NOT NULL CHECK (status IN ('pending', 'confirmed', 'cancelled', 'expired')),
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_at INTEGER
);
