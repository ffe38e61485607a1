/**
 * One backtest, end to end: the strategy decides where it runs (the sandbox child; in-process only
 * for trusted modules), the host replays the returned intents through the same pure engine and
 * that replay is the number that counts (a log it does not reproduce rejects the candidate), then
 * metrics → gates → report → backtests row. DESIGN inv. 1 (one engine), inv. 5 (fail closed).
 */
import type { JsonValue } from '../contract/index.ts';
import type { BacktestsRepo } from '../db/backtests.repo.ts';
import type { TrialStats } from '../db/ledger.repo.ts';
import type { EngineConfig, EngineResult, MarketData } from './engine.ts';
import { backtestLimits } from './engine-config.ts';
import { computeMetrics, deflate, trialsFromLedger, type BacktestMetrics, type MetricsInput, type TrialsContext } from './metrics.ts';
import { BacktestRunError, replayedRun, type StrategyRunner } from './replay.ts';
import { loadDistributions } from './stats/sharpe.ts';
import type { ReportFiles } from './report/index.ts';
import type { GateReport } from './validation/suite.ts';

export { BacktestRunError, type StrategyRunner } from './replay.ts';

/** 'run' = the strategy's run plus the host replay that counts (replayedRun). */
export type BacktestStage = 'run' | 'metrics' | 'gates' | 'report' | 'store';
export const BACKTEST_STAGES: readonly BacktestStage[] = ['run', 'metrics', 'gates', 'report', 'store'];

export interface BacktestRunDeps {
  readonly runner: StrategyRunner;
  /** The validation gates (validation/suite.ts runGates over the same runner); stored in the row and shown in the report. */
  readonly gates?: (run: { data: MarketData; config: EngineConfig; result: EngineResult; metrics: BacktestMetrics }) => Promise<GateReport>;
  /**
   * Work that needs the data and costs but not the run's result (the canaries, which the gates then
   * find done): started while a streaming runner computes in its child (replayedRun's whileRunning).
   */
  readonly whileRunning?: (run: { data: MarketData; config: EngineConfig }) => void;
  /** The backtests table: each run's row. */
  readonly backtests?: Pick<BacktestsRepo, 'insert'>;
  /** The trials every deflated Sharpe ratio counts (the candidate ledger): read for N and V, and this run added as one more. */
  readonly trials?: TrialLedger;
  readonly now: () => number;
  readonly onStage?: (stage: BacktestStage) => void;
}

/** The one trial count (src/db/ledger.repo.ts): every candidate screened, gated or backtested, one per content hash. */
export interface TrialLedger {
  /** This run's identity among the trials: its content hash. */
  readonly id: string;
  list(): ReadonlyArray<{ contentHash: string; sharpe: number }>;
  record(run: { backtestId: number | null; trial: TrialStats; failedGate: string | null; params: Record<string, number>; createdAt: number }): void;
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
  readonly gates: GateReport | null;
  readonly report: ReportFiles | null;
  readonly backtestId: number | null;
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
  const { data } = req;
  // No operator in a backtest: a halted breaker must resume by itself (backtestLimits).
  const config = { ...req.config, limits: backtestLimits(req.config.limits) };
  if (data.time.length === 0)
    throw new BacktestRunError('no_data', `no candles for ${data.pairs.join(', ')} in the requested range; import data or widen --from/--to`);
  const stage = deps.onStage ?? (() => {});
  stage('run');
  const result = await replayedRun(deps.runner, data, config, () => {
    // The metrics' normal distribution loads in the wait too, not at the start of the command.
    loadDistributions();
    deps.whileRunning?.({ data, config });
  });
  stage('metrics');
  const metricsInput = metricsInputOf(result, data, config, req.trials);
  const versionId = deps.runner.versionId;
  const raw = computeMetrics(metricsInput);
  const ledger = deps.trials;
  const metrics =
    ledger && !req.trials
      ? deflate(
          raw,
          trialsFromLedger(
            ledger.list().map((t) => ({ versionId: t.contentHash, sharpe: t.sharpe })),
            { versionId: ledger.id, sharpe: raw.dailySharpe },
          ),
        )
      : raw;
  stage('gates');
  const gates = deps.gates ? await deps.gates({ data, config, result, metrics }) : null;
  stage('report');
  // The report's modules (vega, resvg, the HTML) are loaded only by a run that writes one.
  const report = req.reportDir
    ? await (await import('./report/index.ts')).writeReport({
        dir: req.reportDir,
        title: req.title ?? `Backtest ${deps.runner.versionId}`,
        subtitle: [`strategy version ${deps.runner.versionId}`, `pairs ${data.pairs.join(', ')}`],
        metrics,
        equity: metricsInput.equity,
        markets: metricsInput.markets,
        trades: result.trades,
        gates,
        stepTimes: data.time,
      })
    : null;
  stage('store');
  const backtestId = deps.backtests ? store(deps.backtests, { versionId, data, config, metrics, gates, report, now: deps.now() }) : null;
  if (ledger && metrics.dailySharpe !== null) {
    const trial = { sharpe: metrics.dailySharpe, nObs: metrics.daily.length, skew: metrics.dailySkewness ?? 0, kurtosis: metrics.dailyKurtosis ?? 3 };
    ledger.record({ backtestId, trial, failedGate: gates ? firstFailedGate(gates) : null, params: { ...config.params }, createdAt: deps.now() });
  }
  return { result, metrics, gates, report, backtestId };
}

const json = (x: unknown): JsonValue => JSON.parse(JSON.stringify(x ?? null)) as JsonValue;

interface StoreInput {
  versionId: string;
  data: MarketData;
  config: EngineConfig;
  metrics: BacktestMetrics;
  gates: GateReport | null;
  report: ReportFiles | null;
  now: number;
}

/** The validation gate that failed first, or null when the report passed. */
function firstFailedGate(g: GateReport): string | null {
  if (!g.canaries.passed) return 'canaries';
  if (g.lookAhead && !g.lookAhead.passed) return 'lookAhead';
  return g.passed ? null : 'gates';
}

/** The backtests row (version hash + data range). */
function store(repo: NonNullable<BacktestRunDeps['backtests']>, s: StoreInput): number {
  const m = s.metrics;
  return repo.insert({
    strategyVersionId: s.versionId,
    pairs: [...s.data.pairs],
    fromTime: m.from,
    toTime: m.to,
    params: { ...s.config.params },
    metrics: json(m),
    // The validation gates may carry the Monte Carlo percentiles the rollback triggers compare with.
    monteCarlo: json(s.gates?.monteCarlo ?? null),
    gates: s.gates === null ? null : json(s.gates),
    reportDir: s.report?.dir ?? null,
    createdAt: s.now,
  });
}
