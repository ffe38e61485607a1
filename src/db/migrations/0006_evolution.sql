-- The evolution pipeline (src/evolution, docs/evolution.md): the candidate ledger, its step events,
-- the paper tests' shadow decisions, the expectations a deployed version is watched against, and the
-- daily live-vs-backtest drift reports.

-- One row per candidate submitted from any source (offline evolver, model, person). A duplicate
-- (same content hash) gets its own row that points at the earlier one and reuses its verdict.
-- stage = how far it got; verdict = what happened there; failed_gate names the gate that refused it.
CREATE TABLE candidate_ledger (
  id                INTEGER PRIMARY KEY,
  content_hash      TEXT    NOT NULL,
  kind              TEXT    NOT NULL CHECK (kind IN ('strategy', 'statistics')),
  name              TEXT    NOT NULL,
  version_id        TEXT,
  parent_version_id TEXT,
  origin_kind       TEXT    NOT NULL CHECK (origin_kind IN ('offline', 'model', 'person')),
  origin            TEXT    NOT NULL,
  params            TEXT    NOT NULL DEFAULT '{}',
  diff_summary      TEXT    NOT NULL DEFAULT '',
  hypothesis        TEXT    NOT NULL DEFAULT '',
  stage             TEXT    NOT NULL CHECK (stage IN ('submitted', 'static', 'screen', 'gates', 'paper', 'deployed', 'rolledBack')),
  verdict           TEXT    NOT NULL CHECK (verdict IN ('pending', 'passed', 'refused', 'duplicate', 'cancelled')),
  failed_gate       TEXT,
  reason            TEXT,
  duplicate_of      INTEGER REFERENCES candidate_ledger (id),
  gates             TEXT    NOT NULL DEFAULT '[]',
  holdout           TEXT,
  score             REAL,
  sharpe            REAL,
  n_obs             INTEGER,
  skew              REAL,
  kurtosis          REAL,
  cpu_seconds       REAL    NOT NULL DEFAULT 0 CHECK (cpu_seconds >= 0),
  usd               REAL    NOT NULL DEFAULT 0 CHECK (usd >= 0),
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  CHECK (verdict <> 'duplicate' OR duplicate_of IS NOT NULL),
  CHECK (verdict <> 'refused' OR failed_gate IS NOT NULL)
);
CREATE INDEX candidate_ledger_hash ON candidate_ledger (content_hash, id);
CREATE INDEX candidate_ledger_version ON candidate_ledger (version_id);

-- Every step of a candidate after the gates: paper test scheduled/passed/failed, deployed, rolled back
-- (with the trigger and its numbers), promoted or rolled back by hand.
CREATE TABLE ledger_events (
  id        INTEGER PRIMARY KEY,
  ledger_id INTEGER NOT NULL REFERENCES candidate_ledger (id),
  time      INTEGER NOT NULL,
  kind      TEXT    NOT NULL,
  details   TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX ledger_events_ledger ON ledger_events (ledger_id, time);

-- The non-hold decisions a paper test's shadow made on each closed candle (its shadow ledger is the
-- engine replaying these over the window's candles, so a restart loses nothing).
CREATE TABLE paper_test_decisions (
  paper_test_id TEXT    NOT NULL,
  pair          TEXT    NOT NULL,
  candle_time   INTEGER NOT NULL,
  decision      TEXT    NOT NULL,
  PRIMARY KEY (paper_test_id, candle_time, pair)
) WITHOUT ROWID;

-- What a deployed version promised (Monte Carlo percentiles, trade rate, per-trade returns, cost
-- assumptions): the rollback watch compares live results with it.
CREATE TABLE version_expectations (
  version_id   TEXT    PRIMARY KEY NOT NULL,
  recorded_at  INTEGER NOT NULL,
  expectations TEXT    NOT NULL
);

-- Each UTC day: the day replayed through the backtester with the version that traded, against what the venue did.
CREATE TABLE drift_reports (
  day        INTEGER NOT NULL,
  version_id TEXT    NOT NULL,
  report     TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (day, version_id)
) WITHOUT ROWID;
