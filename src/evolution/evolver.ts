/**
 * The offline evolver (no model key needed): searches the parent strategy's declared parameters with
 * quasi-random sampling (sampler.ts) and successive halving (Jamieson & Talwalkar 2016) as a cascade:
 * every candidate is screened on the last `screen.days` of the in-sample region, the best
 * `keepFraction` again on twice as many days, and so on; only the best `fullGates` of a round go
 * through the full gates (policy.ts judge). Everything it tries gets a ledger row (a candidate seen in
 * an earlier run is a duplicate and is not run again). The best candidate that passes becomes a stored
 * version and goes to a paper test. Work goes out through a JobRunner (jobs.ts): one warm sandbox child
 * per worker, the datasets kept loaded across candidates.
 */
import { DAY_MS } from '../clock/time.ts';
import type { Params, ParamSpec } from '../contract/index.ts';
import type { LedgerRow } from '../db/ledger.repo.ts';
import type { VersionRecord } from '../db/versions.repo.ts';
import type { StrategyRunner } from '../backtest/replay.ts';
import { contentHash, shortHash } from './content.ts';
import type { Expectations } from './expectations.ts';
import type { JobRunner, JobWorker } from './jobs.ts';
import { addCpu, advance, diffSummary, openEntry, recordEvent, refuse, type LedgerDeps } from './ledger.ts';
import { incumbentScreenReturn, judge, screen, type GateResult, type PolicyCandidate, type PolicyContext, type ScreenResult } from './policy.ts';
import { paramsWriter } from './params-source.ts';
import { haltonSampler } from './sampler.ts';
import { storeVersion, toPaperTest, type SubmissionOutcome, type SubmitDeps } from './submit.ts';

export type EvolverJob = { kind: 'screen'; id: string; params: Params; days: number; incumbentReturn: number } | { kind: 'judge'; id: string; params: Params };

/** What a worker sends back: plain data, so a remote worker can send the same. */
export type EvolverJobResult =
  | { kind: 'screen'; result: ScreenResult; seconds: number }
  | {
      kind: 'judge';
      seconds: number;
      passed: boolean;
      failedGate: string | null;
      reason: string | null;
      gates: GateResult[];
      score: number | null;
      trial: ScreenResult['trial'];
      expectations: Expectations;
    };

/** One worker: the parent's warm sandbox runner and the shared evaluation context. */
export function evolverWorker(
  ctx: PolicyContext,
  runner: StrategyRunner,
  specs: Readonly<Record<string, ParamSpec>>,
  close: () => Promise<void>,
): JobWorker<EvolverJob, EvolverJobResult> {
  return {
    async run(job) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      const c: PolicyCandidate = { id: job.id, runner, params: job.params, specs };
      if (job.kind === 'screen') {
        const result = await screen(ctx, c, job.days, job.incumbentReturn);
        return { kind: 'screen', result, seconds: seconds() };
      }
      const v = await judge(ctx, c);
      return {
        kind: 'judge',
        seconds: seconds(),
        passed: v.passed,
        failedGate: v.failedGate,
        reason: v.reason,
        gates: v.gates,
        score: v.score,
        trial: v.trial,
        expectations: v.expectations,
      };
    },
    close,
  };
}

export interface EvolverDeps extends Pick<SubmitDeps, 'ledger' | 'paperTests' | 'expectations' | 'store' | 'clock' | 'evolution' | 'notify'> {
  readonly context: PolicyContext;
  /** The strategy searched around (usually the active version) and its declared parameters. */
  readonly parent: { version: VersionRecord; specs: Readonly<Record<string, ParamSpec>>; params: Params; runner: StrategyRunner };
  readonly jobs: JobRunner<EvolverJob, EvolverJobResult>;
  /** Wall-clock milliseconds for the budget (performance.now in production). */
  readonly elapsed: () => number;
  readonly onProgress?: (line: string) => void;
}

export interface EvolverBudget {
  readonly ms: number;
  /** Stop after this many candidates drawn (tests, reproducible runs); default unlimited. */
  readonly maxCandidates?: number;
  readonly seed?: number;
}

export interface EvolverReport {
  readonly seed: number;
  readonly rounds: number;
  readonly drawn: number;
  readonly duplicates: number;
  readonly screened: number;
  readonly screenRuns: number;
  readonly fullyGated: number;
  readonly passedGates: number;
  /** Evaluations that threw (a sandbox crash, a replay mismatch): refused by `evaluation` in the ledger. */
  readonly failedEvaluations: number;
  readonly elapsedMs: number;
  readonly best: { contentHash: string; params: Params; score: number | null } | null;
  readonly outcome: SubmissionOutcome | null;
}

interface Live {
  row: LedgerRow;
  expectations?: Expectations;
  params: Params;
  gates: GateResult[];
  edge: number;
  passed: boolean;
}

export async function runEvolver(deps: EvolverDeps, budget: EvolverBudget): Promise<EvolverReport> {
  const ledger: LedgerDeps = { ledger: deps.ledger, clock: deps.clock };
  const cfg = deps.evolution.evolver;
  const seed = budget.seed ?? cfg.seed;
  const sampler = haltonSampler(deps.parent.specs, seed);
  const write = await paramsWriter(deps.store.gates, deps.parent.version.source, deps.parent.specs);
  const ctx = deps.context;
  const inSampleDays = ((ctx.data.time[ctx.windows.oosStart] ?? 0) - (ctx.data.time[ctx.windows.start] ?? 0)) / DAY_MS;
  const incumbentReturns = new Map<number, number>();
  const incumbentReturn = async (days: number): Promise<number> => {
    if (!incumbentReturns.has(days)) incumbentReturns.set(days, await incumbentScreenReturn(ctx, days));
    return incumbentReturns.get(days)!;
  };
  const stats = { rounds: 0, duplicates: 0, screened: 0, screenRuns: 0, fullyGated: 0, passedGates: 0, failedEvaluations: 0 };
  const winners: Live[] = [];
  const overBudget = () => deps.elapsed() >= budget.ms || (budget.maxCandidates !== undefined && sampler.drawn >= budget.maxCandidates);

  while (!overBudget()) {
    stats.rounds += 1;
    const fresh: Live[] = [];
    for (let i = 0; i < cfg.rungSize && !(budget.maxCandidates !== undefined && sampler.drawn >= budget.maxCandidates); i++) {
      const params = sampler.next();
      const source = write(params);
      const hash = contentHash('strategy', 'strategy', source);
      const opened = openEntry(ledger, {
        contentHash: hash,
        kind: 'strategy',
        name: 'strategy',
        parentVersionId: deps.parent.version.id,
        origin: { kind: 'offline', seed },
        params,
        diffSummary: diffSummary(null, source, params, deps.parent.params),
        hypothesis: `parameter search around ${deps.parent.version.label}`,
      });
      if (opened.duplicate || fresh.some((f) => f.row.contentHash === hash)) {
        stats.duplicates += 1;
        continue;
      }
      fresh.push({ row: opened.row, params, gates: [], edge: -Infinity, passed: false });
    }
    let rung = fresh;
    let days = deps.evolution.screen.days;
    for (;;) {
      const inc = await incumbentReturn(days);
      const results = await runAll(
        deps.jobs,
        rung.map((c) => ({ kind: 'screen' as const, id: `${c.row.contentHash}:screen:${days}`, params: c.params, days, incumbentReturn: inc })),
      );
      stats.screenRuns += rung.length;
      rung.forEach((c, k) => {
        const r = results[k];
        if (r?.kind !== 'screen') return void ((stats.failedEvaluations += 1), refuseRuntime(ledger, c, 'screen', results.errors[k]));
        addCpu(ledger, c.row.id, r.seconds);
        c.gates = [...c.gates, ...r.result.gates.map((g) => ({ ...g, detail: `${g.detail} (rung ${days} days)` }))];
        c.edge = r.result.edge;
        c.passed = r.result.passed;
        if (r.result.passed) advance(ledger, c.row.id, 'screen', { gates: c.gates, trial: r.result.trial, verdict: 'passed' });
        else refuse(ledger, c.row.id, 'screen', r.result.failedGate!, r.result.reason!, { gates: c.gates, trial: r.result.trial });
      });
      if (days === deps.evolution.screen.days) stats.screened += rung.length;
      const passed = rung.filter((c) => c.passed).sort((a, b) => b.edge - a.edge);
      const next = Math.min(days * 2, Math.floor(inSampleDays));
      if (passed.length <= cfg.fullGates || next <= days || overBudget()) {
        rung = passed;
        break;
      }
      rung = passed.slice(0, Math.max(cfg.fullGates, Math.ceil(passed.length * cfg.keepFraction)));
      for (const c of passed.slice(rung.length))
        refuse(ledger, c.row.id, 'screen', 'halving', `not in the best ${rung.length} of ${passed.length} at ${days} days`);
      days = next;
    }
    const finalists = rung.slice(0, cfg.fullGates);
    for (const c of rung.slice(cfg.fullGates)) refuse(ledger, c.row.id, 'screen', 'halving', `not in the best ${cfg.fullGates} of the last rung`);
    const verdicts = await runAll(
      deps.jobs,
      finalists.map((c) => ({ kind: 'judge' as const, id: `${c.row.contentHash}:judge`, params: c.params })),
    );
    finalists.forEach((c, k) => {
      const v = verdicts[k];
      stats.fullyGated += 1;
      if (v?.kind !== 'judge') return void ((stats.failedEvaluations += 1), refuseRuntime(ledger, c, 'gates', verdicts.errors[k]));
      addCpu(ledger, c.row.id, v.seconds);
      const gates = [...c.gates, ...v.gates];
      if (v.passed) {
        stats.passedGates += 1;
        advance(ledger, c.row.id, 'gates', { gates, trial: v.trial, score: v.score, verdict: 'passed' });
        winners.push({ ...c, gates, edge: v.score ?? -Infinity, expectations: v.expectations });
      } else refuse(ledger, c.row.id, 'gates', v.failedGate!, v.reason!, { gates, trial: v.trial, score: v.score });
    });
    deps.onProgress?.(
      `round ${stats.rounds}: ${sampler.drawn} drawn, ${stats.screened} screened, ${stats.fullyGated} through the full gates, ${stats.passedGates} passed (${(deps.elapsed() / 1000).toFixed(0)} s)`,
    );
    if (fresh.length === 0 && stats.duplicates >= sampler.drawn) break;
  }

  const best = winners.sort((a, b) => b.edge - a.edge)[0] ?? null;
  const outcome = best ? await admit(deps, ledger, best, seed, write) : null;
  return {
    seed,
    ...stats,
    drawn: sampler.drawn,
    elapsedMs: deps.elapsed(),
    outcome,
    best: best ? { contentHash: best.row.contentHash, params: best.params, score: best.edge } : null,
  };
}

/** One line for a night's record or a notification: what the evolver did and where its winner went. */
export function evolverSummary(r: EvolverReport): string {
  const o = r.outcome;
  const result =
    o?.status === 'paperTest'
      ? `winner ${shortHash(o.contentHash)} stored as ${o.versionId}, paper test ${o.paperTestId} scheduled`
      : o?.status === 'refused'
        ? `its best candidate was refused at ${o.stage} by ${o.failedGate}`
        : 'no candidate passed every gate; the incumbent stays';
  return `${r.drawn} drawn, ${r.screened} screened, ${r.fullyGated} through the full gates, ${r.passedGates} passed in ${(r.elapsedMs / 1000).toFixed(0)} s: ${result}`;
}

/** The winner becomes a stored version (static gates, determinism canary) and goes to a paper test. */
async function admit(deps: EvolverDeps, ledger: LedgerDeps, best: Live, seed: number, write: (p: Params) => string): Promise<SubmissionOutcome> {
  deps.onProgress?.(`best ${shortHash(best.row.contentHash)}: ${JSON.stringify(best.params)}; storing it and scheduling its paper test`);
  const submission = {
    kind: 'strategy' as const,
    name: 'strategy',
    source: write(best.params),
    parentVersionId: deps.parent.version.id,
    origin: { kind: 'offline' as const, seed },
  };
  const stored = await storeVersion(deps, { ledgerId: best.row.id, hash: best.row.contentHash, submission });
  if (!stored.ok) return stored.refusal;
  recordEvent(ledger, best.row.id, 'evolver.winner', { params: best.params, score: best.edge });
  // The holdout runs on the parent's runner with the winner's params, exactly as its gates did.
  const candidate: PolicyCandidate = { id: best.row.contentHash, runner: deps.parent.runner, params: best.params, specs: deps.parent.specs };
  return toPaperTest(deps, {
    ledgerId: best.row.id,
    hash: best.row.contentHash,
    version: stored.version,
    ctx: deps.context,
    candidate,
    expectations: best.expectations!,
  });
}

function refuseRuntime(ledger: LedgerDeps, c: Live, stage: 'screen' | 'gates', err: unknown): void {
  c.passed = false;
  refuse(ledger, c.row.id, stage, 'evaluation', err instanceof Error ? `${err.name}: ${err.message}` : String(err), { gates: c.gates });
}

/** Submits every job and waits for all; a failed job is an error in its slot, not a failed search. */
async function runAll(
  jobs: JobRunner<EvolverJob, EvolverJobResult>,
  batch: EvolverJob[],
): Promise<Array<EvolverJobResult | undefined> & { errors: unknown[] }> {
  for (const j of batch) jobs.submit(j.id, j);
  const settled = await Promise.allSettled(batch.map((j) => jobs.result(j.id)));
  return Object.assign(
    settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined)),
    { errors: settled.map((s) => (s.status === 'rejected' ? s.reason : null)) },
  );
}
