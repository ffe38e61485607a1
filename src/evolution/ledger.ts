/**
 * The experiment ledger's use cases: one row per candidate from any source, opened before anything runs
 * so even a candidate that crashes the sandbox is counted; identical content is evaluated once (a
 * duplicate gets a row of its own that points at the earlier one and carries its verdict); each later
 * step is an event; `ledgerTop` / `ledgerShow` are what `brain ledger` and the chat bot print.
 */
import type { TrialLedger } from '../backtest/run.ts';
import type { Clock } from '../clock/clock.ts';
import type { LedgerEvent, LedgerRepo, LedgerRow, LedgerStage, LedgerUpdate, OriginKind } from '../db/ledger.repo.ts';
import { lineDiff } from '../versions/diff.ts';
import type { ResolvedStrategy } from '../versions/resolve.ts';
import { contentHash } from './content.ts';
import type { GateResult } from './policy.ts';
import { BrainError } from '../contract/errors.ts';

export type Origin =
  | { kind: 'offline'; seed: number }
  | { kind: 'model'; model: string; promptHash: string; cycleId: string }
  | { kind: 'person'; who: string };

export interface LedgerDeps {
  readonly ledger: LedgerRepo;
  readonly clock: Pick<Clock, 'now'>;
}

export interface OpenRequest {
  contentHash: string;
  kind: 'strategy' | 'statistics';
  name: string;
  parentVersionId: string | null;
  origin: Origin;
  params: Record<string, number>;
  diffSummary: string;
  hypothesis: string;
}

export type Opened = { duplicate: false; row: LedgerRow } | { duplicate: true; row: LedgerRow; earlier: LedgerRow };

/** A new row for the candidate, or a duplicate row carrying the earlier verdict when the content was seen. */
export function openEntry(deps: LedgerDeps, req: OpenRequest): Opened {
  const now = deps.clock.now();
  const { kind, ...origin } = req.origin;
  const base = {
    contentHash: req.contentHash,
    kind: req.kind,
    name: req.name,
    versionId: null,
    parentVersionId: req.parentVersionId,
    originKind: kind as OriginKind,
    origin,
    params: req.params,
    diffSummary: req.diffSummary,
    hypothesis: req.hypothesis,
    gates: [],
    holdout: null,
    score: null,
    trial: null,
    cpuSeconds: 0,
    usd: 0,
    createdAt: now,
  };
  const earlier = deps.ledger.original(req.contentHash);
  if (earlier) {
    const row = deps.ledger.insert({
      ...base,
      versionId: earlier.versionId,
      stage: earlier.stage,
      verdict: 'duplicate',
      failedGate: earlier.failedGate,
      reason: earlier.reason,
      duplicateOf: earlier.id,
    });
    return { duplicate: true, row, earlier };
  }
  return { duplicate: false, row: deps.ledger.insert({ ...base, stage: 'submitted', verdict: 'pending', failedGate: null, reason: null, duplicateOf: null }) };
}

/** Records a refusal: the stage it happened in and the gate that names it. */
export function refuse(
  deps: LedgerDeps,
  id: number,
  stage: LedgerStage,
  failedGate: string,
  reason: string,
  extra: Omit<LedgerUpdate, 'updatedAt'> = {},
): LedgerRow {
  return deps.ledger.update(id, { ...extra, stage, verdict: 'refused', failedGate, reason, updatedAt: deps.clock.now() });
}

export function advance(deps: LedgerDeps, id: number, stage: LedgerStage, extra: Omit<LedgerUpdate, 'updatedAt'> = {}): LedgerRow {
  return deps.ledger.update(id, { verdict: 'pending', ...extra, stage, updatedAt: deps.clock.now() });
}

export function recordEvent(deps: LedgerDeps, id: number, kind: string, details: Record<string, unknown> = {}): void {
  deps.ledger.addEvent({ ledgerId: id, time: deps.clock.now(), kind, details });
}

/** Adds to the CPU time spent on a candidate (every stage accounts for itself). */
export function addCpu(deps: LedgerDeps, id: number, seconds: number): void {
  const row = deps.ledger.byId(id);
  if (row) deps.ledger.update(id, { cpuSeconds: row.cpuSeconds + seconds, updatedAt: deps.clock.now() });
}

/** "+3 −2 lines" against the parent's source, or the parameter changes for a parameter candidate. */
export function diffSummary(parentSource: string | null, source: string, params: Record<string, number>, parentParams: Record<string, number> = {}): string {
  const changed = Object.entries(params).filter(([k, v]) => parentParams[k] !== v);
  if (changed.length > 0) return changed.map(([k, v]) => `${k} ${parentParams[k] ?? '?'}→${v}`).join(', ');
  if (parentSource === null) return 'new module';
  const lines = lineDiff(parentSource, source).split('\n');
  const plus = lines.filter((l) => l.startsWith('+ ')).length;
  const minus = lines.filter((l) => l.startsWith('- ')).length;
  return plus + minus === 0 ? 'identical to the parent' : `+${plus} −${minus} lines`;
}

/**
 * `brain backtest`'s place in the one trial count: its deflated Sharpe ratio reads the same trials as the
 * promotion policy's, and the run joins them as a trial of its own (never the pipeline's verdict on it).
 */
export function backtestTrials(ledger: LedgerRepo, who: string): (strategy: ResolvedStrategy) => TrialLedger {
  return (s) => {
    const id = contentHash('strategy', 'strategy', s.source);
    return {
      id,
      list: () => ledger.trials(),
      record: (run) => void ledger.recordBacktest({ contentHash: id, versionId: s.stored ? s.versionId : null, who, ...run }),
    };
  };
}

export function ledgerTop(deps: Pick<LedgerDeps, 'ledger'>, n: number): LedgerRow[] {
  return deps.ledger.top(n);
}

export interface LedgerEntryView {
  row: LedgerRow;
  events: LedgerEvent[];
}

export class LedgerLookupError extends BrainError<'not_found' | 'ambiguous'> {
  override readonly name = 'LedgerLookupError';
  constructor(code: 'not_found' | 'ambiguous', message: string) {
    super(message, { domain: 'ledger', code, retryable: false });
  }
}

/** The candidate with this content hash (a prefix of at least 6 hex digits), its gates and its steps. */
export function ledgerShow(deps: Pick<LedgerDeps, 'ledger'>, hash: string): LedgerEntryView[] {
  const rows = /^[0-9a-f]{6,64}$/.test(hash) ? deps.ledger.withHashPrefix(hash) : [];
  if (rows.length === 0)
    throw new LedgerLookupError(
      'not_found',
      `no candidate with content hash ${hash} in the ledger; list them with 'brain ledger --top 20' (give at least 6 hex digits)`,
    );
  const hashes = new Set(rows.map((r) => r.contentHash));
  if (hashes.size > 1)
    throw new LedgerLookupError(
      'ambiguous',
      `${hash} matches ${hashes.size} candidates (${[...hashes].map((h) => h.slice(0, 12)).join(', ')}); give more digits`,
    );
  return rows.map((row) => ({ row, events: deps.ledger.events(row.id) }));
}

export function gatesOf(row: LedgerRow): GateResult[] {
  return row.gates as GateResult[];
}
