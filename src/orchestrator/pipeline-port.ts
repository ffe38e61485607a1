/**
 * The seams between the nightly orchestrator and the evolution pipeline (src/evolution, src/versions),
 * declared here as ports and injected, so either side can change its insides and tests can script the
 * pipeline. The submission types are `submitCandidate`'s own (src/evolution/submit.ts); the ledger is
 * read through `LedgerReader` (the candidate ledger, context/ledger-reader.ts); the offline evolver takes
 * the night when there is no model key (`RunOfflineNight`). ports.ts wires the real ones.
 */
import type { CycleTrigger } from '../db/orchestrator-cycles.repo.ts';
import type { CandidateSubmission, SubmissionOutcome } from '../evolution/submit.ts';

/** The pipeline's own submission types (src/evolution/submit.ts): one contract, declared once. */
export type { CandidateSubmission, SubmissionOutcome };

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
  /** The pipeline's content hash (src/evolution/content.ts: kind, module name and source). */
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
