/**
 * Host-side replay of a strategy run, the only one in the project (the sandbox uses it too). The
 * runner (the sandbox child, or a trusted in-process module) returns its intents log; the host
 * answers the engine's `decide` calls from that log and re-runs the SAME engine: that run is the
 * one that counts, and a candidate whose own claim disagrees with it is rejected.
 */
import type { DecisionInput } from '../contract/index.ts';
import { startEngine, type EngineStepper } from './engine.ts';
import { IntentsLogBuilder } from './engine-log.ts';
import { validateRun } from './engine-support.ts';
import {
  INTENT_ACTIONS_BY_CODE,
  type DecideFn,
  type EngineConfig,
  type EngineResult,
  type EngineSummary,
  type IntentsLog,
  type MarketData,
} from './engine-types.ts';
import { BrainError } from '../contract/errors.ts';

const HOLD: DecisionInput = Object.freeze({ action: 'hold' });

function present(x: number | undefined): x is number {
  return x !== undefined && Number.isFinite(x);
}

function decisionAt(log: IntentsLog, i: number): DecisionInput {
  const d: { -readonly [K in keyof DecisionInput]: DecisionInput[K] } = {
    action: INTENT_ACTIONS_BY_CODE[log.action[i]!] ?? 'hold',
    sizeFraction: log.sizeFraction[i]!,
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
export function replayDecider(log: IntentsLog): DecideFn {
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
  readonly intents: IntentsLog;
  readonly summary: Pick<EngineSummary, 'finalEquity' | 'trades' | 'fees' | 'fills'>;
}

const LOG_FIELDS = ['step', 'pairIndex', 'action', 'sizeFraction', 'stopLoss', 'takeProfit', 'outcome'] as const;
const SUMMARY_FIELDS = ['finalEquity', 'trades', 'fees', 'fills'] as const;
const MAX_MISMATCHES = 20;

function same(x: number | undefined, y: number | undefined): boolean {
  // Equal values are the same whatever they are (two missing, two infinities, two finite): the usual case, decided at once.
  if (x === y) return true;
  const a = present(x) ? x : null;
  const b = present(y) ? y : null;
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Differences between two intents logs, entry by entry (capped at 20). */
export function compareIntents(a: IntentsLog, b: IntentsLog): RunMismatch[] {
  const out: RunMismatch[] = [];
  if (a.length !== b.length) out.push({ field: 'intents.length', index: null, a: a.length, b: b.length });
  const n = Math.min(a.length, b.length);
  // Where the logs first differ, found a column at a time (the usual answer: nowhere); only from
  // there are the entries compared field by field, in the order the mismatches are listed in.
  let first = n;
  for (const f of LOG_FIELDS) {
    const x = a[f];
    const y = b[f];
    for (let i = 0; i < first; i++) {
      if (!same(x[i], y[i])) {
        first = i;
        break;
      }
    }
  }
  for (let i = first; i < n && out.length < MAX_MISMATCHES; i++) {
    for (const f of LOG_FIELDS) {
      const x = a[f][i];
      const y = b[f][i];
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

/** Called with each chunk of a claim as the runner makes it: the intents at steps < throughStep not sent before. */
export type ClaimChunkFn = (throughStep: number, rows: IntentsLog) => void;

/**
 * Where the strategy's decisions are made; returns that engine run's intents log and summary (a
 * claim). A runner may stream the log as it goes through `onChunk` (the sandbox child does), so the
 * host replays it alongside on the other core; a runner that does not returns the whole log at the end.
 * A runner that computes in another process calls `onStarted` once the run is under way there (the
 * request sent), leaving this thread free until the claim arrives; an in-process runner never does.
 */
export interface StrategyRunner {
  readonly versionId: string;
  decide(data: MarketData, config: EngineConfig, onChunk?: ClaimChunkFn, onStarted?: () => void): Promise<ComparableRun>;
}

export class BacktestRunError extends BrainError<'replay_mismatch' | 'no_data'> {
  override readonly name = 'BacktestRunError';
  constructor(code: 'replay_mismatch' | 'no_data', message: string) {
    super(message, { domain: 'backtest', code, retryable: false });
  }
}

/**
 * The host engine replaying a claim as it arrives: each chunk's steps run as soon as the chunk is
 * in, so at the end only the last chunk is left to replay. Chunks must come in step order, each
 * covering [previous throughStep, its throughStep).
 */
export class StreamedReplay {
  /** The claimed log as received: the one the replay answers from and the comparison reads. */
  readonly claimed = new IntentsLogBuilder();
  private engine: EngineStepper | null = null;
  private through = 0;
  private released = false;

  constructor(
    private readonly versionId: string,
    private readonly config: EngineConfig,
    private readonly data: MarketData,
  ) {
    // A bad config or dataset is refused here, before the runner is asked for anything.
    validateRun(config, data);
  }

  /**
   * The host engine, started on first use or by prepare(): its preparation (~20 ms for a 9-pair year)
   * then runs while the runner computes in its child, not before the dataset is sent to it.
   */
  private get run(): EngineStepper {
    this.engine ??= startEngine(this.config, this.data, replayDecider(this.claimed));
    return this.engine;
  }

  /** Starts the engine now (the runner's run is under way elsewhere), so the first chunk finds it ready. */
  prepare(): void {
    if (!this.released) void this.run;
  }

  feed(throughStep: number, rows: IntentsLog): void {
    if (!(Number.isInteger(throughStep) && throughStep >= this.through && throughStep <= this.run.end)) {
      throw this.refused(`a chunk reaches step ${throughStep} after step ${this.through} (run end ${this.run.end})`);
    }
    for (let i = 0; i < rows.length; i++) {
      const step = rows.step[i]!;
      const n = this.claimed.length;
      const after = n === 0 || step > this.claimed.step[n - 1]! || (step === this.claimed.step[n - 1]! && rows.pairIndex[i]! > this.claimed.pairIndex[n - 1]!);
      if (step < this.through || step >= throughStep || !after) {
        throw this.refused(`intent ${n} (step ${step}, pair ${rows.pairIndex[i]}) is out of order or outside its chunk [${this.through}, ${throughStep})`);
      }
      this.claimed.appendRow(rows, i);
    }
    this.through = throughStep;
    this.run.advance(throughStep);
  }

  /** The replayed run after the last chunk, checked against the claim's summary. */
  finish(summary: ComparableRun['summary']): EngineResult {
    this.run.advance(this.run.end);
    const result = this.run.finish();
    const check = compareRuns({ intents: this.claimed, summary }, result);
    if (!check.equal) {
      const first = check.mismatches[0]!;
      throw this.refused(
        `the host replay disagrees with the strategy run on ${first.field}${first.index === null ? '' : `[${first.index}]`} (${first.a} vs ${first.b})`,
      );
    }
    return result;
  }

  /** One past the run's last step: a chunk through here completes the claim. */
  get end(): number {
    return this.run.end;
  }

  release(): void {
    this.released = true;
    this.engine?.release();
  }

  private refused(why: string): BacktestRunError {
    return new BacktestRunError('replay_mismatch', `version ${this.versionId}: ${why}; the candidate is rejected`);
  }
}

/**
 * One run that counts: the runner's claim, replayed through the host engine (alongside, when the
 * runner streams it) and compared. Every backtest and every validation-gate run goes through here.
 * When the runner says its run is under way in another process (onStarted), the replay's engine is
 * prepared and then `whileRunning` called, on the event loop's next turn: the caller's own work (the
 * canaries) fits in the wait.
 */
export async function replayedRun(runner: StrategyRunner, data: MarketData, config: EngineConfig, whileRunning?: () => void): Promise<EngineResult> {
  const replay = new StreamedReplay(runner.versionId, config, data);
  try {
    let streamed = false;
    let started = false;
    const claim = await runner.decide(
      data,
      config,
      (through, rows) => {
        streamed = true;
        replay.feed(through, rows);
      },
      // Once (a runner that retries says so again), and deferred: the runner finishes sending before
      // this thread's own work (the replay's preparation, then the caller's) takes it.
      () => {
        if (!started)
          setImmediate(() => {
            replay.prepare();
            whileRunning?.();
          });
        started = true;
      },
    );
    if (!streamed) replay.feed(replay.end, claim.intents);
    return replay.finish(claim.summary);
  } finally {
    replay.release();
  }
}
