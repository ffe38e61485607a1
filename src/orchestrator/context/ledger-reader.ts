/**
 * The orchestrator's LedgerReader over the candidate ledger (candidate_ledger, ledger_events: the one
 * ledger every source of candidates writes, docs/evolution.md) plus the nights the orchestrator refused
 * itself before anything reached the pipeline (a reviewer's rejection, a request for secrets): what was
 * tried and why it stopped, per module the stored versions with their measured figures, and whether a
 * content hash was seen before. Content hashes are the pipeline's (src/evolution/content.ts).
 */
import type { Db } from '../../db/index.ts';
import { ledgerRepo, type LedgerRow } from '../../db/ledger.repo.ts';
import { fromJson } from '../../db/rows.ts';
import { DECISIONS, targetOf, type Decision } from '../decisions.ts';
import type { CandidateRecord, LedgerReader, TriedCandidate } from '../pipeline-port.ts';

type CycleRow = {
  candidate_sha256: string;
  decision: string | null;
  submission: string | null;
  reason: string | null;
  ended_at: number | null;
  started_at: number;
};
type VersionRow = { id: string; label: string; parent_id: string | null; source: string; status: string; created_at: number };

function numbers(json: unknown): Record<string, number> {
  if (json === null || typeof json !== 'object') return {};
  return Object.fromEntries(
    Object.entries(json as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])),
  );
}

/** A night the orchestrator ended itself: its candidate never reached the ledger. */
function triedFromCycle(r: CycleRow): TriedCandidate | null {
  const decision = fromJson<{ decision?: Decision; hypothesis?: string }>(r.decision, 'orchestrator_cycles.decision');
  const target = decision?.decision && DECISIONS.includes(decision.decision) ? targetOf(decision.decision) : null;
  if (!target) return null;
  const sub = fromJson<{ status?: string; stage?: string; failedGate?: string }>(r.submission, 'orchestrator_cycles.submission');
  const stage = sub?.stage ? `${sub.stage}${sub.failedGate ? `/${sub.failedGate}` : ''}` : (sub?.status ?? 'orchestrator');
  return {
    contentHash: r.candidate_sha256,
    kind: target.kind,
    name: target.name,
    stage,
    reason: r.reason,
    hypothesis: decision?.hypothesis ?? null,
    at: r.ended_at ?? r.started_at,
  };
}

function triedFromRow(r: LedgerRow): TriedCandidate {
  const stage = r.stage === 'rolledBack' ? 'rolledBack' : `${r.stage}${r.failedGate ? `/${r.failedGate}` : ''}`;
  return { contentHash: r.contentHash, kind: r.kind, name: r.name, stage, reason: r.reason, hypothesis: r.hypothesis || null, at: r.updatedAt };
}

export function dbLedgerReader(db: Db): LedgerReader {
  const ledger = ledgerRepo(db);
  const refusedCycles = db.prepare(
    `SELECT candidate_sha256, decision, submission, reason, ended_at, started_at FROM orchestrator_cycles c
     WHERE outcome = 'refused' AND candidate_sha256 IS NOT NULL AND NOT EXISTS (SELECT 1 FROM candidate_ledger l WHERE l.content_hash = c.candidate_sha256)
     ORDER BY started_at DESC LIMIT ?`,
  );
  const cycleByHash = db.prepare(
    "SELECT candidate_sha256, decision, submission, reason, ended_at, started_at FROM orchestrator_cycles WHERE candidate_sha256 = ? AND outcome = 'refused' ORDER BY started_at DESC LIMIT 1",
  );
  const moduleVersions = db.prepare(
    'SELECT id, label, parent_id, source, status, created_at FROM strategy_versions WHERE kind = ? AND name = ? ORDER BY created_at DESC, id DESC LIMIT ?',
  );
  const latestBacktest = db.prepare('SELECT metrics FROM backtests WHERE strategy_version_id = ? ORDER BY created_at DESC, id DESC LIMIT 1');

  const metricsOf = (versionId: string): Record<string, number> | null => {
    const row = ledger.byVersion(versionId);
    const bt = latestBacktest.get<{ metrics: string }>([versionId]);
    const m = {
      ...numbers(fromJson(bt?.metrics ?? null, `backtests of ${versionId}`)),
      ...(row?.trial ? { sharpe: row.trial.sharpe, nObs: row.trial.nObs } : {}),
      ...(row?.score !== null && row?.score !== undefined ? { oosEdgeLowerBound: row.score } : {}),
    };
    return Object.keys(m).length > 0 ? m : null;
  };

  return {
    failures(limit) {
      const fromLedger = ledger.stopped(limit).map(triedFromRow);
      const fromCycles = refusedCycles.all<CycleRow>([limit]).flatMap((r) => triedFromCycle(r) ?? []);
      const seen = new Set<string>();
      return [...fromLedger, ...fromCycles]
        .sort((a, b) => b.at - a.at)
        .filter((t) => !seen.has(t.contentHash) && seen.add(t.contentHash))
        .slice(0, limit);
    },
    candidates: (kind, name, limit) =>
      moduleVersions.all<VersionRow>([kind, name, limit]).map(
        (v): CandidateRecord => ({
          versionId: v.id,
          label: v.label,
          parentId: v.parent_id,
          source: v.source,
          status: v.status,
          createdAt: v.created_at,
          metrics: metricsOf(v.id),
        }),
      ),
    byContentHash(hash) {
      const row = ledger.original(hash);
      if (row) return triedFromRow(row);
      const cycle = cycleByHash.get<CycleRow>([hash]);
      return cycle ? triedFromCycle(cycle) : null;
    },
  };
}
