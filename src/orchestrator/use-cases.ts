/**
 * The orchestrator's use cases, each one function that `brain orchestrate|thoughts|observations` and the
 * Telegram commands (/night, /thoughts, /thought, /observations, /budget) call alike: run a night now
 * (standalone, through the same cycle machine the daemon runs), a dry run (the prompts and their token
 * estimate, no call), the nights and their stored answers, the observations, and the budget.
 */
import { createActor, waitFor } from 'xstate';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Db, MachineSnapshotsRepo } from '../db/index.ts';
import { ledgerRepo, type LedgerRow } from '../db/ledger.repo.ts';
import { orchestratorRepo } from '../db/orchestrator.repo.ts';
import { orchestratorCyclesRepo, type CycleRecord, type OrchestratorCyclesRepo, type StoredAnswer } from '../db/orchestrator-cycles.repo.ts';
import { gatherContext } from './context/gather.ts';
import { spending } from './llm/budget.ts';
import { estimateTokens } from './llm/tokens.ts';
import { analysisUser } from './prompts/tasks.ts';
import type { NightDeps } from './steps/night-deps.ts';
import { cycleInput, cycleMachine } from './wiring.ts';
import { BrainError } from '../contract/errors.ts';

export interface NightSummary {
  cycle: CycleRecord;
  calls: number;
  costUsd: number;
  cacheReadTokens: number;
}

function summaryOf(repo: OrchestratorCyclesRepo, cycleId: string): NightSummary {
  const cycle = repo.get(cycleId);
  if (!cycle)
    throw new BrainError(`no night ${cycleId}; list the nights with \`brain thoughts\``, { domain: 'orchestrator', code: 'unknown_night', retryable: false });
  const answers = repo.answers(cycleId);
  return {
    cycle,
    calls: answers.length,
    costUsd: answers.reduce((s, a) => s + a.costUsd, 0),
    cacheReadTokens: answers.reduce((s, a) => s + a.cacheReadTokens, 0),
  };
}

export function nightSummary(db: Db, cycleId: string): NightSummary {
  return summaryOf(orchestratorCyclesRepo(db), cycleId);
}

/**
 * Runs a night now, outside the daemon, through the cycle machine: a night a restart interrupted is
 * resumed and finished first (and reported); otherwise a new one starts. The caller holds the daemon's
 * lock, so no daemon runs a night at the same time.
 */
export async function runNightNow(o: { deps: NightDeps; snapshots: MachineSnapshotsRepo; config: Config; clock: Clock; by: string }): Promise<NightSummary> {
  const actor = createActor(cycleMachine(o.deps, { snapshots: o.snapshots, clock: o.clock, log: o.deps.log }), {
    input: cycleInput(o.config, o.clock.now()),
    clock: o.clock,
  });
  const finished = new Promise<string>((resolve) => actor.on('orchestrator.cycleFinished', (e) => resolve(e.cycleId)));
  actor.start();
  try {
    const routed = await waitFor(actor, (s) => !s.matches('resuming') && !s.matches('routing'), { timeout: 60_000 });
    const resting = routed.matches('idle') || routed.matches('done') || routed.matches('failed');
    if (resting) actor.send({ type: 'orchestrator.runNow', by: o.by, at: o.clock.now() });
    const cycleId = await finished;
    if (!o.deps.cycles.get(cycleId))
      throw new BrainError(`the night ended before it had a row: ${actor.getSnapshot().context.reason ?? 'no reason'}`, {
        domain: 'orchestrator',
        code: 'no_cycle_row',
        retryable: false,
      });
    return summaryOf(o.deps.cycles, cycleId);
  } finally {
    actor.stop();
  }
}

export interface MetricComparison {
  name: string;
  candidate: string;
  incumbent: string;
}

/** A night's change report: what /night shows and the nightly notification carries. */
export interface NightReport {
  cycleId: string;
  mode: 'model' | 'offline';
  outcome: string;
  /** Why it ended where it did (null for a clean no-change or submission). */
  reason: string | null;
  finishedAt: number;
  decision: string;
  hypothesis: string;
  diffSummary: string;
  /** The candidate against the incumbent on the same candles (holdout, OOS edge), when it was judged. */
  metrics: MetricComparison[];
  gates: Array<{ name: string; passed: boolean; detail: string }>;
  costUsd: number;
}

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;

/** The candidate a night sent to the pipeline: its submission's ledger row, or the offline evolver's winner (else its best) of that night. */
function candidateOf(db: Db, c: CycleRecord): LedgerRow | null {
  const ledger = ledgerRepo(db);
  const id = c.submission as { ledgerId?: number; earlier?: { ledgerId?: number } } | null;
  const direct = id?.ledgerId ?? id?.earlier?.ledgerId;
  if (direct !== undefined) return ledger.byId(direct) ?? null;
  if (c.mode !== 'offline') return null;
  const rows = db
    .prepare(
      "SELECT id FROM candidate_ledger WHERE origin_kind = 'offline' AND evaluated_by = 'pipeline' AND created_at >= ? AND created_at <= ? ORDER BY stage = 'paper' DESC, score IS NULL, score DESC LIMIT 1",
    )
    .get<{ id: number }>([c.startedAt, c.endedAt ?? Number.MAX_SAFE_INTEGER]);
  return rows ? (ledger.byId(rows.id) ?? null) : null;
}

function comparisons(row: LedgerRow): MetricComparison[] {
  const out: MetricComparison[] = [];
  const h = row.holdout as { days?: number; candidateReturn?: number; incumbentReturn?: number } | null;
  if (h?.candidateReturn !== undefined && h.incumbentReturn !== undefined)
    out.push({ name: `return over the ${(h.days ?? 0).toFixed(0)}-day holdout`, candidate: pct(h.candidateReturn), incumbent: pct(h.incumbentReturn) });
  const edge = (row.gates as Array<{ gate: string; value: number | null }>).find((g) => g.gate === 'oosEdge');
  if (edge?.value !== null && edge?.value !== undefined)
    out.push({ name: 'daily OOS edge, lower bound', candidate: pct(edge.value), incumbent: '0 (the baseline)' });
  if (row.trial) out.push({ name: 'daily Sharpe ratio', candidate: row.trial.sharpe.toFixed(3), incumbent: '-' });
  return out;
}

/** The change report of night `cycleId` (default the newest finished one), or null before the first. */
export function nightReport(db: Db, cycleId?: string): NightReport | null {
  const repo = orchestratorCyclesRepo(db);
  const c = cycleId ? repo.get(cycleId) : repo.recent(20).find((x) => x.outcome !== null);
  if (!c || c.outcome === null) return null;
  const decided = (c.decision as { decision?: string; hypothesis?: string } | null) ?? {};
  const row = candidateOf(db, c);
  const offline = c.mode === 'offline';
  return {
    cycleId: c.id,
    mode: c.mode,
    outcome: c.outcome,
    reason: c.reason,
    finishedAt: c.endedAt ?? c.startedAt,
    decision: offline ? 'offline evolver' : (decided.decision ?? 'none (ended before the analysis decided)'),
    hypothesis: row?.hypothesis || decided.hypothesis || '',
    diffSummary: row?.diffSummary ?? '',
    metrics: row ? comparisons(row) : [],
    gates: row
      ? (row.gates as Array<{ gate: string; passed: boolean; detail: string }>).map((g) => ({ name: g.gate, passed: g.passed, detail: g.detail }))
      : [],
    costUsd: summaryOf(repo, c.id).costUsd,
  };
}

export interface DryRun {
  model: string;
  prefix: readonly string[];
  user: string;
  tokens: { prefix: number; user: number; total: number; maxOutput: number };
}

/** The analysis prompt tonight would send and its token estimate; no model is called and nothing is stored. */
export async function dryRunNight(d: NightDeps, maxOutput: number): Promise<DryRun> {
  const bundle = await gatherContext({ sources: d.sources, ledger: d.ports.ledger, contextTokens: d.cycle.contextTokens, secrets: d.secrets }, d.clock.now());
  const user = analysisUser(bundle.sections);
  const prefix = estimateTokens(d.prefix.join(''));
  return { model: d.models.analysis, prefix: d.prefix, user, tokens: { prefix, user: estimateTokens(user), total: prefix + estimateTokens(user), maxOutput } };
}

/** The newest nights, newest first. */
export function recentNights(db: Db, limit = 20): NightSummary[] {
  return orchestratorCyclesRepo(db)
    .recent(limit)
    .map((c) => nightSummary(db, c.id));
}

/** Every stored answer of a night, whole (the thought spool). */
export function thoughtsOf(db: Db, cycleId: string): { night: NightSummary; answers: StoredAnswer[] } {
  return { night: nightSummary(db, cycleId), answers: orchestratorCyclesRepo(db).answers(cycleId) };
}

/** One stored answer, whole, as the API returned it. */
export function thoughtOf(db: Db, cycleId: string, step: string, attempt = 1): StoredAnswer {
  const a = orchestratorCyclesRepo(db).answer(cycleId, step, attempt);
  if (!a)
    throw new BrainError(`night ${cycleId} has no stored ${step} answer for attempt ${attempt}; \`brain thoughts ${cycleId}\` lists what it has`, {
      domain: 'orchestrator',
      code: 'unknown_answer',
      retryable: false,
    });
  return a;
}

/** A stored answer as a reader wants it: the thinking summary, then the answer (JSON pretty-printed). */
export function readableAnswer(a: StoredAnswer): string {
  const message = JSON.parse(a.content) as { content?: Array<{ type: string; text?: string; thinking?: string }> };
  return (message.content ?? [])
    .map((b) => (b.type === 'thinking' ? `[thinking] ${b.thinking ?? ''}` : b.type === 'text' ? prettyJson(b.text ?? '') : `[${b.type}]`))
    .join('\n');
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export function observations(db: Db, limit = 20) {
  return orchestratorRepo(db).recentObservations(limit);
}

export interface BudgetStatus {
  dayUsd: number;
  monthUsd: number;
  dailyCapUsd: number;
  monthlyCapUsd: number;
  calls: number;
}

/** USD spent on model calls in the UTC day and the calendar month of `now`, against the caps in config. */
export function budgetStatus(db: Db, settings: Pick<Config['orchestrator'], 'dailyBudgetUsd' | 'monthlyBudgetUsd'>, now: number): BudgetStatus {
  const s = spending(orchestratorRepo(db), now);
  return { dayUsd: s.dayUsd, monthUsd: s.monthUsd, dailyCapUsd: settings.dailyBudgetUsd, monthlyCapUsd: settings.monthlyBudgetUsd, calls: s.dayCalls };
}
