/**
 * candidate_ledger / ledger_events (owned by src/evolution): one row per candidate from any source,
 * its gate results and how far it got; events record each step after the gates. Rows are updated as
 * a candidate moves on (stage, verdict); they are never deleted. It is also the one trial count of the
 * deflated Sharpe ratio: a `brain backtest` run is a row of its own (evaluated_by = 'backtest'), counted
 * as a trial but never taken for the pipeline's verdict on the same content.
 */
import type { Db } from './connection.ts';
import { fromJson, toJson, toJsonOrNull } from './rows.ts';

export const LEDGER_STAGES = ['submitted', 'static', 'screen', 'gates', 'paper', 'deployed', 'rolledBack'] as const;
export type LedgerStage = (typeof LEDGER_STAGES)[number];
export type LedgerVerdict = 'pending' | 'passed' | 'refused' | 'duplicate' | 'cancelled';
export type OriginKind = 'offline' | 'model' | 'person';
/** Who judged the row: the promotion policy, or `brain backtest` (a trial only). */
export type EvaluatedBy = 'pipeline' | 'backtest';

export interface TrialStats {
  sharpe: number;
  nObs: number;
  skew: number;
  kurtosis: number;
}

export interface LedgerRow {
  id: number;
  contentHash: string;
  kind: 'strategy' | 'statistics';
  name: string;
  versionId: string | null;
  parentVersionId: string | null;
  originKind: OriginKind;
  origin: Record<string, unknown>;
  params: Record<string, number>;
  diffSummary: string;
  hypothesis: string;
  stage: LedgerStage;
  verdict: LedgerVerdict;
  failedGate: string | null;
  reason: string | null;
  duplicateOf: number | null;
  gates: unknown[];
  holdout: unknown;
  score: number | null;
  trial: TrialStats | null;
  cpuSeconds: number;
  usd: number;
  createdAt: number;
  updatedAt: number;
  evaluatedBy: EvaluatedBy;
}

export type NewLedgerRow = Omit<LedgerRow, 'id' | 'updatedAt' | 'evaluatedBy'>;

/** One `brain backtest` run as a trial: its daily Sharpe statistics and whether its validation gates passed. */
export interface BacktestTrial {
  contentHash: string;
  /** The stored version it ran, or null for a file that is not in the store. */
  versionId: string | null;
  who: string;
  backtestId: number | null;
  params: Record<string, number>;
  trial: TrialStats;
  /** The first validation gate that failed, or null when all passed. */
  failedGate: string | null;
  createdAt: number;
}
export type LedgerUpdate = Partial<
  Pick<LedgerRow, 'versionId' | 'stage' | 'verdict' | 'failedGate' | 'reason' | 'gates' | 'holdout' | 'score' | 'trial' | 'cpuSeconds' | 'usd'>
> & { updatedAt: number };

export interface LedgerEvent {
  id: number;
  ledgerId: number;
  time: number;
  kind: string;
  details: Record<string, unknown>;
}

type Row = {
  id: number;
  content_hash: string;
  kind: 'strategy' | 'statistics';
  name: string;
  version_id: string | null;
  parent_version_id: string | null;
  origin_kind: OriginKind;
  origin: string;
  params: string;
  diff_summary: string;
  hypothesis: string;
  stage: LedgerStage;
  verdict: LedgerVerdict;
  failed_gate: string | null;
  reason: string | null;
  duplicate_of: number | null;
  gates: string;
  holdout: string | null;
  score: number | null;
  sharpe: number | null;
  n_obs: number | null;
  skew: number | null;
  kurtosis: number | null;
  cpu_seconds: number;
  usd: number;
  created_at: number;
  updated_at: number;
  evaluated_by: EvaluatedBy;
};

function fromRow(r: Row): LedgerRow {
  const where = `candidate_ledger row ${r.id}`;
  return {
    id: r.id,
    contentHash: r.content_hash,
    kind: r.kind,
    name: r.name,
    versionId: r.version_id,
    parentVersionId: r.parent_version_id,
    originKind: r.origin_kind,
    origin: fromJson<Record<string, unknown>>(r.origin, where) ?? {},
    params: fromJson<Record<string, number>>(r.params, where) ?? {},
    diffSummary: r.diff_summary,
    hypothesis: r.hypothesis,
    stage: r.stage,
    verdict: r.verdict,
    failedGate: r.failed_gate,
    reason: r.reason,
    duplicateOf: r.duplicate_of,
    gates: fromJson<unknown[]>(r.gates, where) ?? [],
    holdout: fromJson<unknown>(r.holdout, where),
    score: r.score,
    trial: r.sharpe === null ? null : { sharpe: r.sharpe, nObs: r.n_obs ?? 0, skew: r.skew ?? 0, kurtosis: r.kurtosis ?? 3 },
    cpuSeconds: r.cpu_seconds,
    usd: r.usd,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    evaluatedBy: r.evaluated_by,
  };
}

export interface LedgerRepo {
  insert(row: NewLedgerRow): LedgerRow;
  update(id: number, u: LedgerUpdate): LedgerRow;
  byId(id: number): LedgerRow | undefined;
  /** The first row the pipeline judged with this content (not a duplicate, not a backtest), if any. */
  original(contentHash: string): LedgerRow | undefined;
  byVersion(versionId: string): LedgerRow | undefined;
  /** Rows whose content hash starts with `prefix`, oldest first. */
  withHashPrefix(prefix: string): LedgerRow[];
  /** Rows by score, best first (rows without a score last), duplicates left out. */
  top(n: number): LedgerRow[];
  /** Candidates that stopped (refused at a gate, or rolled back after a deploy), most recently first; duplicates left out. */
  stopped(n: number): LedgerRow[];
  /** Candidates past their gates and not yet deployed (in a paper test, or passed it and waiting for the deploy), newest first. */
  waiting(n: number): LedgerRow[];
  /** Every trial with statistics, pipeline and backtest alike (the caller keeps one per content hash): the deflated Sharpe ratio's N and V. */
  trials(): Array<{ contentHash: string; sharpe: number }>;
  /** A `brain backtest` run, recorded as a trial. */
  recordBacktest(t: BacktestTrial): LedgerRow;
  count(): number;
  addEvent(e: Omit<LedgerEvent, 'id'>): number;
  events(ledgerId: number): LedgerEvent[];
}

export function ledgerRepo(db: Db): LedgerRepo {
  const insert = db.prepare(
    `INSERT INTO candidate_ledger (content_hash, kind, name, version_id, parent_version_id, origin_kind, origin, params, diff_summary, hypothesis, stage, verdict,
       failed_gate, reason, duplicate_of, gates, holdout, score, sharpe, n_obs, skew, kurtosis, cpu_seconds, usd, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const one = db.prepare('SELECT * FROM candidate_ledger WHERE id = ?');
  const PIPELINE = "evaluated_by = 'pipeline'";
  const original = db.prepare(`SELECT * FROM candidate_ledger WHERE content_hash = ? AND verdict <> 'duplicate' AND ${PIPELINE} ORDER BY id LIMIT 1`);
  const byVersion = db.prepare(`SELECT * FROM candidate_ledger WHERE version_id = ? AND verdict <> 'duplicate' AND ${PIPELINE} ORDER BY id LIMIT 1`);
  const prefix = db.prepare('SELECT * FROM candidate_ledger WHERE substr(content_hash, 1, length(?)) = ? ORDER BY id');
  const top = db.prepare(`SELECT * FROM candidate_ledger WHERE verdict <> 'duplicate' AND ${PIPELINE} ORDER BY score IS NULL, score DESC, id LIMIT ?`);
  const stopped = db.prepare(
    `SELECT * FROM candidate_ledger WHERE (verdict = 'refused' OR stage = 'rolledBack') AND ${PIPELINE} ORDER BY updated_at DESC, id DESC LIMIT ?`,
  );
  const waiting = db.prepare(
    `SELECT * FROM candidate_ledger WHERE stage = 'paper' AND verdict IN ('pending', 'passed') AND ${PIPELINE} ORDER BY updated_at DESC, id DESC LIMIT ?`,
  );
  const trials = db.prepare("SELECT content_hash, sharpe FROM candidate_ledger WHERE sharpe IS NOT NULL AND verdict <> 'duplicate' ORDER BY id");
  const count = db.prepare('SELECT COUNT(*) AS n FROM candidate_ledger');
  const insertBacktest = db.prepare(
    `INSERT INTO candidate_ledger (content_hash, kind, name, version_id, origin_kind, origin, params, stage, verdict, failed_gate, reason, sharpe, n_obs, skew, kurtosis, created_at, updated_at, evaluated_by)
     VALUES (?, 'strategy', 'strategy', ?, 'person', ?, ?, 'gates', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'backtest')`,
  );
  const addEvent = db.prepare('INSERT INTO ledger_events (ledger_id, time, kind, details) VALUES (?, ?, ?, ?)');
  // In insertion order: the steps of one candidate may come from processes on different clocks (a CLI, a replay).
  const events = db.prepare('SELECT * FROM ledger_events WHERE ledger_id = ? ORDER BY id');
  const byId = (id: number) => {
    const r = one.get<Row>([id]);
    return r && fromRow(r);
  };
  return {
    insert(r) {
      const t = r.trial;
      const id = insert.run([
        r.contentHash,
        r.kind,
        r.name,
        r.versionId,
        r.parentVersionId,
        r.originKind,
        toJson(r.origin),
        toJson(r.params),
        r.diffSummary,
        r.hypothesis,
        r.stage,
        r.verdict,
        r.failedGate,
        r.reason,
        r.duplicateOf,
        toJson(r.gates),
        toJsonOrNull(r.holdout),
        r.score,
        t?.sharpe ?? null,
        t?.nObs ?? null,
        t?.skew ?? null,
        t?.kurtosis ?? null,
        r.cpuSeconds,
        r.usd,
        r.createdAt,
        r.createdAt,
      ]).lastInsertRowid;
      return byId(id)!;
    },
    update(id, u) {
      const sets: string[] = ['updated_at = ?'];
      const vals: unknown[] = [u.updatedAt];
      const set = (col: string, v: unknown) => (sets.push(`${col} = ?`), vals.push(v));
      if (u.versionId !== undefined) set('version_id', u.versionId);
      if (u.stage !== undefined) set('stage', u.stage);
      if (u.verdict !== undefined) set('verdict', u.verdict);
      if (u.failedGate !== undefined) set('failed_gate', u.failedGate);
      if (u.reason !== undefined) set('reason', u.reason);
      if (u.gates !== undefined) set('gates', toJson(u.gates));
      if (u.holdout !== undefined) set('holdout', toJsonOrNull(u.holdout));
      if (u.score !== undefined) set('score', u.score);
      if (u.cpuSeconds !== undefined) set('cpu_seconds', u.cpuSeconds);
      if (u.usd !== undefined) set('usd', u.usd);
      if (u.trial !== undefined) {
        set('sharpe', u.trial?.sharpe ?? null);
        set('n_obs', u.trial?.nObs ?? null);
        set('skew', u.trial?.skew ?? null);
        set('kurtosis', u.trial?.kurtosis ?? null);
      }
      db.prepare(`UPDATE candidate_ledger SET ${sets.join(', ')} WHERE id = ?`).run([...vals, id] as never);
      return byId(id)!;
    },
    byId,
    original: (h) => {
      const r = original.get<Row>([h]);
      return r && fromRow(r);
    },
    byVersion: (v) => {
      const r = byVersion.get<Row>([v]);
      return r && fromRow(r);
    },
    withHashPrefix: (p) => prefix.all<Row>([p, p]).map(fromRow),
    top: (n) => top.all<Row>([n]).map(fromRow),
    stopped: (n) => stopped.all<Row>([n]).map(fromRow),
    waiting: (n) => waiting.all<Row>([n]).map(fromRow),
    trials: () => trials.all<{ content_hash: string; sharpe: number }>().map((r) => ({ contentHash: r.content_hash, sharpe: r.sharpe })),
    count: () => count.get<{ n: number }>()?.n ?? 0,
    recordBacktest(t) {
      const id = insertBacktest.run([
        t.contentHash,
        t.versionId,
        toJson({ who: t.who, backtestId: t.backtestId }),
        toJson(t.params),
        t.failedGate === null ? 'passed' : 'refused',
        t.failedGate,
        t.failedGate === null ? null : `brain backtest: the ${t.failedGate} gate failed`,
        t.trial.sharpe,
        t.trial.nObs,
        t.trial.skew,
        t.trial.kurtosis,
        t.createdAt,
        t.createdAt,
      ]).lastInsertRowid;
      return byId(id)!;
    },
    addEvent: (e) => addEvent.run([e.ledgerId, e.time, e.kind, toJson(e.details)]).lastInsertRowid,
    events: (id) =>
      events.all<{ id: number; ledger_id: number; time: number; kind: string; details: string }>([id]).map((r) => ({
        id: r.id,
        ledgerId: r.ledger_id,
        time: r.time,
        kind: r.kind,
        details: fromJson<Record<string, unknown>>(r.details, `ledger_events row ${r.id}`) ?? {},
      })),
  };
}
