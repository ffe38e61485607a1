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
import { orchestratorRepo } from '../db/orchestrator.repo.ts';
import { orchestratorCyclesRepo, type CycleRecord, type OrchestratorCyclesRepo, type StoredAnswer } from '../db/orchestrator-cycles.repo.ts';
import { gatherContext } from './context/gather.ts';
import { spending } from './llm/budget.ts';
import { estimateTokens } from './llm/tokens.ts';
import { analysisUser } from './prompts/tasks.ts';
import type { NightDeps } from './steps/night-deps.ts';
import { cycleInput, cycleMachine } from './wiring.ts';

export interface NightSummary {
  cycle: CycleRecord;
  calls: number;
  costUsd: number;
  cacheReadTokens: number;
}

function summaryOf(repo: OrchestratorCyclesRepo, cycleId: string): NightSummary {
  const cycle = repo.get(cycleId);
  if (!cycle) throw new Error(`no night ${cycleId}; list the nights with \`brain thoughts\``);
  const answers = repo.answers(cycleId);
  return { cycle, calls: answers.length, costUsd: answers.reduce((s, a) => s + a.costUsd, 0), cacheReadTokens: answers.reduce((s, a) => s + a.cacheReadTokens, 0) };
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
  const actor = createActor(cycleMachine(o.deps, { snapshots: o.snapshots, clock: o.clock, log: o.deps.log }), { input: cycleInput(o.config, o.clock.now()), clock: o.clock });
  const finished = new Promise<string>((resolve) => actor.on('orchestrator.cycleFinished', (e) => resolve(e.cycleId)));
  actor.start();
  try {
    const routed = await waitFor(actor, (s) => !s.matches('resuming') && !s.matches('routing'), { timeout: 60_000 });
    const resting = routed.matches('idle') || routed.matches('done') || routed.matches('failed');
    if (resting) actor.send({ type: 'orchestrator.runNow', by: o.by, at: o.clock.now() });
    const cycleId = await finished;
    if (!o.deps.cycles.get(cycleId)) throw new Error(`the night ended before it had a row: ${actor.getSnapshot().context.reason ?? 'no reason'}`);
    return summaryOf(o.deps.cycles, cycleId);
  } finally {
    actor.stop();
  }
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
  return orchestratorCyclesRepo(db).recent(limit).map((c) => nightSummary(db, c.id));
}

/** Every stored answer of a night, whole (the thought spool). */
export function thoughtsOf(db: Db, cycleId: string): { night: NightSummary; answers: StoredAnswer[] } {
  return { night: nightSummary(db, cycleId), answers: orchestratorCyclesRepo(db).answers(cycleId) };
}

/** One stored answer, whole, as the API returned it. */
export function thoughtOf(db: Db, cycleId: string, step: string, attempt = 1): StoredAnswer {
  const a = orchestratorCyclesRepo(db).answer(cycleId, step, attempt);
  if (!a) throw new Error(`night ${cycleId} has no stored ${step} answer for attempt ${attempt}; \`brain thoughts ${cycleId}\` lists what it has`);
  return a;
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
