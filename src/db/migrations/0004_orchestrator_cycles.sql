-- The nightly orchestrator's own records (src/orchestrator, repository src/db/orchestrator-cycles.repo.ts).

-- One row per night: what started it, the gathered context (so a resumed night prompts with the same
-- bytes), the decision, the candidate and how it ended. The reason is never empty for a night that
-- did not end in no change or a submission (DESIGN inv. 5: the reason is recorded).
CREATE TABLE orchestrator_cycles (
  id                TEXT    PRIMARY KEY NOT NULL,
  trigger           TEXT    NOT NULL CHECK (trigger IN ('slot', 'now')),
  mode              TEXT    NOT NULL CHECK (mode IN ('model', 'offline')),
  started_at        INTEGER NOT NULL,
  window_ends_at    INTEGER NOT NULL,
  context           TEXT,
  decision          TEXT,
  parent_version_id TEXT,
  candidate_sha256  TEXT,
  candidate_source  TEXT,
  submission        TEXT,
  outcome           TEXT    CHECK (outcome IN ('no_change', 'submitted', 'refused', 'failed', 'offline')),
  reason            TEXT,
  ended_at          INTEGER,
  CHECK (outcome IS NULL OR outcome IN ('no_change', 'submitted') OR reason IS NOT NULL)
);
CREATE INDEX orchestrator_cycles_started_at ON orchestrator_cycles (started_at);

-- The thought spool doubles as the store of model answers: each answer is written whole, with its
-- cost, BEFORE the cycle acts on it, keyed by cycle + step + attempt so a restarted night reads it
-- back instead of paying for the call again.
ALTER TABLE orchestrator_thoughts ADD COLUMN attempt INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orchestrator_thoughts ADD COLUMN model TEXT;
ALTER TABLE orchestrator_thoughts ADD COLUMN input_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orchestrator_thoughts ADD COLUMN output_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orchestrator_thoughts ADD COLUMN cache_read_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orchestrator_thoughts ADD COLUMN cache_write_tokens INTEGER NOT NULL DEFAULT 0;
ALTER TABLE orchestrator_thoughts ADD COLUMN cost_usd REAL NOT NULL DEFAULT 0;
ALTER TABLE orchestrator_thoughts ADD COLUMN stop_reason TEXT;
ALTER TABLE orchestrator_thoughts ADD COLUMN prompt_sha256 TEXT;
CREATE UNIQUE INDEX orchestrator_thoughts_answer ON orchestrator_thoughts (cycle_id, step, attempt) WHERE cycle_id IS NOT NULL;

-- One observation per night.
CREATE UNIQUE INDEX orchestrator_observations_night ON orchestrator_observations (cycle_id) WHERE topic = 'night';
