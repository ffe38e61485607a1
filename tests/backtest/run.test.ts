import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StrategyModule } from '../../src/contract/index.ts';
import { alignMarketData } from '../../src/backtest/data.ts';
import type { MarketData } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { BACKTEST_STAGES, BacktestRunError, runBacktest, type BacktestStage, type StrategyRunner } from '../../src/backtest/run.ts';
import { inProcessRunner } from '../../src/backtest/runners.ts';
import { runGates } from '../../src/backtest/validation/suite.ts';
import { backtestsRepo } from '../../src/db/backtests.repo.ts';
import { ledgerRepo } from '../../src/db/ledger.repo.ts';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { contentHash } from '../../src/evolution/content.ts';
import { backtestTrials } from '../../src/evolution/ledger.ts';
import { seriesFromCsvDir } from '../../src/market/dataset.ts';
import { ledgerRow } from '../db/fixtures.ts';

/** Buys after three rising closes, exits after two falling ones; 2 % stop. Trusted test module. */
const momentum: StrategyModule<{ up: number; down: number }> = {
  meta: { name: 'momentum-test', version: 't1', description: '', params: {}, warmup: 0 },
  init: () => ({ up: 0, down: 0 }),
  onBar(state, bar, ctx) {
    const prev = ctx.index > 0 ? ctx.history.close[ctx.index - 1]! : bar.close;
    state.up = bar.close > prev ? state.up + 1 : 0;
    state.down = bar.close < prev ? state.down + 1 : 0;
    if (!ctx.position && state.up >= 3) return { action: 'buy', sizeFraction: 0.1, stopLoss: bar.close * 0.98 };
    if (ctx.position && state.down >= 2) return { action: 'close' };
    return { action: 'hold' };
  },
};

/** The candidate ledger's trials for a file-backed run of `source` (not in the version store). */
const trialsOf = (db: Db, source: string) => backtestTrials(ledgerRepo(db), 'cli test')({ versionId: 'sha256:test', bundle: '', source, stored: false });

const FROM = Date.UTC(2024, 8, 1);
const TO = FROM + 4 * 86_400_000;

describe('runBacktest', () => {
  let data: MarketData;
  let dir: string;
  let db: Db;
  beforeAll(async () => {
    data = alignMarketData(await seriesFromCsvDir('data/sample', { pairs: ['ETH/USD', 'SOL/USD'], timeframe: '5m', from: FROM, to: TO }));
    dir = mkdtempSync(join(tmpdir(), 'brain-run-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(() => {
    db = openDatabase({ path: ':memory:' });
  });
  afterEach(() => db.close());

  it('runs strategy, host replay, metrics, gates, report and store in order and records the version and data range', async () => {
    const repo = backtestsRepo(db);
    const stages: BacktestStage[] = [];
    const runner = inProcessRunner(momentum, 'sha256:test');
    const out = await runBacktest(
      {
        runner,
        gates: (run) => runGates(runner, run, { quick: true }),
        backtests: repo,
        trials: trialsOf(db, 'momentum'),
        now: () => 42,
        onStage: (s) => stages.push(s),
      },
      { data, config: engineConfig(data.pairs), reportDir: join(dir, 'r1') },
    );
    expect(stages).toEqual(BACKTEST_STAGES);
    expect(out.result.trades.length).toBeGreaterThan(0);
    expect(out.metrics.trades).toBe(out.result.trades.length);
    expect(out.metrics.finalBalance).toBeCloseTo(out.result.summary.finalEquity, 6);
    expect(repo.byId(out.backtestId!)).toMatchObject({
      strategyVersionId: 'sha256:test',
      pairs: ['ETH/USD', 'SOL/USD'],
      fromTime: data.time[0],
      toTime: data.time.at(-1),
      gates: { passed: true, canaries: { passed: true } },
      monteCarlo: { trades: out.result.trades.length },
      reportDir: join(dir, 'r1'),
      createdAt: 42,
      metrics: { trades: out.metrics.trades },
    });
    // The run is one more trial in the candidate ledger, the promotion policy's count, never its verdict on the content.
    const [row, ...more] = ledgerRepo(db).withHashPrefix(contentHash('strategy', 'strategy', 'momentum'));
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      evaluatedBy: 'backtest',
      verdict: 'passed',
      versionId: null,
      originKind: 'person',
      origin: { who: 'cli test', backtestId: out.backtestId },
      trial: { sharpe: out.metrics.dailySharpe },
    });
    expect(ledgerRepo(db).original(row!.contentHash)).toBeUndefined();
    const html = readFileSync(join(dir, 'r1', 'report.html'), 'utf8');
    expect(html).toContain('Evaluator canaries');
    expect(html).toContain('Look-ahead check</h3>\n<p>Skipped (--quick)');
  });

  it("deflates the Sharpe ratio by the candidate ledger: the pipeline's trials and earlier backtests, one per content hash, this run included", async () => {
    const ledger = ledgerRepo(db);
    const trial = { nObs: 30, skew: 0, kurtosis: 3 };
    for (const [hash, sharpe] of [
      ['a', 0.2],
      ['b', -0.1],
      ['b', -0.1],
    ] as const)
      ledger.recordBacktest({
        contentHash: hash,
        versionId: null,
        who: 'x',
        backtestId: null,
        params: {},
        trial: { sharpe, ...trial },
        failedGate: null,
        createdAt: 0,
      });
    ledger.insert(
      ledgerRow('c', { stage: 'screen', verdict: 'refused', failedGate: 'screenTrades', reason: 'no trades', trial: { sharpe: -0.3, ...trial }, createdAt: 0 }),
    );
    const out = await runBacktest(
      { runner: inProcessRunner(momentum, 'sha256:new'), backtests: backtestsRepo(db), trials: trialsOf(db, 'new'), now: () => 1 },
      { data, config: engineConfig(data.pairs) },
    );
    expect(out.metrics.trials).toBe(4);
    expect(out.metrics.dsr!).toBeLessThan(out.metrics.psr!);
  });

  it('rejects a candidate whose claimed run the host replay does not reproduce, and stores nothing', async () => {
    const honest = inProcessRunner(momentum, 'sha256:liar');
    const liar: StrategyRunner = {
      versionId: 'sha256:liar',
      decide: async (d, c) => {
        const run = await honest.decide(d, c);
        return { intents: run.intents, summary: { ...run.summary, finalEquity: run.summary.finalEquity * 1.5 } };
      },
    };
    const repo = backtestsRepo(db);
    await expect(
      runBacktest({ runner: liar, backtests: repo, trials: trialsOf(db, 'liar'), now: () => 0 }, { data, config: engineConfig(data.pairs) }),
    ).rejects.toMatchObject({
      name: 'BacktestRunError',
      code: 'replay_mismatch',
      message: expect.stringContaining('summary.finalEquity'),
    });
    expect(ledgerRepo(db).trials()).toHaveLength(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM backtests').get<{ n: number }>()!.n).toBe(0);
  });

  it('starts the work that needs no result (the canaries) while a runner in another process is still computing', async () => {
    const honest = inProcessRunner(momentum, 'sha256:streams');
    const during: boolean[] = [];
    let started: { data: MarketData } | null = null;
    const streaming: StrategyRunner = {
      versionId: 'sha256:streams',
      decide: async (d, c, onChunk, onStarted) => {
        onStarted?.();
        // The child computes: a few turns of the event loop before its claim streams in.
        for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
        during.push(started !== null);
        const run = await honest.decide(d, c);
        onChunk?.(d.time.length, run.intents);
        return run;
      },
    };
    await runBacktest({ runner: streaming, whileRunning: (run) => (started = run), now: () => 0 }, { data, config: engineConfig(data.pairs) });
    expect(during).toEqual([true]);
    expect(started!.data).toBe(data);
  });

  it('refuses an empty data range with a message saying what to do', async () => {
    const empty = alignMarketData([]);
    await expect(runBacktest({ runner: inProcessRunner(momentum, 'v'), now: () => 0 }, { data: empty, config: engineConfig([]) })).rejects.toBeInstanceOf(
      BacktestRunError,
    );
  });

  it('measures market change over the trading window only', async () => {
    const start = 288;
    const out = await runBacktest({ runner: inProcessRunner(momentum, 'v'), now: () => 0 }, { data, config: engineConfig(data.pairs, { start }) });
    const change = (p: number) => {
      const c = data.columns[p]!.close.subarray(start).filter(Number.isFinite);
      return c.at(-1)! / c[0]! - 1;
    };
    expect(out.metrics.marketChange!).toBeCloseTo((change(0) + change(1)) / 2, 12);
    expect(out.metrics.from).toBe(data.time[start]);
  });
});
