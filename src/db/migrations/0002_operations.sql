-- Operations: the daily self-audit's stored reports and the readiness probe's write target.
-- Never edit this file once applied anywhere: add a new numbered file instead.

-- One row per self-audit run (scheduler chore or `brain audit`): pass/fail and every check with its numbers.
CREATE TABLE audit_reports (
  id         INTEGER PRIMARY KEY,
  time       INTEGER NOT NULL,
  mode       TEXT    NOT NULL CHECK (mode IN ('paper', 'live')),
  trigger    TEXT    NOT NULL CHECK (trigger IN ('schedule', 'cli')),
  passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
  -- Names of the failed checks, comma-separated ('' when passed): what an alert and `brain audit` show first.
  failed     TEXT    NOT NULL DEFAULT '',
  -- JSON array of { name, passed, detail, numbers }.
  checks     TEXT    NOT NULL
);
CREATE INDEX audit_reports_time ON audit_reports (time);

-- A single row that /readyz rewrites to prove the database takes writes (disk full, read-only mount, lock).
CREATE TABLE health_probe (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL
);
