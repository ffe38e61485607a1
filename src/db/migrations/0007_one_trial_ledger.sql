-- One trial count (docs/evolution.md, docs/backtesting.md): the deflated Sharpe ratio of `brain backtest`
-- and of the promotion policy both read candidate_ledger, so experiment_ledger is retired.
--
-- A backtest run by hand counts as a trial: it gets a candidate_ledger row marked evaluated_by =
-- 'backtest', which the pipeline's dedupe ignores (the same content submitted later is still judged by
-- the promotion policy), while the trial count (one per content hash) includes it.
ALTER TABLE candidate_ledger ADD COLUMN evaluated_by TEXT NOT NULL DEFAULT 'pipeline' CHECK (evaluated_by IN ('pipeline', 'backtest'));

-- Every earlier trial moves over, so N never shrinks. The old table had no content hash: a version the
-- ledger knows takes its hash; any other keeps its version id as its identity.
INSERT INTO candidate_ledger (
  content_hash, kind, name, version_id, parent_version_id, origin_kind, origin, stage, verdict, failed_gate, reason,
  sharpe, n_obs, skew, kurtosis, created_at, updated_at, evaluated_by)
SELECT
  COALESCE((SELECT l.content_hash FROM candidate_ledger l WHERE l.version_id = e.version_id ORDER BY l.id LIMIT 1), 'version:' || e.version_id),
  'strategy', 'strategy', e.version_id, NULL, 'person', json_object('who', 'brain backtest', 'experimentLedgerId', e.id, 'backtestId', e.backtest_id),
  'gates', CASE e.passed WHEN 1 THEN 'passed' ELSE 'refused' END, CASE e.passed WHEN 1 THEN NULL ELSE 'backtestGates' END,
  CASE e.passed WHEN 1 THEN NULL ELSE 'a validation gate of brain backtest failed (recorded before the ledgers were merged)' END,
  e.sharpe, e.n_obs, e.skew, e.kurtosis, e.created_at, e.created_at, 'backtest'
FROM experiment_ledger e ORDER BY e.id;

DROP INDEX experiment_ledger_created_at;
DROP TABLE experiment_ledger;
