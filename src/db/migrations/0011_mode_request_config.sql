-- /mode config (src/control/ops/mode.ts): an operator clears the recorded mode so the configuration
-- (settings.toml < environment < flags) decides again. Recorded as a row of its own, mode 'config', so
-- the history of who switched when stays whole. SQLite cannot change a CHECK: the table is rebuilt.
CREATE TABLE mode_requests_new (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  -- 'config' = no request: the configuration decides.
  mode         TEXT    NOT NULL CHECK (mode IN ('paper', 'live', 'config')),
  -- 'telegram:<user id>' or 'cli:<os user>'.
  requested_by TEXT    NOT NULL,
  requested_at INTEGER NOT NULL
);
INSERT INTO mode_requests_new (id, mode, requested_by, requested_at) SELECT id, mode, requested_by, requested_at FROM mode_requests;
DROP TABLE mode_requests;
ALTER TABLE mode_requests_new RENAME TO mode_requests;
