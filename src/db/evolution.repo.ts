/**
 * The evolution pipeline's other tables (owned by src/evolution): a paper test's shadow decisions, the
 * expectations a deployed version is watched against, and the daily drift reports.
 */
import type { Pair } from '../contract/index.ts';
import type { Db } from './connection.ts';
import { fromJson, toJson } from './rows.ts';

export interface ShadowDecision {
  pair: Pair;
  candleTime: number;
  /** The strategy's decision as it returned it (validated by the live path before it is stored). */
  decision: Record<string, unknown>;
}

export interface EvolutionRepo {
  /** Idempotent per (test, candle, pair): a re-scan after a restart writes the same row once. */
  recordDecision(paperTestId: string, d: ShadowDecision): void;
  decisions(paperTestId: string): ShadowDecision[];
  saveExpectations(versionId: string, recordedAt: number, expectations: unknown): void;
  expectations(versionId: string): { recordedAt: number; expectations: unknown } | undefined;
  saveDrift(day: number, versionId: string, report: unknown, createdAt: number): void;
  drift(day: number): Array<{ versionId: string; report: unknown }>;
}

export function evolutionRepo(db: Db): EvolutionRepo {
  const rec = db.prepare('INSERT OR IGNORE INTO paper_test_decisions (paper_test_id, pair, candle_time, decision) VALUES (?, ?, ?, ?)');
  const decs = db.prepare('SELECT pair, candle_time, decision FROM paper_test_decisions WHERE paper_test_id = ? ORDER BY candle_time, pair');
  const saveExp = db.prepare(
    'INSERT INTO version_expectations (version_id, recorded_at, expectations) VALUES (?, ?, ?) ON CONFLICT(version_id) DO UPDATE SET recorded_at = excluded.recorded_at, expectations = excluded.expectations',
  );
  const exp = db.prepare('SELECT recorded_at, expectations FROM version_expectations WHERE version_id = ?');
  const saveDrift = db.prepare(
    'INSERT INTO drift_reports (day, version_id, report, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(day, version_id) DO UPDATE SET report = excluded.report, created_at = excluded.created_at',
  );
  const drift = db.prepare('SELECT version_id, report FROM drift_reports WHERE day = ? ORDER BY version_id');
  return {
    recordDecision: (id, d) => void rec.run([id, d.pair, d.candleTime, toJson(d.decision)]),
    decisions: (id) =>
      decs.all<{ pair: Pair; candle_time: number; decision: string }>([id]).map((r) => ({
        pair: r.pair,
        candleTime: r.candle_time,
        decision: fromJson<Record<string, unknown>>(r.decision, `paper_test_decisions ${id}`) ?? {},
      })),
    saveExpectations: (v, t, e) => void saveExp.run([v, t, toJson(e)]),
    expectations: (v) => {
      const r = exp.get<{ recorded_at: number; expectations: string }>([v]);
      return r && { recordedAt: r.recorded_at, expectations: fromJson<unknown>(r.expectations, `version_expectations ${v}`) };
    },
    saveDrift: (day, v, report, t) => void saveDrift.run([day, v, toJson(report), t]),
    drift: (day) =>
      drift
        .all<{ version_id: string; report: string }>([day])
        .map((r) => ({ versionId: r.version_id, report: fromJson<unknown>(r.report, `drift_reports ${day}`) })),
  };
}
