/**
 * One backtest, end to end: the strategy decides where it runs (the sandbox child; in-process only
 * for trusted modules), the host replays the returned intents through the same pure engine and
 * that replay is the number that counts (a log it does not reproduce rejects the candidate), then
 * metrics → gates → report → backtests row. DESIGN inv. 1 (one engine), inv. 5 (fail closed).
 */
import type { Bar, BarContext, StrategyModule } from '../contract/index.ts';
import { runEngine, type EngineConfig, type EngineResult, type MarketData } from './engine.ts';
import type { JsonValue } from '../contract/index.ts';
import type { BacktestsRepo } from '../db/backtests.repo.ts';
import { backtestInChild, loadDataset } from '../sandbox/backtest.ts';
import type { StrategyHost } from '../sandbox/host/strategy-host.ts';
import { computeMetrics, deflate, trialsFromLedger, type BacktestMetrics, type MetricsInput, type TrialsContext } from './metrics.ts';
import { compareRuns, replayDecider, type ComparableRun } from './replay.ts';
import { writeReport, type ReportFiles } from './report/index.ts';

/** Where the strategy's decisions are made; returns that engine run's intents log and summary. */
export interface StrategyRunner {
  readonly versionId: string;
  decide(data: MarketData, config: EngineConfig): Promise<ComparableRun>;
}

export type BacktestStage = 'strategy' | 'replay' | 'metrics' | 'gates' | 'report' | 'store';
export const BACKTEST_STAGES: readonly BacktestStage[] = ['strategy', 'replay', 'metrics', 'gates', 'report', 'store'];

export interface BacktestRunDeps {
  readonly runner: StrategyRunner;
  readonly gates?: (run: { data: MarketData; config: EngineConfig; result: EngineResult; metrics: BacktestMetrics }) => Promise<unknown>;
  /** The backtests table and experiment ledger: DSR reads every candidate tried, each run adds itself. */
  readonly backtests?: Pick<BacktestsRepo, 'insert' | 'recordExperiment' | 'experiments'>;
  readonly now: () => number;
  readonly onStage?: (stage: BacktestStage) => void;
}

export interface BacktestRequest {
  readonly data: MarketData;
  readonly config: EngineConfig;
  /** Overrides the ledger's trial count (tests, offline what-ifs). */
  readonly trials?: TrialsContext;
  /** Folder for the report; none is written when absent. */
  readonly reportDir?: string;
  readonly title?: string;
}

export interface BacktestOutcome {
  readonly result: EngineResult;
  readonly metrics: BacktestMetrics;
  readonly gates: unknown;
  readonly report: ReportFiles | null;
  readonly backtestId: number | null;
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

/** The closed candle `ctx` points at, as the `Bar` a strategy's onBar receives. */
export function barOf(ctx: BarContext): Bar {
  const h = ctx.history;
  const i = ctx.index;
  return { time: h.time[i]!, open: h.open[i]!, high: h.high[i]!, low: h.low[i]!, close: h.close[i]!, volume: h.volume[i]! };
}

/** Runs a TRUSTED module in this process (canaries, tests, benches); candidates go through the sandbox. */
export function inProcessRunner(mod: StrategyModule, versionId: string): StrategyRunner {
  return {
    versionId,
    decide: async (data, config) => {
      const states = data.pairs.map((p) => mod.init(p, config.params));
      return runEngine(config, data, (p, _step, ctx) => mod.onBar(states[p], barOf(ctx), ctx));
    },
  };
}

/** The engine result in the shape computeMetrics takes; markets cover the trading window only. */
export function metricsInputOf(result: EngineResult, data: MarketData, config: EngineConfig, trials?: TrialsContext): MetricsInput {
  const start = config.start ?? 0;
  const end = start + result.equity.time.length;
  return {
    startingBalance: config.initialCash,
    equity: result.equity,
    trades: result.trades,
    markets: data.pairs.map((pair, p) => ({ pair, time: data.time.subarray(start, end), close: data.columns[p]!.close.subarray(start, end) })),
    ...(trials ? { trialsContext: trials } : {}),
  };
}

export async function runBacktest(deps: BacktestRunDeps, req: BacktestRequest): Promise<BacktestOutcome> {
  const { data, config } = req;
  if (data.time.length === 0) throw new BacktestRunError('no_data', `no candles for ${data.pairs.join(', ')} in the requested range; import data or widen --from/--to`);
  const stage = deps.onStage ?? (() => {});
  stage('strategy');
  const claimed = await deps.runner.decide(data, config);
  stage('replay');
  const result = runEngine(config, data, replayDecider(claimed.intents));
  const check = compareRuns(claimed, result);
  if (!check.equal) {
    const first = check.mismatches[0]!;
    throw new BacktestRunError(
      'replay_mismatch',
      `version ${deps.runner.versionId}: the host replay disagrees with the strategy run on ${first.field}${first.index === null ? '' : `[${first.index}]`} (${first.a} vs ${first.b}); the candidate is rejected`,
    );
  }
  stage('metrics');
  const metricsInput = metricsInputOf(result, data, config, req.trials);
  const versionId = deps.runner.versionId;
  const raw = computeMetrics(metricsInput);
  const metrics = deps.backtests && !req.trials ? deflate(raw, trialsFromLedger(deps.backtests.experiments(), { versionId, sharpe: raw.dailySharpe })) : raw;
  stage('gates');
  const gates = deps.gates ? await deps.gates({ data, config, result, metrics }) : null;
  stage('report');
  const report = req.reportDir
    ? await writeReport({
        dir: req.reportDir,
        title: req.title ?? `Backtest ${deps.runner.versionId}`,
        subtitle: [`strategy version ${deps.runner.versionId}`, `pairs ${data.pairs.join(', ')}`],
        metrics,
        equity: metricsInput.equity,
        markets: metricsInput.markets,
      })
    : null;
  stage('store');
  const backtestId = deps.backtests ? store(deps.backtests, { versionId, data, config, metrics, gates, report, now: deps.now() }) : null;
  return { result, metrics, gates, report, backtestId };
}

/**
 * The production runner: the strategy runs in its sandbox child. The dataset is sent once per
 * MarketData object and stays in the child, so repeated candidates over the same data skip the copy.
 */
export function sandboxRunner(host: StrategyHost): StrategyRunner {
  let loaded = new WeakMap<MarketData, string>();
  let next = 0;
  let generationAt = host.generation;
  return {
    versionId: host.versionId,
    async decide(data, config) {
      // A restarted child has lost every dataset; `generation` tells.
      if (host.generation !== generationAt) [loaded, generationAt] = [new WeakMap(), host.generation];
      let datasetId = loaded.get(data);
      if (datasetId === undefined) {
        datasetId = `ds${next++}`;
        await loadDataset(host, datasetId, data);
        loaded.set(data, datasetId);
      }
      return backtestInChild(host, { datasetId, params: config.params, engineConfig: config });
    },
  };
}

const json = (x: unknown): JsonValue => JSON.parse(JSON.stringify(x ?? null)) as JsonValue;

interface StoreInput {
  versionId: string;
  data: MarketData;
  config: EngineConfig;
  metrics: BacktestMetrics;
  gates: unknown;
  report: ReportFiles | null;
  now: number;
}

/** The backtests row (version hash + data range) and this candidate's experiment-ledger entry. */
function store(repo: NonNullable<BacktestRunDeps['backtests']>, s: StoreInput): number {
  const m = s.metrics;
  const id = repo.insert({
    strategyVersionId: s.versionId,
    pairs: [...s.data.pairs],
    fromTime: m.from,
    toTime: m.to,
    params: { ...s.config.params },
    metrics: json(m),
    // The validation gates may carry the Monte Carlo percentiles the rollback triggers compare with.
    monteCarlo: json((s.gates as { monteCarlo?: unknown } | null)?.monteCarlo ?? null),
    gates: s.gates === null ? null : json(s.gates),
    reportDir: s.report?.dir ?? null,
    createdAt: s.now,
  });
  if (m.dailySharpe !== null) {
    const passed = typeof s.gates === 'object' && s.gates !== null && (s.gates as { passed?: unknown }).passed === true;
    repo.recordExperiment({ versionId: s.versionId, backtestId: id, createdAt: s.now, sharpe: m.dailySharpe, nObs: m.daily.length, skew: m.dailySkewness!, kurtosis: m.dailyKurtosis!, passed });
  }
  return id;
}
