/**
 * The one door every candidate comes through (the offline evolver's winners, the nightly orchestrator,
 * a person): content-hash dedupe → static gates and the determinism canary (the version store) →
 * for a strategy, the screen and the full gates against the incumbent (policy.ts), the holdout scored
 * once, then a paper test; for a statistics module, the injected statistics checks, then it is used
 * from the next night. Every candidate gets a ledger row before anything runs; a refusal names its
 * stage and gate. DESIGN inv. 5: any failure refuses, and the incumbent keeps trading.
 */
import type { Clock } from '../clock/clock.ts';
import { DAY_MS, utcDayStart } from '../clock/time.ts';
import type { EvolutionRepo } from '../db/evolution.repo.ts';
import type { LedgerRepo } from '../db/ledger.repo.ts';
import type { Expectations } from './expectations.ts';
import type { PaperTestsRepo } from '../db/paper-tests.repo.ts';
import type { VersionRecord } from '../db/versions.repo.ts';
import type { StrategyRunner } from '../backtest/replay.ts';
import type { ParamSpec, Params } from '../contract/index.ts';
import { formatIssue } from '../sandbox/gates/index.ts';
import type { Author, VersionStore } from '../versions/store.ts';
import type { EvolutionConfig } from './config.ts';
import { contentHash } from './content.ts';
import { advance, diffSummary, openEntry, recordEvent, refuse, type LedgerDeps, type Origin } from './ledger.ts';
import { paramsWriter } from './params-source.ts';
import { schedulePaperTest, type PaperTestCommand } from './paper-tests.ts';
import { judge, scoreHoldout, screen, type PolicyCandidate, type PolicyContext } from './policy.ts';

export interface CandidateSubmission {
  kind: 'strategy' | 'statistics';
  /** Module name: 'strategy', or e.g. 'market_analysis'. */
  name: string;
  /** The whole TypeScript module. */
  source: string;
  parentVersionId: string | null;
  origin: Origin;
  hypothesis: string;
  /** Values for declared parameters: written into the source's meta.params defaults before anything else. */
  params?: Record<string, number>;
}

export type SubmissionOutcome =
  | { status: 'duplicate'; contentHash: string; earlier: { stage: string; reason: string | null; ledgerId: number } }
  | { status: 'refused'; contentHash: string; stage: 'static' | 'screen' | 'gates'; failedGate: string; reason: string; ledgerId: number }
  | { status: 'paperTest'; contentHash: string; versionId: string; paperTestId: string; ledgerId: number }
  | { status: 'accepted'; contentHash: string; versionId: string; ledgerId: number; effectiveFrom: number };

export type StatisticsCheck = (versionId: string, source: string) => Promise<{ ok: true } | { ok: false; gate: string; reason: string }>;

/** A sandbox runner for a stored version, and how to stop its child. */
export interface VersionRunner {
  readonly runner: StrategyRunner;
  readonly specs: Readonly<Record<string, ParamSpec>>;
  readonly params: Params;
  close(): Promise<void>;
}

export interface SubmitDeps {
  readonly ledger: LedgerRepo;
  readonly paperTests: PaperTestsRepo;
  /** Where a passing version's expectations are recorded for the rollback watch. */
  readonly expectations: Pick<EvolutionRepo, 'saveExpectations'>;
  readonly store: VersionStore;
  readonly clock: Pick<Clock, 'now'>;
  readonly evolution: EvolutionConfig;
  /** The candles, costs, windows and incumbent baseline a strategy is judged on (built once, shared). */
  readonly policyContext: () => Promise<PolicyContext>;
  /** Starts the sandbox child a stored strategy version is judged in. */
  readonly startRunner: (version: VersionRecord) => Promise<VersionRunner>;
  /** The orchestrator's statistics-specific checks (read-only DB run, truth benchmarks), when present. */
  readonly checkStatistics?: StatisticsCheck;
  /** Inside the daemon: paper tests are announced to the supervisor at once. */
  readonly notify?: (command: PaperTestCommand) => void;
}

function authorOf(o: Origin): Author {
  return o.kind === 'model' ? { kind: 'model', model: o.model, promptSha256: o.promptHash } : { kind: 'human' };
}

/** The first UTC midnight after `now`: a statistics module accepted tonight is used from the next night's cycle. */
export function nextUtcNight(now: number): number {
  return utcDayStart(now) + DAY_MS;
}

export type Refusal = Extract<SubmissionOutcome, { status: 'refused' }>;

/** The static gates and the determinism canary (the version store): a stored version, or the refusal. */
export async function storeVersion(
  deps: Pick<SubmitDeps, 'store' | 'ledger' | 'clock'>,
  c: { ledgerId: number; hash: string; submission: Omit<CandidateSubmission, 'params' | 'hypothesis'> },
): Promise<{ ok: true; version: VersionRecord } | { ok: false; refusal: Refusal }> {
  const s = c.submission;
  const stored = await deps.store.submit({ kind: s.kind, name: s.name, source: s.source, author: authorOf(s.origin), parentId: s.parentVersionId });
  const ledger: LedgerDeps = { ledger: deps.ledger, clock: deps.clock };
  if (!stored.ok) {
    const first = stored.issues[0]!;
    const failedGate = first.gate === 'canary' ? 'determinism' : `static:${first.gate}`;
    const reason = stored.issues.map(formatIssue).join('\n');
    refuse(ledger, c.ledgerId, 'static', failedGate, reason);
    return { ok: false, refusal: { status: 'refused', contentHash: c.hash, stage: 'static', failedGate, reason, ledgerId: c.ledgerId } };
  }
  ledger.ledger.update(c.ledgerId, { versionId: stored.version.id, updatedAt: deps.clock.now() });
  recordEvent(ledger, c.ledgerId, 'stored', { versionId: stored.version.id, label: stored.version.label });
  return { ok: true, version: stored.version };
}

/** A strategy that passed the gates: its holdout scored once (reported apart), then a paper test. */
export async function toPaperTest(
  deps: Pick<SubmitDeps, 'ledger' | 'paperTests' | 'clock' | 'evolution' | 'notify' | 'expectations'>,
  c: { ledgerId: number; hash: string; version: VersionRecord; ctx: PolicyContext; candidate: PolicyCandidate; expectations: Expectations },
): Promise<Extract<SubmissionOutcome, { status: 'paperTest' }>> {
  const ledger: LedgerDeps = { ledger: deps.ledger, clock: deps.clock };
  ledger.ledger.update(c.ledgerId, { holdout: await scoreHoldout(c.ctx, c.candidate), updatedAt: deps.clock.now() });
  deps.expectations.saveExpectations(c.version.id, deps.clock.now(), c.expectations);
  const test = schedulePaperTest(
    { paperTests: deps.paperTests, clock: deps.clock, evolution: deps.evolution, ...(deps.notify ? { notify: deps.notify } : {}) },
    { versionId: c.version.id, incumbentId: c.ctx.baseline.versionId, ledgerId: c.ledgerId },
  );
  advance(ledger, c.ledgerId, 'paper');
  recordEvent(ledger, c.ledgerId, 'paperTest.scheduled', { paperTestId: test.id });
  return { status: 'paperTest', contentHash: c.hash, versionId: c.version.id, paperTestId: test.id, ledgerId: c.ledgerId };
}

export async function submitCandidate(deps: SubmitDeps, candidate: CandidateSubmission): Promise<SubmissionOutcome> {
  const ledger: LedgerDeps = { ledger: deps.ledger, clock: deps.clock };
  const params = candidate.params ?? {};
  const source = Object.keys(params).length > 0 ? (await paramsWriter(deps.store.gates, candidate.source))(params) : candidate.source;
  const hash = contentHash(candidate.kind, candidate.name, source);
  const parent = candidate.parentVersionId ? (deps.store.repo.get(candidate.parentVersionId) ?? null) : null;
  const opened = openEntry(ledger, {
    contentHash: hash,
    kind: candidate.kind,
    name: candidate.name,
    parentVersionId: candidate.parentVersionId,
    origin: candidate.origin,
    params,
    diffSummary: diffSummary(parent?.source ?? null, source, {}),
    hypothesis: candidate.hypothesis,
  });
  if (opened.duplicate)
    return { status: 'duplicate', contentHash: hash, earlier: { stage: opened.earlier.stage, reason: opened.earlier.reason, ledgerId: opened.earlier.id } };
  const id = opened.row.id;
  const refused = (stage: 'static' | 'screen' | 'gates', failedGate: string, reason: string): SubmissionOutcome => {
    refuse(ledger, id, stage, failedGate, reason);
    return { status: 'refused', contentHash: hash, stage, failedGate, reason, ledgerId: id };
  };
  const stored = await storeVersion(deps, { ledgerId: id, hash, submission: { ...candidate, source } });
  if (!stored.ok) return stored.refusal;
  const version = stored.version;
  advance(ledger, id, 'static', { verdict: 'passed' });
  if (candidate.kind === 'statistics') return acceptStatistics(deps, ledger, id, hash, version, source, refused);
  return judgeStrategy(deps, ledger, { id, hash, version }, refused);
}
async function acceptStatistics(
  deps: SubmitDeps,
  ledger: LedgerDeps,
  id: number,
  hash: string,
  version: VersionRecord,
  source: string,
  refused: (stage: 'gates', gate: string, reason: string) => SubmissionOutcome,
): Promise<SubmissionOutcome> {
  const check = deps.checkStatistics ? await deps.checkStatistics(version.id, source) : ({ ok: true } as const);
  if (!check.ok) return refused('gates', check.gate, check.reason);
  // The nightly cycle reads its statistics modules when it starts: one accepted now is used from the next night.
  await deps.store.deploy(version.id);
  const effectiveFrom = nextUtcNight(deps.clock.now());
  advance(ledger, id, 'deployed', { verdict: 'passed' });
  recordEvent(ledger, id, 'deployed', { versionId: version.id, effectiveFrom });
  return { status: 'accepted', contentHash: hash, versionId: version.id, ledgerId: id, effectiveFrom };
}

async function judgeStrategy(
  deps: SubmitDeps,
  ledger: LedgerDeps,
  c: { id: number; hash: string; version: VersionRecord },
  refused: (stage: 'screen' | 'gates', gate: string, reason: string) => SubmissionOutcome,
): Promise<SubmissionOutcome> {
  const started = performance.now();
  let run: VersionRunner | null = null;
  try {
    const ctx = await deps.policyContext();
    run = await deps.startRunner(c.version);
    const candidate: PolicyCandidate = { id: c.hash, runner: run.runner, params: run.params, specs: run.specs };
    const s = await screen(ctx, candidate);
    advance(ledger, c.id, 'screen', { gates: s.gates, trial: s.trial, verdict: s.passed ? 'passed' : 'pending' });
    if (!s.passed) return refused('screen', s.failedGate!, s.reason!);
    const v = await judge(ctx, candidate);
    advance(ledger, c.id, 'gates', { gates: [...s.gates, ...v.gates], trial: v.trial, score: v.score, verdict: v.passed ? 'passed' : 'pending' });
    if (!v.passed) return refused('gates', v.failedGate!, v.reason!);
    return await toPaperTest(deps, { ledgerId: c.id, hash: c.hash, version: c.version, ctx, candidate, expectations: v.expectations });
  } catch (err) {
    // The candidate could not be judged (a sandbox crash, a replay mismatch): refused, never promoted (inv. 5).
    return refused('gates', 'evaluation', err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  } finally {
    await run?.close();
    const row = ledger.ledger.byId(c.id);
    if (row) ledger.ledger.update(c.id, { cpuSeconds: row.cpuSeconds + (performance.now() - started) / 1000, updatedAt: deps.clock.now() });
  }
}
