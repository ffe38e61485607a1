/**
 * A LedgerReader over the tables this branch has: the orchestrator's own refused nights (candidate,
 * hypothesis, stage and reason), versions the store rejected or rolled back, experiment_ledger rows that
 * did not pass, and per-version metrics from backtests and the ledger. When the evolution pipeline's
 * ledger lands, the lead points the port at it (pipeline-port.ts); the orchestrator reads only the port.
 */
import type { Db } from '../../db/index.ts';
import { fromJson } from '../../db/rows.ts';
import { DECISIONS, targetOf, type Decision } from '../decisions.ts';
import type { CandidateRecord, LedgerReader, TriedCandidate } from '../pipeline-port.ts';

type CycleRow = { candidate_sha256: string; decision: string | null; submission: string | null; reason: string | null; ended_at: number | null; started_at: number };
type VersionRow = { id: string; kind: 'strategy' | 'statistics'; name: string; label: string; parent_id: string | null; source: string; source_sha256: string; status: string; created_at: number; gate_results: string };

function numbers(json: unknown): Record<string, number> {
  if (json === null || typeof json !== 'object') return {};
  return Object.fromEntries(Object.entries(json as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));
}

function triedFromCycle(r: CycleRow): TriedCandidate | null {
  const decision = fromJson<{ decision?: Decision; hypothesis?: string }>(r.decision, 'orchestrator_cycles.decision');
  const target = decision?.decision && DECISIONS.includes(decision.decision) ? targetOf(decision.decision) : null;
  if (!target) return null;
  const sub = fromJson<{ status?: string; stage?: string; failedGate?: string }>(r.submission, 'orchestrator_cycles.submission');
  const stage = sub?.stage ? `${sub.stage}${sub.failedGate ? `/${sub.failedGate}` : ''}` : (sub?.status ?? 'orchestrator');
  return { contentHash: r.candidate_sha256, kind: target.kind, name: target.name, stage, reason: r.reason, hypothesis: decision?.hypothesis ?? null, at: r.ended_at ?? r.started_at };
}

function triedFromVersion(v: VersionRow): TriedCandidate {
  const gates = JSON.stringify(fromJson<unknown>(v.gate_results, `strategy_versions ${v.id}.gate_results`));
  return { contentHash: v.source_sha256, kind: v.kind, name: v.name, stage: v.status, reason: `version ${v.label} (${v.id}) ended ${v.status}; gate results ${gates.slice(0, 300)}`, hypothesis: null, at: v.created_at };
}

export function dbLedgerReader(db: Db): LedgerReader {
  const refusedCycles = db.prepare("SELECT candidate_sha256, decision, submission, reason, ended_at, started_at FROM orchestrator_cycles WHERE outcome = 'refused' AND candidate_sha256 IS NOT NULL ORDER BY started_at DESC LIMIT ?");
  const versionCols = 'id, kind, name, label, parent_id, source, source_sha256, status, created_at, gate_results';
  const badVersions = db.prepare(`SELECT ${versionCols} FROM strategy_versions WHERE status IN ('rejected', 'rolled_back') ORDER BY created_at DESC LIMIT ?`);
  const failedTrials = db.prepare(
    `SELECT v.id, v.kind, v.name, v.label, v.source_sha256, l.created_at, l.sharpe, l.n_obs FROM experiment_ledger l JOIN strategy_versions v ON v.id = l.version_id
     WHERE l.passed = 0 ORDER BY l.created_at DESC LIMIT ?`,
  );
  const moduleVersions = db.prepare(`SELECT ${versionCols} FROM strategy_versions WHERE kind = ? AND name = ? ORDER BY created_at DESC, id DESC LIMIT ?`);
  const latestBacktest = db.prepare('SELECT metrics FROM backtests WHERE strategy_version_id = ? ORDER BY created_at DESC, id DESC LIMIT 1');
  const latestTrial = db.prepare('SELECT sharpe, n_obs FROM experiment_ledger WHERE version_id = ? ORDER BY created_at DESC, id DESC LIMIT 1');
  const versionByHash = db.prepare(`SELECT ${versionCols} FROM strategy_versions WHERE source_sha256 = ? LIMIT 1`);
  const cycleByHash = db.prepare('SELECT candidate_sha256, decision, submission, reason, ended_at, started_at FROM orchestrator_cycles WHERE candidate_sha256 = ? AND outcome IS NOT NULL ORDER BY started_at DESC LIMIT 1');

  const metricsOf = (versionId: string): Record<string, number> | null => {
    const trial = latestTrial.get<{ sharpe: number; n_obs: number }>([versionId]);
    const bt = latestBacktest.get<{ metrics: string }>([versionId]);
    const m = { ...(trial ? { sharpe: trial.sharpe, nObs: trial.n_obs } : {}), ...numbers(fromJson(bt?.metrics ?? null, `backtests of ${versionId}`)) };
    return Object.keys(m).length > 0 ? m : null;
  };

  return {
    failures(limit) {
      const fromCycles = refusedCycles.all<CycleRow>([limit]).flatMap((r) => triedFromCycle(r) ?? []);
      const fromVersions = badVersions.all<VersionRow>([limit]).map(triedFromVersion);
      const fromTrials = failedTrials.all<{ id: string; kind: 'strategy' | 'statistics'; name: string; label: string; source_sha256: string; created_at: number; sharpe: number; n_obs: number }>([limit]).map(
        (t): TriedCandidate => ({ contentHash: t.source_sha256, kind: t.kind, name: t.name, stage: 'gates', reason: `${t.label} (${t.id}): Sharpe ${t.sharpe.toFixed(3)} over ${t.n_obs} returns did not pass`, hypothesis: null, at: t.created_at }),
      );
      const seen = new Set<string>();
      return [...fromCycles, ...fromVersions, ...fromTrials]
        .sort((a, b) => b.at - a.at)
        .filter((t) => !seen.has(t.contentHash) && seen.add(t.contentHash))
        .slice(0, limit);
    },
    candidates: (kind, name, limit) =>
      moduleVersions.all<VersionRow>([kind, name, limit]).map(
        (v): CandidateRecord => ({ versionId: v.id, label: v.label, parentId: v.parent_id, source: v.source, status: v.status, createdAt: v.created_at, metrics: metricsOf(v.id) }),
      ),
    byContentHash(hash) {
      const cycle = cycleByHash.get<CycleRow>([hash]);
      if (cycle) return triedFromCycle(cycle);
      const v = versionByHash.get<VersionRow>([hash]);
      return v ? { ...triedFromVersion(v), reason: ['rejected', 'rolled_back'].includes(v.status) ? triedFromVersion(v).reason : null } : null;
    },
  };
}
