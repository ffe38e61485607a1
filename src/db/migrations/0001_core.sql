-- Core schema. Times are INTEGER epoch milliseconds (UTC); JSON lives in TEXT; money is REAL USD.
-- Pairs are not CHECKed: SQLite cannot alter a CHECK in place, and the universe may grow (contract PAIRS).
-- Never edit this file once applied anywhere: add 0002_<name>.sql instead.

-- Market data, one row per candle per timeframe tier (1m recent, 5m/1h/1d longer, see src/market).
CREATE TABLE candles (
  pair      TEXT    NOT NULL,
  timeframe TEXT    NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '1h', '4h', '1d')),
  time      INTEGER NOT NULL,
  open      REAL    NOT NULL,
  high      REAL    NOT NULL,
  low       REAL    NOT NULL,
  close     REAL    NOT NULL,
  volume    REAL    NOT NULL,
  PRIMARY KEY (pair, timeframe, time)
) WITHOUT ROWID;

-- What the scanner computed on each closed candle, whether or not it led to a signal.
CREATE TABLE scan_results (
  id               INTEGER PRIMARY KEY,
  pair             TEXT    NOT NULL,
  timeframe        TEXT    NOT NULL,
  candle_time      INTEGER NOT NULL,
  strategy_version TEXT    NOT NULL,
  action           TEXT    NOT NULL CHECK (action IN ('buy', 'sell', 'close', 'hold')),
  regime           TEXT    CHECK (regime IN ('trending_up', 'trending_down', 'ranging', 'volatile', 'unknown')),
  indicators       TEXT    NOT NULL DEFAULT '{}',
  duration_ms      REAL,
  created_at       INTEGER NOT NULL
);
CREATE INDEX scan_results_pair_time ON scan_results (pair, candle_time);

-- Non-hold intents and what became of them: acted (an order) or rejected (by risk/breaker, with reason).
CREATE TABLE signals (
  id                 INTEGER PRIMARY KEY,
  pair               TEXT    NOT NULL,
  candle_time        INTEGER NOT NULL,
  ref_price          REAL    NOT NULL,
  strategy_version   TEXT    NOT NULL,
  action             TEXT    NOT NULL CHECK (action IN ('buy', 'sell', 'close', 'hold')),
  size_fraction      REAL    NOT NULL,
  stop_loss          REAL,
  take_profit        REAL,
  slippage_tolerance REAL,
  reason             TEXT    NOT NULL DEFAULT '',
  regime             TEXT    CHECK (regime IN ('trending_up', 'trending_down', 'ranging', 'volatile', 'unknown')),
  indicators         TEXT,
  outcome            TEXT    NOT NULL CHECK (outcome IN ('acted', 'rejected')),
  reject_reason      TEXT,
  cl_ord_id          TEXT,
  created_at         INTEGER NOT NULL,
  CHECK (outcome = 'acted' OR reject_reason IS NOT NULL)
);
CREATE INDEX signals_created_at ON signals (created_at);
CREATE INDEX signals_pair_created_at ON signals (pair, created_at);

-- Order intent rows: written BEFORE the order is sent (DESIGN inv. 4), keyed by our client order id.
CREATE TABLE orders (
  cl_ord_id       TEXT    PRIMARY KEY NOT NULL,
  venue_order_id  TEXT,
  pair            TEXT    NOT NULL,
  side            TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  type            TEXT    NOT NULL CHECK (type IN ('market', 'limit', 'stop-loss', 'take-profit')),
  quantity        REAL    NOT NULL CHECK (quantity > 0),
  limit_price     REAL    CHECK (limit_price IS NULL OR limit_price > 0),
  status          TEXT    NOT NULL CHECK (status IN
                    ('intent', 'sent', 'open', 'partial', 'filled', 'canceled', 'expired', 'rejected', 'unknown')),
  filled_quantity REAL    NOT NULL DEFAULT 0 CHECK (filled_quantity >= 0),
  position_id     TEXT,
  reason          TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX orders_status ON orders (status);
CREATE INDEX orders_position ON orders (position_id);
CREATE UNIQUE INDEX orders_venue_order_id ON orders (venue_order_id) WHERE venue_order_id IS NOT NULL;

-- Executions. cl_ord_id is not a foreign key: reconciliation may record a venue trade before (or
-- without) its order row, and losing a fill is worse than an orphan.
CREATE TABLE fills (
  trade_id  TEXT    PRIMARY KEY NOT NULL,
  cl_ord_id TEXT    NOT NULL,
  pair      TEXT    NOT NULL,
  side      TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  price     REAL    NOT NULL CHECK (price > 0),
  quantity  REAL    NOT NULL CHECK (quantity > 0),
  fee       REAL    NOT NULL CHECK (fee >= 0),
  liquidity TEXT    NOT NULL CHECK (liquidity IN ('maker', 'taker')),
  time      INTEGER NOT NULL
);
CREATE INDEX fills_cl_ord_id ON fills (cl_ord_id);
CREATE INDEX fills_time ON fills (time);

CREATE TABLE positions (
  id               TEXT    PRIMARY KEY NOT NULL,
  pair             TEXT    NOT NULL,
  status           TEXT    NOT NULL CHECK (status IN ('pendingEntry', 'open', 'pendingExit', 'closed')),
  quantity         REAL    NOT NULL CHECK (quantity >= 0),
  entry_price      REAL    NOT NULL CHECK (entry_price >= 0),
  entry_fees       REAL    NOT NULL DEFAULT 0,
  exit_fees        REAL    NOT NULL DEFAULT 0,
  realized_pnl     REAL    NOT NULL DEFAULT 0,
  stop_loss        REAL,
  take_profit      REAL,
  strategy_version TEXT    NOT NULL,
  opened_at        INTEGER NOT NULL,
  closed_at        INTEGER,
  exit_reason      TEXT    CHECK (exit_reason IN
                     ('signal', 'stop_loss', 'take_profit', 'emergency', 'manual', 'end_of_data', 'rollback')),
  CHECK (status <> 'closed' OR closed_at IS NOT NULL)
);
CREATE INDEX positions_status ON positions (status);
CREATE INDEX positions_closed_at ON positions (closed_at);

CREATE TABLE portfolio_snapshots (
  id             INTEGER PRIMARY KEY,
  time           INTEGER NOT NULL,
  cash           REAL    NOT NULL,
  equity         REAL    NOT NULL,
  peak_equity    REAL    NOT NULL,
  drawdown       REAL    NOT NULL CHECK (drawdown >= 0 AND drawdown <= 1),
  realized_pnl   REAL    NOT NULL,
  unrealized_pnl REAL    NOT NULL,
  fees_paid      REAL    NOT NULL,
  positions      TEXT    NOT NULL DEFAULT '[]'
);
CREATE INDEX portfolio_snapshots_time ON portfolio_snapshots (time);

-- One row per UTC day (day = midnight ms); the daily-loss rule compares against open_equity.
CREATE TABLE daily_snapshots (
  day          INTEGER PRIMARY KEY NOT NULL,
  open_equity  REAL    NOT NULL,
  close_equity REAL    NOT NULL,
  peak_equity  REAL    NOT NULL,
  realized_pnl REAL    NOT NULL DEFAULT 0,
  fees         REAL    NOT NULL DEFAULT 0,
  trades       INTEGER NOT NULL DEFAULT 0,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE fee_schedule (
  pair       TEXT    PRIMARY KEY NOT NULL,
  maker      REAL    NOT NULL CHECK (maker >= 0 AND maker <= 0.1),
  taker      REAL    NOT NULL CHECK (taker >= 0 AND taker <= 0.1),
  source     TEXT    NOT NULL CHECK (source IN ('venue', 'config')),
  updated_at INTEGER NOT NULL
);

-- Versions are immutable (DESIGN inv. 6): content columns cannot change and rows cannot be deleted;
-- only status, gate results and the backtest link evolve. Repository: src/db/versions.repo.ts (sandbox).
CREATE TABLE strategy_versions (
  id            TEXT    PRIMARY KEY NOT NULL,
  kind          TEXT    NOT NULL CHECK (kind IN ('strategy', 'statistics')),
  name          TEXT    NOT NULL,
  label         TEXT    NOT NULL,
  source        TEXT    NOT NULL,
  source_sha256 TEXT    NOT NULL,
  bundle        TEXT    NOT NULL,
  bundle_sha256 TEXT    NOT NULL,
  parent_id     TEXT    REFERENCES strategy_versions (id),
  author_kind   TEXT    NOT NULL CHECK (author_kind IN ('human', 'model')),
  author_model  TEXT,
  prompt_sha256 TEXT,
  created_at    INTEGER NOT NULL,
  gate_results  TEXT    NOT NULL DEFAULT '{}',
  backtest_id   INTEGER,
  status        TEXT    NOT NULL
);
CREATE INDEX strategy_versions_kind_name ON strategy_versions (kind, name, created_at);
CREATE INDEX strategy_versions_parent ON strategy_versions (parent_id);

CREATE TRIGGER strategy_versions_immutable
BEFORE UPDATE OF id, kind, name, label, source, source_sha256, bundle, bundle_sha256, parent_id,
                 author_kind, author_model, prompt_sha256, created_at ON strategy_versions
BEGIN
  SELECT RAISE(ABORT, 'strategy_versions content is immutable (DESIGN inv. 6): store a new version instead');
END;

CREATE TRIGGER strategy_versions_no_delete
BEFORE DELETE ON strategy_versions
BEGIN
  SELECT RAISE(ABORT, 'strategy_versions rows are never deleted (DESIGN inv. 6)');
END;

-- Deploy and rollback switch one pointer per slot ('strategy' | 'statistics:<name>') atomically.
CREATE TABLE active_versions (
  slot                TEXT    PRIMARY KEY NOT NULL,
  version_id          TEXT    NOT NULL REFERENCES strategy_versions (id),
  previous_version_id TEXT    REFERENCES strategy_versions (id),
  switched_at         INTEGER NOT NULL
);

CREATE TABLE backtests (
  id                  INTEGER PRIMARY KEY,
  strategy_version_id TEXT    NOT NULL,
  pairs               TEXT    NOT NULL,
  from_time           INTEGER NOT NULL,
  to_time             INTEGER NOT NULL,
  params              TEXT    NOT NULL DEFAULT '{}',
  metrics             TEXT    NOT NULL DEFAULT '{}',
  monte_carlo         TEXT,
  gates               TEXT,
  report_dir          TEXT,
  created_at          INTEGER NOT NULL
);
CREATE INDEX backtests_version ON backtests (strategy_version_id);

-- Every candidate ever evaluated, passed or not: the trial count behind the deflated Sharpe ratio.
CREATE TABLE experiment_ledger (
  id          INTEGER PRIMARY KEY,
  version_id  TEXT    NOT NULL,
  backtest_id INTEGER,
  created_at  INTEGER NOT NULL,
  sharpe      REAL    NOT NULL,
  n_obs       INTEGER NOT NULL CHECK (n_obs >= 0),
  skew        REAL    NOT NULL,
  kurtosis    REAL    NOT NULL,
  passed      INTEGER NOT NULL CHECK (passed IN (0, 1))
);
CREATE INDEX experiment_ledger_created_at ON experiment_ledger (created_at);

CREATE TABLE paper_tests (
  id                  TEXT    PRIMARY KEY NOT NULL,
  version_id          TEXT    NOT NULL,
  baseline_version_id TEXT,
  status              TEXT    NOT NULL CHECK (status IN
                        ('scheduled', 'running', 'evaluating', 'passed', 'failed', 'cancelled')),
  started_at          INTEGER,
  deadline            INTEGER NOT NULL,
  ended_at            INTEGER,
  result              TEXT,
  reason              TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL
);
CREATE INDEX paper_tests_status ON paper_tests (status);

CREATE TABLE orchestrator_log (
  id       INTEGER PRIMARY KEY,
  cycle_id TEXT,
  time     INTEGER NOT NULL,
  step     TEXT    NOT NULL,
  level    TEXT    NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message  TEXT    NOT NULL,
  details  TEXT
);
CREATE INDEX orchestrator_log_cycle ON orchestrator_log (cycle_id, time);
CREATE INDEX orchestrator_log_time ON orchestrator_log (time);

CREATE TABLE orchestrator_thoughts (
  id       INTEGER PRIMARY KEY,
  cycle_id TEXT,
  time     INTEGER NOT NULL,
  step     TEXT    NOT NULL,
  content  TEXT    NOT NULL
);
CREATE INDEX orchestrator_thoughts_cycle ON orchestrator_thoughts (cycle_id, time);

-- What the orchestrator noticed and wants to remember across cycles.
CREATE TABLE orchestrator_observations (
  id       INTEGER PRIMARY KEY,
  cycle_id TEXT,
  time     INTEGER NOT NULL,
  topic    TEXT    NOT NULL,
  content  TEXT    NOT NULL,
  details  TEXT
);
CREATE INDEX orchestrator_observations_time ON orchestrator_observations (time);

CREATE TABLE token_usage (
  id                 INTEGER PRIMARY KEY,
  time               INTEGER NOT NULL,
  cycle_id           TEXT,
  model              TEXT    NOT NULL,
  purpose            TEXT    NOT NULL,
  input_tokens       INTEGER NOT NULL CHECK (input_tokens >= 0),
  output_tokens      INTEGER NOT NULL CHECK (output_tokens >= 0),
  cache_read_tokens  INTEGER NOT NULL DEFAULT 0 CHECK (cache_read_tokens >= 0),
  cache_write_tokens INTEGER NOT NULL DEFAULT 0 CHECK (cache_write_tokens >= 0),
  cost_usd           REAL    NOT NULL CHECK (cost_usd >= 0)
);
CREATE INDEX token_usage_time ON token_usage (time);

-- The circuit breaker's durable state: a single row (id = 1).
CREATE TABLE risk_state (
  id                 INTEGER PRIMARY KEY CHECK (id = 1),
  state              TEXT    NOT NULL CHECK (state IN ('active', 'reducing', 'halted')),
  reason             TEXT,
  since              INTEGER NOT NULL,
  consecutive_losses INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_losses >= 0),
  day_start          INTEGER NOT NULL,
  day_start_equity   REAL    NOT NULL,
  peak_equity        REAL    NOT NULL,
  updated_at         INTEGER NOT NULL
);

-- One persisted XState snapshot per durable actor (breaker, each position, each paper test ...).
CREATE TABLE machine_snapshots (
  actor_id        TEXT    PRIMARY KEY NOT NULL,
  machine         TEXT    NOT NULL,
  machine_version TEXT    NOT NULL,
  snapshot        TEXT    NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX machine_snapshots_machine ON machine_snapshots (machine);

CREATE TABLE audit_log (
  id      INTEGER PRIMARY KEY,
  time    INTEGER NOT NULL,
  who     TEXT    NOT NULL,
  what    TEXT    NOT NULL,
  details TEXT
);
CREATE INDEX audit_log_time ON audit_log (time);
