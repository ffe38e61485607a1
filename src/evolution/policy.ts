/**
 * The promotion policy (docs/evolution.md): a candidate against the incumbent on the SAME candles and
 * costs. The cheap screen decides whether a candidate is worth the full gates; the full gates are
 * `evaluate` (canaries, look-ahead, walk-forward, jitter, Monte Carlo: src/versions/evaluate.ts) plus
 * the comparisons with the incumbent below. Every gate's number and verdict is returned; the first
 * failing gate in GATE_ORDER names the refusal. The holdout is scored only by `scoreHoldout`, once,
 * for the final candidate, and never decides.
 */
import { utcDayStart, DAY_MS } from '../clock/time.ts';
import type { EngineConfig, EngineResult, MarketData } from '../backtest/engine.ts';
import { computeMetrics, deflate, trialsFromLedger, type BacktestMetrics } from '../backtest/metrics.ts';
import { dailyReturns } from '../backtest/metrics-equity.ts';
import { replayedRun, type StrategyRunner } from '../backtest/replay.ts';
import { metricsInputOf } from '../backtest/run.ts';
import type { ParamSpec, Params, RiskLimits, RollbackLimits } from '../contract/index.ts';
import { expectationsOf, type Expectations } from './expectations.ts';
import type { TrialStats } from '../db/ledger.repo.ts';
import { evaluate, type Evaluation } from '../versions/evaluate.ts';
import type { EvolutionConfig } from './config.ts';
import { bootstrapMeanInterval } from './stats.ts';
import { screenWindow, type EvaluationWindows } from './windows.ts';

export const GATE_ORDER = ['canaries', 'lookAhead', 'minTrades', 'oosEdge', 'dsr', 'mcDrawdown', 'jitter'] as const;
export type PolicyGate = (typeof GATE_ORDER)[number];

export interface GateResult {
  readonly gate: string;
  readonly passed: boolean;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly detail: string;
}

/** One candidate as the policy runs it: a runner (its sandbox child) and the parameters it trades with. */
export interface PolicyCandidate {
  /** The candidate's id in runs and trial counts (its content hash). */
  readonly id: string;
  readonly runner: StrategyRunner;
  readonly params: Params;
  readonly specs: Readonly<Record<string, ParamSpec>>;
}

/** The incumbent's runs, computed once per context and shared by every candidate judged in it. */
export interface Baseline {
  readonly versionId: string;
  readonly selection: EngineResult;
  readonly runner: StrategyRunner;
  readonly params: Params;
}

export interface PolicyContext {
  readonly data: MarketData;
  /** Costs and limits; `start` is the first traded step. */
  readonly config: EngineConfig;
  readonly windows: EvaluationWindows;
  readonly evolution: EvolutionConfig;
  readonly risk: RiskLimits;
  /** The rollback watch's limits: the CUSUM threshold of a passing candidate is calibrated to its false-alarm rate. */
  readonly rollback: RollbackLimits;
  readonly baseline: Baseline;
  /** Every earlier trial in the ledger (content hash, daily Sharpe): N and V of the deflated Sharpe. */
  readonly trials: () => ReadonlyArray<{ contentHash: string; sharpe: number }>;
  readonly now: () => number;
  readonly onGate?: (gate: string) => void;
}

export async function baselineOf(runner: StrategyRunner, params: Params, data: MarketData, config: EngineConfig, w: EvaluationWindows): Promise<Baseline> {
  const selection = await replayedRun(runner, data, { ...config, params, start: w.start, end: w.holdoutStart });
  return { versionId: runner.versionId, selection, runner, params };
}

const asRunner = (c: PolicyCandidate): StrategyRunner =>
  c.runner.versionId === c.id ? c.runner : { versionId: c.id, decide: (d, cfg, on, started) => c.runner.decide(d, cfg, on, started) };

export interface ScreenResult {
  readonly passed: boolean;
  readonly failedGate: 'screenTrades' | 'screenLoss' | null;
  readonly reason: string | null;
  readonly trades: number;
  readonly totalReturn: number;
  /** The incumbent's return on the same window: the rank of a candidate is its return above it. */
  readonly edge: number;
  readonly trial: TrialStats | null;
  readonly gates: GateResult[];
}

/** The cheap first stage: the last `days` of the in-sample region (rung r of the evolver doubles it r times). */
/**
 * A screen run's config: the window plus as many candles of warm-up as it trades (not every candle
 * before it, which would make a 14-day screen cost nearly a full run). Candidate and incumbent share it.
 */
export function screenConfig(ctx: PolicyContext, days: number, params: Params): EngineConfig {
  const win = screenWindow(ctx.data, ctx.windows, days);
  return { ...ctx.config, params, start: win.start, end: win.end, warmupSteps: Math.min(win.start, win.end - win.start) };
}

/** The incumbent's return over a screen window (the evolver computes it once per rung length). */
export async function incumbentScreenReturn(ctx: PolicyContext, days: number): Promise<number> {
  return (await replayedRun(ctx.baseline.runner, ctx.data, screenConfig(ctx, days, ctx.baseline.params))).summary.totalReturn;
}

export async function screen(ctx: PolicyContext, c: PolicyCandidate, days = ctx.evolution.screen.days, incumbentReturn?: number): Promise<ScreenResult> {
  const cfg = screenConfig(ctx, days, c.params);
  const r = await replayedRun(asRunner(c), ctx.data, cfg);
  const inc = incumbentReturn ?? (await incumbentScreenReturn(ctx, days));
  const s = ctx.evolution.screen;
  const m = computeMetrics(metricsInputOf(r, ctx.data, cfg));
  const gates: GateResult[] = [
    { gate: 'screenTrades', passed: r.summary.trades >= s.minTrades, value: r.summary.trades, threshold: s.minTrades, detail: `${days}-day screen window` },
    {
      gate: 'screenLoss',
      passed: r.summary.totalReturn > -s.maxLoss,
      value: r.summary.totalReturn,
      threshold: -s.maxLoss,
      detail: `incumbent ${inc.toFixed(4)}`,
    },
  ];
  const failed = gates.find((g) => !g.passed);
  return {
    passed: !failed,
    failedGate: (failed?.gate as ScreenResult['failedGate']) ?? null,
    reason: failed ? reasonOf(failed) : null,
    trades: r.summary.trades,
    totalReturn: r.summary.totalReturn,
    edge: r.summary.totalReturn - inc,
    trial: trialOf(m),
    gates,
  };
}

export interface PolicyVerdict {
  readonly passed: boolean;
  readonly failedGate: PolicyGate | null;
  readonly reason: string | null;
  readonly gates: GateResult[];
  /** The OOS edge's interval lower bound: how the ledger ranks candidates. */
  readonly score: number | null;
  readonly trial: TrialStats | null;
  readonly evaluation: Evaluation;
  readonly metrics: BacktestMetrics;
  /** What the rollback watch will hold the version to if it is deployed. */
  readonly expectations: Expectations;
}

/** The full gates over the selection region [start, holdoutStart). */
export async function judge(ctx: PolicyContext, c: PolicyCandidate): Promise<PolicyVerdict> {
  const {
    windows: w,
    evolution: { policy },
  } = ctx;
  const cfg = { ...ctx.config, params: c.params, start: w.start, end: w.holdoutStart };
  const ev = await evaluate(
    { now: ctx.now, ...(ctx.onGate ? { onGate: ctx.onGate } : {}) },
    { runner: asRunner(c), data: ctx.data, config: cfg, specs: c.specs, walkForwardWindows: policy.walkForwardWindows },
  );
  const trials = trialsFromLedger(
    ctx.trials().map((t) => ({ versionId: t.contentHash, sharpe: t.sharpe })),
    { versionId: c.id, sharpe: ev.metrics.dailySharpe },
  );
  const metrics = deflate(ev.metrics, trials);
  const edge = oosEdge(ctx, ev.result);
  const g = ev.gates;
  const incReturn = ctx.baseline.selection.summary.totalReturn;
  const jitterRuns = g.jitter?.runs ?? [];
  const beating = jitterRuns.filter((r) => r.totalReturn > incReturn).length;
  const jitterShare = jitterRuns.length > 0 ? beating / jitterRuns.length : 1;
  const ddLimit = policy.drawdownLimitShare * ctx.risk.maxDrawdownFraction;
  const mcP95 = g.monteCarlo.shuffle.maxDrawdown.p95;
  const gates: GateResult[] = [
    { gate: 'canaries', passed: g.canaries.passed, value: null, threshold: null, detail: canaryDetail(g.canaries) },
    {
      gate: 'lookAhead',
      passed: g.lookAhead?.passed ?? false,
      value: g.lookAhead?.cuts.filter((x) => x.mismatches.length > 0).length ?? null,
      threshold: 0,
      detail: 'truncated re-runs whose earlier decisions changed',
    },
    {
      gate: 'minTrades',
      passed: metrics.trades >= policy.minTrades,
      value: metrics.trades,
      threshold: policy.minTrades,
      detail: 'trades over the selection window',
    },
    {
      gate: 'oosEdge',
      passed: edge.lower > policy.minEdge,
      value: edge.lower,
      threshold: policy.minEdge,
      detail: `mean daily OOS return difference vs ${ctx.baseline.versionId} ${fmt(edge.mean)} [${fmt(edge.lower)}, ${fmt(edge.upper)}] at ${policy.edgeConfidence} over ${edge.n} days`,
    },
    {
      gate: 'dsr',
      passed: metrics.dsr !== null && metrics.dsr >= policy.minDsr,
      value: metrics.dsr,
      threshold: policy.minDsr,
      detail: `deflated over ${trials.trials} trials in the ledger`,
    },
    {
      gate: 'mcDrawdown',
      passed: mcP95 <= ddLimit,
      value: mcP95,
      threshold: ddLimit,
      detail: `Monte Carlo p95 max drawdown over ${g.monteCarlo.runs} trade-order shuffles`,
    },
    {
      gate: 'jitter',
      passed: jitterShare >= policy.jitterMinShare,
      value: jitterShare,
      threshold: policy.jitterMinShare,
      detail: `${beating} of ${jitterRuns.length} ±10 % nudges still beat the incumbent's ${fmt(incReturn)}`,
    },
  ];
  const failed = gates.find((x) => !x.passed);
  return {
    passed: !failed,
    failedGate: (failed?.gate as PolicyGate | undefined) ?? null,
    reason: failed ? reasonOf(failed) : null,
    gates,
    score: edge.n > 0 ? edge.lower : null,
    trial: trialOf(metrics),
    evaluation: ev,
    metrics,
    expectations: expectationsOf(ev.result, metrics, g, cfg, ctx.rollback.cusumFalseAlarm),
  };
}

/** The daily return difference, candidate minus incumbent, over the OOS days, and its bootstrap interval. */
function oosEdge(ctx: PolicyContext, r: EngineResult) {
  const { policy } = ctx.evolution;
  const cash = ctx.config.initialCash;
  const cand = dailyReturns(r.equity, cash);
  const inc = dailyReturns(ctx.baseline.selection.equity, cash);
  const firstDay = utcDayStart(r.equity.time[0] ?? 0);
  const from = Math.max(0, (utcDayStart(ctx.data.time[ctx.windows.oosStart] ?? 0) - firstDay) / DAY_MS);
  const n = Math.min(cand.length, inc.length);
  const diffs = Float64Array.from({ length: Math.max(0, n - from) }, (_, i) => cand[from + i]! - inc[from + i]!);
  return bootstrapMeanInterval(diffs, { runs: policy.bootstrapRuns, block: policy.bootstrapBlockDays, confidence: policy.edgeConfidence, seed: policy.seed });
}

export interface HoldoutScore {
  readonly days: number;
  readonly candidateReturn: number;
  readonly incumbentReturn: number;
  readonly difference: number;
  readonly trades: number;
}

/** The most recent window, scored once for the final candidate; reported apart, never a gate. */
export async function scoreHoldout(ctx: PolicyContext, c: PolicyCandidate): Promise<HoldoutScore | null> {
  const { holdoutStart, end } = ctx.windows;
  if (holdoutStart >= end) return null;
  const cfg = { ...ctx.config, start: holdoutStart, end };
  const cand = await replayedRun(asRunner(c), ctx.data, { ...cfg, params: c.params });
  const inc = await replayedRun(ctx.baseline.runner, ctx.data, { ...cfg, params: ctx.baseline.params });
  const days = ((ctx.data.time[end - 1] ?? 0) - (ctx.data.time[holdoutStart] ?? 0)) / DAY_MS;
  return {
    days,
    candidateReturn: cand.summary.totalReturn,
    incumbentReturn: inc.summary.totalReturn,
    difference: cand.summary.totalReturn - inc.summary.totalReturn,
    trades: cand.summary.trades,
  };
}

function trialOf(m: BacktestMetrics): TrialStats | null {
  return m.dailySharpe === null ? null : { sharpe: m.dailySharpe, nObs: m.daily.length, skew: m.dailySkewness ?? 0, kurtosis: m.dailyKurtosis ?? 3 };
}

function canaryDetail(c: Evaluation['gates']['canaries']): string {
  const bad = [!c.buyAndHold.passed && 'buy-and-hold', !c.randomEntries.passed && 'random entries', !c.lookAhead.passed && 'future-peeking'].filter(Boolean);
  return bad.length === 0 ? 'the evaluator is sound on this data' : `evaluator canary failed: ${bad.join(', ')}`;
}

const fmt = (x: number): string => x.toPrecision(3);

export function reasonOf(g: GateResult): string {
  const v = g.value === null ? '' : ` (${fmt(g.value)}${g.threshold === null ? '' : ` vs ${fmt(g.threshold)}`})`;
  return `${g.gate} failed${v}: ${g.detail}`;
}
