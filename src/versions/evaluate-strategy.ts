/**
 * `brain backtest`'s use case around `evaluate`: resolve the strategy (resolve.ts), start its sandbox
 * child, read the candles meanwhile, evaluate with the configured costs, store.
 */
import { join, resolve } from 'node:path';
import { timeframeMs, type Pair, type StrategyMeta, type Timeframe } from '../contract/index.ts';
import { backtestsRepo } from '../db/backtests.repo.ts';
import type { Db } from '../db/index.ts';
import { sandboxRunner } from '../sandbox/backtest.ts';
import { runnerBundle } from '../sandbox/host/runner-script.ts';
import { StrategyHost } from '../sandbox/host/strategy-host.ts';
import type { TrialLedger } from '../backtest/run.ts';
import type { Config } from '../config/index.ts';
import { engineConfigFor, evaluate, loadData, readAhead, type Evaluation, type EvaluateDeps } from './evaluate.ts';
import { resolveStrategy, type ResolvedStrategy } from './resolve.ts';

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
