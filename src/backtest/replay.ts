/**
 * Host-side replay of a strategy run, the only one in the project (the sandbox uses it too). The
 * runner (the sandbox child, or a trusted in-process module) returns its intents log; the host
 * answers the engine's `decide` calls from that log and re-runs the SAME engine: that run is the
 * one that counts, and a candidate whose own claim disagrees with it is rejected.
 */
import type { DecisionInput } from '../contract/index.ts';
import { runEngine } from './engine.ts';
import { INTENT_ACTIONS_BY_CODE, type DecideFn, type EngineConfig, type EngineResult, type EngineSummary, type MarketData } from './engine-types.ts';

/** An intents log as it may arrive over JSON: plain arrays, null where the engine had NaN. */
export interface IntentsLogLike {
  readonly length: number;
  readonly step: ArrayLike<number>;
  readonly pairIndex: ArrayLike<number>;
  readonly action: ArrayLike<number>;
  readonly sizeFraction: ArrayLike<number | null>;
  readonly stopLoss: ArrayLike<number | null>;
  readonly takeProfit: ArrayLike<number | null>;
  readonly outcome?: ArrayLike<number>;
}

const HOLD: DecisionInput = Object.freeze({ action: 'hold' });

function present(x: number | null | undefined): x is number {
  return x !== null && x !== undefined && Number.isFinite(x);
}

function decisionAt(log: IntentsLogLike, i: number): DecisionInput {
  const d: { -readonly [K in keyof DecisionInput]: DecisionInput[K] } = {
    action: INTENT_ACTIONS_BY_CODE[log.action[i]!] ?? 'hold',
    sizeFraction: log.sizeFraction[i] ?? 0,
  };
  const sl = log.stopLoss[i];
  const tp = log.takeProfit[i];
  if (present(sl)) d.stopLoss = sl;
  if (present(tp)) d.takeProfit = tp;
  return d;
}

/**
 * A DecideFn that answers from the log and holds everywhere else. The engine calls in (step, pair)
 * order and the log is in that order, so one cursor suffices. Use a fresh one per run.
 */
export function replayDecider(log: IntentsLogLike): DecideFn {
  let i = 0;
  const decide = (p: number, s: number): DecisionInput => {
    while (i < log.length && (log.step[i]! < s || (log.step[i] === s && log.pairIndex[i]! < p))) i++;
    if (i < log.length && log.step[i] === s && log.pairIndex[i] === p) return decisionAt(log, i++);
    return HOLD;
  };
  const nextStep = (s: number): number => {
    let j = i;
    while (j < log.length && log.step[j]! < s) j++;
    return j < log.length ? log.step[j]! : Infinity;
  };
  return Object.assign(decide, { readsBar: false, nextStep });
}

export interface RunMismatch {
  readonly field: string;
  readonly index: number | null;
  readonly a: number | null;
  readonly b: number | null;
}

export interface RunComparison {
  readonly equal: boolean;
  readonly mismatches: readonly RunMismatch[];
}

export interface ComparableRun {
  readonly intents: IntentsLogLike;
  readonly summary: Pick<EngineSummary, 'finalEquity' | 'trades' | 'fees' | 'fills'>;
}

const LOG_FIELDS = ['step', 'pairIndex', 'action', 'sizeFraction', 'stopLoss', 'takeProfit', 'outcome'] as const;
const SUMMARY_FIELDS = ['finalEquity', 'trades', 'fees', 'fills'] as const;
const MAX_MISMATCHES = 20;

function same(x: number | null | undefined, y: number | null | undefined): boolean {
  const a = present(x) ? x : null;
  const b = present(y) ? y : null;
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Differences between two intents logs, entry by entry (capped at 20). */
export function compareIntents(a: IntentsLogLike, b: IntentsLogLike): RunMismatch[] {
  const out: RunMismatch[] = [];
  if (a.length !== b.length) out.push({ field: 'intents.length', index: null, a: a.length, b: b.length });
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n && out.length < MAX_MISMATCHES; i++) {
    for (const f of LOG_FIELDS) {
      const x = a[f]?.[i];
      const y = b[f]?.[i];
      if (!same(x, y)) out.push({ field: `intents.${f}`, index: i, a: x ?? null, b: y ?? null });
    }
  }
  return out.slice(0, MAX_MISMATCHES);
}

/** Differences between two runs (e.g. the child's claim and the host replay), capped at 20 entries. */
export function compareRuns(a: ComparableRun, b: ComparableRun): RunComparison {
  const out = compareIntents(a.intents, b.intents);
  for (const f of SUMMARY_FIELDS) {
    if (!same(a.summary[f], b.summary[f])) out.push({ field: `summary.${f}`, index: null, a: a.summary[f], b: b.summary[f] });
  }
  return { equal: out.length === 0, mismatches: out.slice(0, MAX_MISMATCHES) };
}

/** Where the strategy's decisions are made; returns that engine run's intents log and summary (a claim). */
export interface StrategyRunner {
  readonly versionId: string;
  decide(data: MarketData, config: EngineConfig): Promise<ComparableRun>;
}

export class BacktestRunError extends Error {
  override readonly name = 'BacktestRunError';
  readonly retryable = false;
  constructor(
    readonly code: 'replay_mismatch' | 'no_data',
    message: string,
  ) {
    super(message);
  }
}

/**
 * One run that counts: the runner's claimed run, replayed through the host engine and compared.
 * Every backtest and every validation-gate run goes through here.
 */
export async function replayedRun(runner: StrategyRunner, data: MarketData, config: EngineConfig): Promise<EngineResult> {
  const claimed = await runner.decide(data, config);
  const result = runEngine(config, data, replayDecider(claimed.intents));
  const check = compareRuns(claimed, result);
  if (!check.equal) {
    const first = check.mismatches[0]!;
    throw new BacktestRunError(
      'replay_mismatch',
      `version ${runner.versionId}: the host replay disagrees with the strategy run on ${first.field}${first.index === null ? '' : `[${first.index}]`} (${first.a} vs ${first.b}); the candidate is rejected`,
    );
  }
  return result;
}
