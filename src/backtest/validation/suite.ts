/**
 * The validation gates of one backtest, run over the SAME runner as the backtest (the sandbox child
 * for a candidate), each run replayed by the host engine (replayedRun). Result goes into the
 * backtests row's `gates` JSON; `passed` is what the experiment ledger and `brain backtest` use.
 * - always: the evaluator canaries (is the judge sound on this data?) and the Monte Carlo
 *   percentiles the rollback triggers compare live results with;
 * - unless `quick`: the look-ahead check, walk-forward and parameter jitter, which re-run the strategy.
 * `passed` = canaries and look-ahead; walk-forward degradation and the jitter spread are
 * measurements for the orchestrator to weigh, with no threshold here.
 */
import type { ParamSpec } from '../../contract/index.ts';
import type { EngineConfig, EngineResult, MarketData } from '../engine-types.ts';
import type { StrategyRunner } from '../replay.ts';
import type { CanaryCacheSetup } from './canary-cache.ts';
import { runCanaries, type CanaryReport } from './canary-report.ts';
import { parameterJitter, type JitterResult } from './jitter.ts';
import { lookAheadCheck, type LookAheadResult } from './look-ahead.ts';
import { monteCarlo, type MonteCarloResult } from './monte-carlo.ts';
import { walkForward, type WalkForwardResult } from './walk-forward.ts';

export interface GateOptions {
  /** Skip the gates that re-run the strategy (look-ahead, walk-forward, jitter). */
  readonly quick?: boolean;
  /** Declared parameters (StrategyMeta.params) for the jitter. */
  readonly specs?: Readonly<Record<string, ParamSpec>>;
  readonly lookAheadCuts?: number;
  /** Out-of-sample parts the trading window is tiled into (in-sample = 3 parts before each). */
  readonly walkForwardWindows?: number;
  readonly onGate?: (gate: string) => void;
  /** Where the canaries' reports are kept by content (canary-cache.ts); none: computed in every process. */
  readonly canaryCache?: CanaryCacheSetup;
}

export interface GateReport {
  readonly passed: boolean;
  readonly canaries: CanaryReport;
  readonly monteCarlo: MonteCarloResult;
  readonly lookAhead: LookAheadResult | null;
  readonly walkForward: WalkForwardResult | null;
  readonly jitter: JitterResult | null;
}

const IN_SAMPLE_PARTS = 3;

export interface GateRun {
  readonly data: MarketData;
  readonly config: EngineConfig;
  readonly result: EngineResult;
}

export async function runGates(runner: StrategyRunner, run: GateRun, opts: GateOptions = {}): Promise<GateReport> {
  const { data, config, result } = run;
  const gate = opts.onGate ?? (() => {});
  gate('canaries');
  const canaries = await runCanaries(data, config, opts.canaryCache ? { cache: opts.canaryCache } : {});
  const mc = monteCarlo(
    result.trades.map((t) => t.pnl),
    config.initialCash,
  );
  if (opts.quick) return { passed: canaries.passed, canaries, monteCarlo: mc, lookAhead: null, walkForward: null, jitter: null };
  gate('look-ahead');
  // The backtest being judged is the full run of the look-ahead check and the jitter's base: not run again.
  const lookAhead = await lookAheadCheck(data, config, runner, { cuts: opts.lookAheadCuts ?? 5, full: result.intents });
  gate('walk-forward');
  const steps = (config.end ?? data.time.length) - (config.start ?? 0);
  const windows = opts.walkForwardWindows ?? 4;
  const part = Math.floor(steps / (IN_SAMPLE_PARTS + windows));
  const wf = part > 0 ? await walkForward(data, config, runner, { inSample: IN_SAMPLE_PARTS * part, outOfSample: part }) : null;
  gate('jitter');
  const specs = opts.specs ?? {};
  const jitter = Object.keys(specs).length > 0 ? await parameterJitter(data, config, runner, specs, 0.1, result.summary.totalReturn) : null;
  return { passed: canaries.passed && lookAhead.passed, canaries, monteCarlo: mc, lookAhead, walkForward: wf, jitter };
}
