/**
 * Backtest runs: one row per `brain backtest` or policy run that was stored (metrics, gates, report).
 * The trials behind the deflated Sharpe ratio are counted in the candidate ledger (ledger.repo.ts).
 */
import type { JsonValue, Pair, Params } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, toJson, toJsonOrNull } from './rows.ts';

export interface BacktestRecord {
  id: number;
  strategyVersionId: string;
  pairs: Pair[];
  fromTime: number;
  toTime: number;
  params: Params;
  metrics: JsonValue;
  monteCarlo: JsonValue | null;
  gates: JsonValue | null;
  reportDir: string | null;
  createdAt: number;
}
export type NewBacktest = Omit<BacktestRecord, 'id'>;

export interface BacktestsRepo {
  insert(backtest: NewBacktest): number;
  byId(id: number): BacktestRecord | undefined;
  byVersion(strategyVersionId: string): BacktestRecord[];
  setReportDir(id: number, reportDir: string): void;
}

type BacktestRow = {
  id: number;
  strategy_version_id: string;
  pairs: string;
  from_time: number;
  to_time: number;
  params: string;
  metrics: string;
  monte_carlo: string | null;
  gates: string | null;
  report_dir: string | null;
  created_at: number;
};

function backtestToRow(b: NewBacktest): Omit<BacktestRow, 'id'> {
  return {
    strategy_version_id: b.strategyVersionId,
    pairs: toJson(b.pairs),
    from_time: b.fromTime,
    to_time: b.toTime,
    params: toJson(b.params),
    metrics: toJson(b.metrics),
    monte_carlo: toJsonOrNull(b.monteCarlo),
    gates: toJsonOrNull(b.gates),
    report_dir: b.reportDir,
    created_at: b.createdAt,
  };
}

function backtestFromRow(r: BacktestRow): BacktestRecord {
  const where = `backtests row ${r.id}`;
  return {
    id: r.id,
    strategyVersionId: r.strategy_version_id,
    pairs: fromJson<Pair[]>(r.pairs, where) ?? [],
    fromTime: r.from_time,
    toTime: r.to_time,
    params: fromJson<Params>(r.params, where) ?? {},
    metrics: fromJson<JsonValue>(r.metrics, where),
    monteCarlo: fromJson<JsonValue>(r.monte_carlo, where),
    gates: fromJson<JsonValue>(r.gates, where),
    reportDir: r.report_dir,
    createdAt: r.created_at,
  };
}

export function backtestsRepo(db: Db): BacktestsRepo {
  const insert = db.prepare(
    `INSERT INTO backtests (strategy_version_id, pairs, from_time, to_time, params, metrics, monte_carlo, gates, report_dir, created_at)
     VALUES (:strategy_version_id, :pairs, :from_time, :to_time, :params, :metrics, :monte_carlo, :gates, :report_dir, :created_at)`,
  );
  const selectOne = db.prepare('SELECT * FROM backtests WHERE id = ?');
  const selectByVersion = db.prepare('SELECT * FROM backtests WHERE strategy_version_id = ? ORDER BY created_at, id');
  const updateReportDir = db.prepare('UPDATE backtests SET report_dir = ? WHERE id = ?');

  return {
    insert: (b) => insert.run(backtestToRow(b)).lastInsertRowid,
    byId: (id) => {
      const row = selectOne.get<BacktestRow>([id]);
      return row && backtestFromRow(row);
    },
    byVersion: (versionId) => selectByVersion.all<BacktestRow>([versionId]).map(backtestFromRow),
    setReportDir: (id, reportDir) => void updateReportDir.run([reportDir, id]),
  };
}
