/**
 * "Evaluate a candidate" as one use case (DESIGN: the CLI, the evolver, the orchestrator and the chat
 * bot all call it): a strategy runner over candles with the configured costs → the backtest that counts
 * (host replay, inv. 1 and 5) → the validation gates over the same runner → report and stored row.
 * `evaluate` is the core; `evaluateStrategy` adds what `brain backtest` needs around it (resolve a file,
 * id or label to a bundle, start its sandbox child, load the candles, choose the costs).
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { alignMarketData } from '../backtest/data.ts';
import { engineConfig, type EngineConfig, type MarketData } from '../backtest/engine.ts';
import { runBacktest, type BacktestOutcome, type BacktestStage, type TrialLedger } from '../backtest/run.ts';
import type { TrialsContext } from '../backtest/metrics.ts';
import type { StrategyRunner } from '../backtest/replay.ts';
import { runCanaries, runGates, type GateReport } from '../backtest/validation/index.ts';
import type { Config } from '../config/index.ts';
import { timeframeMs, type Pair, type ParamSpec, type Params, type StrategyMeta, type Timeframe } from '../contract/index.ts';
import { backtestsRepo, type BacktestsRepo } from '../db/backtests.repo.ts';
import { candlesRepo } from '../db/candles.repo.ts';
import type { Db } from '../db/index.ts';
import { versionsRepo } from '../db/versions.repo.ts';
import { seriesFromCsvDir, seriesFromStore, withinRange, type LoadedSeries, type SeriesRequest } from '../market/dataset.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { sandboxRunner } from '../sandbox/backtest.ts';
import { cachedGateRun } from '../sandbox/gates/cache.ts';
import { formatIssue, Gates } from '../sandbox/gates/index.ts';
import { runnerBundle } from '../sandbox/host/runner-script.ts';
import { StrategyHost } from '../sandbox/host/strategy-host.ts';
import { BrainError } from '../contract/errors.ts';

export const DEFAULT_STRATEGY_FILE = 'strategy/active/strategy.ts';

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

export interface ResolvedStrategy {
  versionId: string;
  bundle: string;
  source: string;
  /** True for a version from the store; false for a file (its id is its bundle hash, stored nowhere). */
  stored: boolean;
}

/**
 * A file goes through the static gates (its id is its bundle hash; their verdict cached by content in
 * `gateCacheDir` when given, see gates/cache.ts); otherwise an id or label from
 * strategy_versions; without a spec the active version, else the active file.
 */
export async function resolveStrategy(spec: string | undefined, db: Db, cwd: string, gateCacheDir?: string): Promise<ResolvedStrategy> {
  const versions = versionsRepo(db);
  if (spec === undefined) {
    const active = versions.active('strategy');
    const version = active && versions.get(active.versionId);
    if (version) return { versionId: version.id, bundle: version.bundle, source: version.source, stored: true };
  }
  const path = spec === undefined ? join(PROJECT_ROOT, DEFAULT_STRATEGY_FILE) : resolve(cwd, spec);
  if (existsSync(path)) {
    // Checked as if it sat in the active slot, exactly as a candidate is; an unchanged file's verdict comes from the cache.
    const input = { kind: 'strategy' as const, source: await readFile(path, 'utf8') };
    const cache = gateCacheDir === undefined ? undefined : { dir: gateCacheDir, repoRoot: PROJECT_ROOT };
    const outcome = await cachedGateRun(cache, input, () => new Gates(PROJECT_ROOT).run(input));
    const { source } = input;
    if (!outcome.ok) throw new EvaluateError('gates_failed', `${path} fails the static gates:\n${outcome.issues.map((i) => `  ${formatIssue(i)}`).join('\n')}`);
    return { versionId: `sha256:${outcome.bundleSha256.slice(0, 16)}`, bundle: outcome.bundle, source, stored: false };
  }
  const version = versions.get(spec!) ?? versions.byLabel('strategy', spec!);
  if (!version)
    throw new EvaluateError('unknown_strategy', `--strategy "${spec}" is neither a file nor a strategy version id or label (see brain strategy list)`);
  return { versionId: version.id, bundle: version.bundle, source: version.source, stored: true };
}

export class EvaluateError extends BrainError<'gates_failed' | 'unknown_strategy'> {
  override readonly name = 'EvaluateError';
  constructor(code: 'gates_failed' | 'unknown_strategy', message: string) {
    super(message, { domain: 'versions', code, retryable: false });
  }
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

export interface StrategyEvaluationRequest {
  /** File, version id or label (see resolveStrategy). */
  strategy: string | undefined;
  cwd: string;
  pairs: Pair[];
  timeframe: Timeframe;
  dir: string | undefined;
  /** Traded candles [from, to); warm-up is loaded before `from`. */
  range: { from: number; to: number };
  quick: boolean;
  /** Write the HTML/PNG report: true for the default folder (reports/backtest-<time>-<version>), or this folder. */
  report: boolean | string;
}

export interface StrategyEvaluationDeps extends Omit<EvaluateDeps, 'backtests' | 'trials'> {
  readonly db: Db;
  readonly config: Config;
  /** The candidate ledger's trials for the resolved strategy (src/evolution/ledger.ts backtestTrials); none: not deflated, not counted. */
  readonly trials?: (strategy: ResolvedStrategy) => TrialLedger;
  /** Told once the strategy child is up and the data loaded (the CLI's progress). */
  readonly onLoaded?: () => void;
  /** Where the static gates' verdicts are cached by content (gates/cache.ts); none: a file is always gated. */
  readonly gateCacheDir?: string;
  /** Where the canaries' reports are cached by content (validation/canary-cache.ts); none: they run every time. */
  readonly canaryCacheDir?: string;
}

/** The report folder asked for, if any (the PNG charts cost more than a --quick run's gates). */
function reportDirFor(req: StrategyEvaluationRequest, versionId: string, now: number): string | undefined {
  if (req.report === false) return undefined;
  if (typeof req.report === 'string') return resolve(req.cwd, req.report);
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').slice(0, 15);
  return resolve(req.cwd, join('reports', `backtest-${stamp}-${versionId.replace(/[^a-zA-Z0-9]/g, '').slice(0, 18)}`));
}

/** `brain backtest`'s use case: resolve, start the child, load the candles, evaluate, store. */
export async function evaluateStrategy(deps: StrategyEvaluationDeps, req: StrategyEvaluationRequest): Promise<Evaluation & { versionId: string }> {
  const { trials, gateCacheDir, canaryCacheDir, ...evaluateDeps } = deps;
  const reading = readAhead({ dir: req.dir, pairs: req.pairs, timeframe: req.timeframe, to: req.range.to });
  // esbuild bundles the child's runner in its own process: begun now, it is done when the gates are.
  runnerBundle().catch(() => undefined);
  const strategy = await resolveStrategy(req.strategy, deps.db, req.cwd, gateCacheDir);
  const host = await StrategyHost.start({ versionId: strategy.versionId, kind: 'strategy', bundle: strategy.bundle });
  try {
    const meta = host.meta as StrategyMeta;
    const from = req.range.from - meta.warmup * timeframeMs(req.timeframe);
    const { data, start } = await loadData(
      {
        pairs: req.pairs,
        timeframe: req.timeframe,
        from,
        to: req.range.to,
        dir: req.dir,
        tradeFrom: req.range.from,
        ...(reading ? { readAhead: reading } : {}),
      },
      deps.db,
    );
    deps.onLoaded?.();
    const reportDir = reportDirFor(req, strategy.versionId, deps.now());
    const out = await evaluate(
      { ...evaluateDeps, backtests: backtestsRepo(deps.db), ...(trials ? { trials: trials(strategy) } : {}) },
      {
        runner: sandboxRunner(host),
        data,
        config: engineConfigFor(deps.config, data.pairs, meta, start),
        specs: meta.params,
        quick: req.quick,
        ...(reportDir ? { reportDir } : {}),
        title: `Backtest ${meta.name} ${meta.version}`,
        ...(canaryCacheDir ? { canaryCacheDir } : {}),
      },
    );
    return { ...out, versionId: strategy.versionId };
  } finally {
    await host.close();
  }
}
