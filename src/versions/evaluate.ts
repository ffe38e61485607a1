/**
 * "Evaluate a candidate" as one use case (DESIGN: the CLI, the evolver, the orchestrator and the chat
 * bot all call it): a strategy runner over candles with the configured costs → the backtest that counts
 * (host replay, inv. 1 and 5) → the validation gates over the same runner → report and stored row.
 * `evaluate` is the core, with the candles (loadData) and costs (engineConfigFor) it runs on;
 * evaluate-strategy.ts adds what `brain backtest` needs around it (resolve.ts: a file, id or label to
 * a bundle; its sandbox child).
 */
import { alignMarketData } from '../backtest/data.ts';
import type { EngineConfig, MarketData } from '../backtest/engine.ts';
import { engineConfig } from '../backtest/engine-config.ts';
import { runBacktest, type BacktestOutcome, type BacktestStage, type TrialLedger } from '../backtest/run.ts';
import type { TrialsContext } from '../backtest/metrics.ts';
import type { StrategyRunner } from '../backtest/replay.ts';
import { runCanaries, runGates, type GateReport } from '../backtest/validation/index.ts';
import type { Config } from '../config/index.ts';
import type { Pair, ParamSpec, Params, StrategyMeta } from '../contract/index.ts';
import type { BacktestsRepo } from '../db/backtests.repo.ts';
import { candlesRepo } from '../db/candles.repo.ts';
import type { Db } from '../db/index.ts';
import { seriesFromCsvDir, seriesFromStore, withinRange, type LoadedSeries, type SeriesRequest } from '../market/dataset.ts';

export interface EvaluateDeps {
  /** The backtests table; nothing is stored without it. */
  readonly backtests?: Pick<BacktestsRepo, 'insert'>;
  /** The trial count the deflated Sharpe ratio reads and this run joins (the candidate ledger). */
  readonly trials?: TrialLedger;
  readonly now: () => number;
  readonly onStage?: (stage: BacktestStage) => void;
  readonly onGate?: (gate: string) => void;
}

export interface EvaluateRequest {
  readonly runner: StrategyRunner;
  readonly data: MarketData;
  readonly config: EngineConfig;
  /** The strategy's declared parameters (the jitter nudges each). */
  readonly specs: Readonly<Record<string, ParamSpec>>;
  /** Skip the gates that re-run the strategy (look-ahead, walk-forward, jitter). */
  readonly quick?: boolean;
  /** Out-of-sample parts of the walk-forward (default 4). */
  readonly walkForwardWindows?: number;
  readonly trials?: TrialsContext;
  readonly reportDir?: string;
  readonly title?: string;
  /** Where the canaries' reports are kept by content (backtest/validation/canary-cache.ts); none: computed in every process. */
  readonly canaryCacheDir?: string;
}

export interface Evaluation extends BacktestOutcome {
  readonly gates: GateReport;
}

/** One candidate through the backtest and the validation gates, on the runner it was given. */
export async function evaluate(deps: EvaluateDeps, req: EvaluateRequest): Promise<Evaluation> {
  const gateOptions = {
    quick: req.quick === true,
    specs: req.specs,
    ...(req.walkForwardWindows ? { walkForwardWindows: req.walkForwardWindows } : {}),
    ...(deps.onGate ? { onGate: deps.onGate } : {}),
    ...(req.canaryCacheDir ? { canaryCache: { dir: req.canaryCacheDir } } : {}),
  };
  const out = await runBacktest(
    {
      runner: req.runner,
      gates: (run) => runGates(req.runner, run, gateOptions),
      // The canaries judge the evaluator on these candles and costs, not the candidate: they run on
      // this thread while the child computes, and runGates finds their report memoised (runCanaries).
      whileRunning: ({ data, config }) => void runCanaries(data, config, gateOptions.canaryCache ? { cache: gateOptions.canaryCache } : {}),
      now: deps.now,
      ...(deps.backtests ? { backtests: deps.backtests } : {}),
      ...(deps.trials ? { trials: deps.trials } : {}),
      ...(deps.onStage ? { onStage: deps.onStage } : {}),
    },
    {
      data: req.data,
      config: req.config,
      ...(req.trials ? { trials: req.trials } : {}),
      ...(req.reportDir ? { reportDir: req.reportDir } : {}),
      ...(req.title ? { title: req.title } : {}),
    },
  );
  return { ...out, gates: out.gates as GateReport };
}

export interface DataRequest extends SeriesRequest {
  /** A folder of `<BASE>-<QUOTE>_<tf>.csv` files; the candle store when absent. */
  dir: string | undefined;
  /** The folder's files already being read, from any time (readAhead); cut to [from, to) here. */
  readAhead?: Promise<LoadedSeries[]>;
  /** Candles before `tradeFrom` are strategy warm-up only. */
  tradeFrom: number;
}

/**
 * Starts reading and parsing a CSV folder up to `to` before the warm-up (the strategy's meta) is known:
 * `brain backtest` reads while the strategy is gated and its child starts, which mostly wait on other
 * processes (esbuild, Deno). A failure surfaces where loadData awaits it.
 */
export function readAhead(req: Omit<SeriesRequest, 'from'> & { dir: string | undefined }): Promise<LoadedSeries[]> | undefined {
  if (req.dir === undefined) return undefined;
  const reading = seriesFromCsvDir(req.dir, { ...req, from: Number.NEGATIVE_INFINITY });
  reading.catch(() => undefined);
  return reading;
}

/** Candles of the pairs on one grid, and the first step traded. */
export async function loadData(req: DataRequest, db: Db): Promise<{ data: MarketData; start: number }> {
  const series = req.readAhead
    ? (await req.readAhead).map((s) => ({ pair: s.pair, columns: withinRange(s.columns, req.from, req.to) }))
    : req.dir
      ? await seriesFromCsvDir(req.dir, req)
      : seriesFromStore(candlesRepo(db), req);
  const data = alignMarketData(series);
  const start = data.time.findIndex((t) => t >= req.tradeFrom);
  return { data, start: Math.max(0, start) };
}

/** The strategy's declared defaults: what a version trades with (backtest and live alike). */
export function defaultParams(meta: Pick<StrategyMeta, 'params'>): Params {
  return Object.fromEntries(Object.entries(meta.params).map(([k, spec]) => [k, spec.default]));
}

/** The configured costs and limits; engineConfig gives the breaker auto-resume (no operator in a backtest). */
export function engineConfigFor(config: Config, pairs: readonly Pair[], meta: Pick<StrategyMeta, 'params'>, start: number): EngineConfig {
  return engineConfig(pairs, {
    initialCash: config.paper.startingBalanceUsd,
    slippage: config.trading.slippageFraction,
    limits: config.risk,
    params: defaultParams(meta),
    fees: pairs.map(() => config.trading.fallbackFees),
    start,
  });
}
