/**
 * The seams between the nightly orchestrator and the evolution pipeline (src/evolution, src/versions),
 * declared here as ports and injected, so either side can change its insides. The submission types are
 * the agreed contract of `submitCandidate` (src/evolution/submit.ts); the ledger is read through
 * `LedgerReader` (a DB-backed reader is in context/ledger-reader.ts); the offline evolver takes the
 * night when there is no model key (`RunOfflineNight`).
 */
import type { CycleTrigger } from '../db/orchestrator-cycles.repo.ts';

export interface CandidateSubmission {
  kind: 'strategy' | 'statistics';
  /** Module name: 'strategy', or e.g. 'market_analysis'. */
  name: string;
  /** The whole TypeScript module. */
  source: string;
  parentVersionId: string | null;
  origin: { kind: 'offline'; seed: number } | { kind: 'model'; model: string; promptHash: string; cycleId: string } | { kind: 'person'; who: string };
  hypothesis: string;
  params?: Record<string, number>;
}

export type SubmissionOutcome =
  | { status: 'duplicate'; contentHash: string; earlier: { stage: string; reason: string | null; ledgerId: number } }
  | { status: 'refused'; contentHash: string; stage: 'static' | 'screen' | 'gates'; failedGate: string; reason: string; ledgerId: number }
  | { status: 'paperTest'; contentHash: string; versionId: string; paperTestId: string; ledgerId: number }
  /** Statistics: used from the next night. */
  | { status: 'accepted'; contentHash: string; versionId: string; ledgerId: number; effectiveFrom: number };

export type SubmitCandidate = (submission: CandidateSubmission) => Promise<SubmissionOutcome>;

export interface OfflineNightInput {
  cycleId: string;
  trigger: CycleTrigger;
  now: number;
}

/** What the offline evolver reports for the night (its candidates went through the same pipeline). */
export interface OfflineNightReport {
  summary: string;
  candidates: number;
}

export type RunOfflineNight = (input: OfflineNightInput) => Promise<OfflineNightReport>;

/** An earlier candidate that did not make it, and why: so a failed idea is not proposed again. */
export interface TriedCandidate {
  /** sha256 of the source text (what the pipeline calls contentHash). */
  contentHash: string;
  kind: 'strategy' | 'statistics';
  name: string;
  stage: string;
  reason: string | null;
  hypothesis: string | null;
  at: number;
}

/** An earlier version of a module with what was measured of it (the pool the inspirations come from). */
export interface CandidateRecord {
  versionId: string;
  label: string;
  parentId: string | null;
  source: string;
  status: string;
  createdAt: number;
  /** Backtest or ledger figures by name (sharpe first when known); null when never measured. */
  metrics: Record<string, number> | null;
}

export interface LedgerReader {
  /** Failed candidates, newest first. */
  failures(limit: number): TriedCandidate[];
  /** Stored versions of one module with their metrics, newest first. */
  candidates(kind: 'strategy' | 'statistics', name: string, limit: number): CandidateRecord[];
  /** An earlier candidate with exactly this content, failed or not. */
  byContentHash(contentHash: string): TriedCandidate | null;
}

/** Everything the orchestrator needs from the evolution side. */
export interface EvolutionPorts {
  submitCandidate: SubmitCandidate;
  runOfflineNight: RunOfflineNight;
  ledger: LedgerReader;
}
