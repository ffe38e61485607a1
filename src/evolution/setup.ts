/**
 * What a candidate is judged on, built the same way for `brain evolve`, a submission from the CLI and
 * the daemon: the version store (seeded), the incumbent (the active strategy) warm in its sandbox child,
 * the candles (a CSV folder, or the candle store's last `policy.dataDays`), the configured costs, the
 * evaluation windows and the incumbent's baseline run. Also the one place a stored version is started
 * for judging and the evolver's worker pool is made.
 */
import type { Logger } from 'pino';
import type { MarketData } from '../backtest/engine.ts';
import { sandboxRunner } from '../sandbox/backtest.ts';
import { StrategyHost } from '../sandbox/host/strategy-host.ts';
import type { Clock } from '../clock/clock.ts';
import { DAY_MS } from '../clock/time.ts';
import type { Config } from '../config/index.ts';
import { timeframeMs, type Pair, type StrategyMeta } from '../contract/index.ts';
import { createRepositories, type Db } from '../db/index.ts';
import type { VersionRecord } from '../db/versions.repo.ts';
import { defaultParams, engineConfigFor, loadData } from '../versions/evaluate.ts';
import { openVersionStore, seedInitialVersions } from '../versions/seed.ts';
import type { VersionStore } from '../versions/store.ts';
import { Gates } from '../sandbox/gates/index.ts';
import { evolverWorker, runEvolver, type EvolverBudget, type EvolverJob, type EvolverJobResult, type EvolverReport } from './evolver.ts';
import { inProcessPool } from './jobs.ts';
import { redisLinkOf } from '../redis/connect.ts';
import type { PaperTestCommand } from './paper-tests.ts';
import { baselineOf, type PolicyContext } from './policy.ts';
import { checkStatistics } from './statistics-check.ts';
import type { SubmitDeps, VersionRunner } from './submit.ts';
import { evaluationWindows } from './windows.ts';
import { BrainError } from '../contract/errors.ts';

export interface CandleSource {
  /** A folder of `<BASE>-<QUOTE>_<tf>.csv`; the candle store when absent. */
  dir?: string;
  pairs: readonly Pair[];
  /** Default: the last policy.dataDays up to now. */
  from?: number;
  to?: number;
}

export interface EvolutionSetupDeps {
  db: Db;
  config: Config;
  clock: Clock;
  repoRoot: string;
  filesRoot: string;
  candles: CandleSource;
  log?: Logger;
  notify?: (command: PaperTestCommand) => void;
  checkStatistics?: SubmitDeps['checkStatistics'];
  /** Where candidates are gated; default in this process (the daemon passes its gate process). */
  gates?: Gates;
}

/** What the daemon, `brain orchestrate` and the console judge candidates with (PipelineWiring → setup deps). */
export interface PipelineWiring {
  db: Db;
  /** The database file: a statistics candidate's queries run on their own read-only connection to it. */
  dbPath: string;
  config: Config;
  clock: Clock;
  repoRoot: string;
  filesRoot: string;
  log: Logger;
  /** Default: the candle store's last policy.dataDays of config.pairs. */
  candles?: CandleSource;
  notify?: (command: PaperTestCommand) => void;
  /** Where candidates are gated; default in this process (the daemon passes its gate process). */
  gates?: Gates;
}

/** The pipeline's setup with the statistics checks (src/evolution/statistics-check.ts) injected: one Gates, warmed once. */
export function pipelineSetup(w: PipelineWiring): EvolutionSetupDeps {
  let gates: Gates | null = w.gates ?? null;
  return {
    db: w.db,
    config: w.config,
    clock: w.clock,
    repoRoot: w.repoRoot,
    filesRoot: w.filesRoot,
    candles: w.candles ?? { pairs: w.config.pairs },
    log: w.log.child({ component: 'pipeline' }),
    ...(w.notify ? { notify: w.notify } : {}),
    ...(w.gates ? { gates: w.gates } : {}),
    checkStatistics: (versionId, source) => checkStatistics({ dbPath: w.dbPath, gates: (gates ??= new Gates(w.repoRoot)), log: w.log }, versionId, source),
  };
}

/** A stored strategy version started in its own sandbox child, for judging. */
export async function startVersionRunner(
  version: Pick<VersionRecord, 'id' | 'bundle'>,
  log?: Logger,
): Promise<VersionRunner & { meta: StrategyMeta; childPid: () => number | undefined }> {
  const host = await StrategyHost.start({ versionId: version.id, kind: 'strategy', bundle: version.bundle, ...(log ? { logger: log } : {}) });
  const meta = host.meta as StrategyMeta;
  return { runner: sandboxRunner(host), meta, specs: meta.params, params: defaultParams(meta), close: () => host.close(), childPid: () => host.childPid };
}

export interface Evaluation {
  readonly store: VersionStore;
  readonly incumbent: VersionRecord & { run: VersionRunner & { meta: StrategyMeta } };
  readonly context: () => Promise<PolicyContext>;
  readonly data: () => Promise<MarketData>;
  close(): Promise<void>;
}

/** Opens the store and the incumbent; the candles and the baseline are loaded on first use, once. */
export async function openEvaluation(d: EvolutionSetupDeps): Promise<Evaluation> {
  const store = openVersionStore({ db: d.db, clock: d.clock, repoRoot: d.repoRoot, filesRoot: d.filesRoot, ...(d.gates ? { gates: d.gates } : {}) });
  await seedInitialVersions(store, d.repoRoot);
  const pointer = store.repo.active('strategy');
  if (!pointer)
    throw new BrainError('no active strategy version to judge candidates against; deploy one with `brain promote <id> --force`', {
      domain: 'evolution',
      code: 'no_incumbent',
      retryable: false,
    });
  const version = store.get(pointer.versionId);
  const run = await startVersionRunner(version, d.log);
  const tf = d.config.market.timeframe;
  let loaded: Promise<{ data: MarketData; start: number }> | null = null;
  const load = () =>
    (loaded ??= (() => {
      // A CSV folder is judged whole unless a range is given; the store's candles up to now, policy.dataDays back.
      const to = d.candles.to ?? (d.candles.dir ? Number.MAX_SAFE_INTEGER : d.clock.now());
      const from = d.candles.from ?? (d.candles.dir ? 0 : to - d.config.evolution.policy.dataDays * DAY_MS);
      const warm = run.meta.warmup * timeframeMs(tf);
      return loadData({ pairs: d.candles.pairs, timeframe: tf, from: from - warm, to, dir: d.candles.dir, tradeFrom: from }, d.db);
    })());
  let context: Promise<PolicyContext> | null = null;
  const repos = createRepositories(d.db);
  return {
    store,
    incumbent: { ...version, run },
    data: async () => (await load()).data,
    context: () =>
      (context ??= (async () => {
        const { data, start } = await load();
        if (data.time.length === 0)
          throw new BrainError(
            `no ${tf} candles for ${d.candles.pairs.join(', ')}${d.candles.dir ? ` in ${d.candles.dir}` : ' in the store'}; import some with 'brain data import' or pass --data DIR`,
            { domain: 'evolution', code: 'no_candles', retryable: false },
          );
        const config = engineConfigFor(d.config, data.pairs, run.meta, start);
        const windows = evaluationWindows(data, start, d.config.evolution.policy);
        const baseline = await baselineOf(run.runner, run.params, data, config, windows);
        return {
          data,
          config,
          windows,
          evolution: d.config.evolution,
          risk: d.config.risk,
          rollback: d.config.rollback,
          baseline,
          trials: () => repos.ledger.trials(),
          now: () => d.clock.now(),
        };
      })()),
    close: () => run.close(),
  };
}

/** The submission seam's dependencies over an open evaluation. */
export function submitDeps(d: EvolutionSetupDeps, ev: Evaluation): SubmitDeps {
  const repos = createRepositories(d.db);
  return {
    ledger: repos.ledger,
    paperTests: repos.paperTests,
    expectations: repos.evolution,
    store: ev.store,
    clock: d.clock,
    evolution: d.config.evolution,
    policyContext: ev.context,
    startRunner: (v) => startVersionRunner(v, d.log),
    ...(d.notify ? { notify: d.notify } : {}),
    ...(d.checkStatistics ? { checkStatistics: d.checkStatistics } : {}),
  };
}

/** `brain evolve` and the nightly slot without a model key: the evolver around the active strategy. */
export async function evolve(d: EvolutionSetupDeps & { onProgress?: (line: string) => void; workers?: number }, budget: EvolverBudget): Promise<EvolverReport> {
  const ev = await openEvaluation(d);
  const ctx = await ev.context().catch(async (err: unknown) => {
    await ev.close();
    throw err;
  });
  const parent = ev.incumbent;
  const link = redisLinkOf(d.config);
  // evolution.runner selects the JobRunner; Redis code is loaded only when it is chosen.
  const jobs = link
    ? await (await import('./jobs-remote.ts'))
        .redisEvolverJobs({ link, evolution: d.config.evolution, context: ctx, versions: { parent, incumbent: parent }, ...(d.log ? { log: d.log } : {}) })
        .catch(async (err: unknown) => {
          await ev.close();
          throw err;
        })
    : inProcessPool<EvolverJob, EvolverJobResult>({
        workers: d.workers ?? d.config.evolution.evolver.workers,
        // One warm child per worker: the parent's bundle, the dataset sent once and kept.
        createWorker: async () => {
          const w = await startVersionRunner(parent, d.log);
          return evolverWorker(ctx, w.runner, w.specs, w.close);
        },
      });
  const started = performance.now();
  try {
    const deps = submitDeps(d, ev);
    return await runEvolver(
      {
        ...deps,
        context: ctx,
        jobs,
        parent: { version: parent, specs: parent.run.specs, params: parent.run.params, runner: parent.run.runner },
        elapsed: () => performance.now() - started,
        ...(d.onProgress ? { onProgress: d.onProgress } : {}),
      },
      budget,
    );
  } finally {
    await jobs.close();
    await ev.close();
  }
}
