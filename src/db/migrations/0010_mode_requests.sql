-- The trading mode an operator asked for with /mode or `brain ctl mode` (src/control/ops/mode.ts). The
-- newest row applies at the next boot as a config layer above the environment and below the flags
-- (README: configuration precedence). Rows are kept as the history of who switched when.
-- Times are epoch ms (UTC, wall clock).
CREATE TABLE mode_requests (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  mode         TEXT    NOT NULL CHECK (mode IN ('paper', 'live')),
  -- 'telegram:<user id>' or 'cli:<os user>'.
  requested_by TEXT    NOT NULL,
  requested_at INTEGER NOT NULL
);
