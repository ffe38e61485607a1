/**
 * The same work on every side: v001's logic (EMA 9/21 cross, RSI 14 < 70, volume ratio 20 > 1.2,
 * SL 2 % / TP 4 % from the decision close, exit on the cross down) over the 9-pair 5m year
 * (bench/lib/year.ts), no fees and no slippage on any side (grademark has neither), cold against
 * cold and warm against warm:
 * - the engine in-process (moduleDecider over strategy/active/strategy.ts; warm = registered series
 *   cached, JIT warm);
 * - the engine as a backtest runs it (sandbox child + streamed host replay + comparison);
 * - grademark 0.3 (a JS peer; single instrument, so 9 backtests; indicators precomputed with the same
 *   skills, the rules evaluated by grademark; its stops are distances from the entry open);
 * - a Freqtrade-style pandas port (bench/peers/v001_pandas.py: signals vectorised, trade loop in
 *   Python), when python3 with pandas is installed.
 * Cold = the first run in its process. Prints figures only. Run: npm run bench -- backtest
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFrame } from 'data-forge';
import { backtest as grademarkBacktest } from 'grademark';
import { runEngine, type MarketData } from '../src/backtest/engine.ts';
import { engineConfig } from '../src/backtest/engine-config.ts';
import { replayedRun } from '../src/backtest/replay.ts';
import { moduleDecider } from '../src/backtest/strategy-decider.ts';
import type { DecisionInput, Params } from '../src/contract/index.ts';
import { sandboxRunner } from '../src/sandbox/backtest.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import { ema } from '../strategy/skills/ema.ts';
import { rsi } from '../strategy/skills/rsi.ts';
import { volumeRatio } from '../strategy/skills/volume-ratio.ts';
import v001 from '../strategy/active/strategy.ts';
import { pandasPython, runPandasPeer } from './lib/pandas-peer.ts';
import { v001Bundle } from './lib/sandbox-fixtures.ts';
import { median } from './lib/stats.ts';
import { LOOSE_LIMITS, looseRules, writeYearCsv, yearMarket } from './lib/year.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WARM_RUNS = 5;
const PARAMS: Params = Object.fromEntries(Object.entries(v001.meta.params).map(([k, s]) => [k, s.default]));
const HOLD: DecisionInput = { action: 'hold' };

interface Side {
  readonly name: string;
  readonly cold: number;
  readonly warm: number;
  readonly trades: number;
  readonly note?: string;
}

function timed<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, (performance.now() - t) / 1000];
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, (performance.now() - t) / 1000];
}

function inProcess(year: MarketData, cfg: ReturnType<typeof engineConfig>): Side {
  const run = () => runEngine(cfg, year, moduleDecider(v001, year.pairs, PARAMS));
  const [first, cold] = timed(run);
  const warm = median(Array.from({ length: WARM_RUNS }, () => timed(run)[1]));
  return { name: 'engine in-process (v001 module)', cold, warm, trades: first.summary.trades };
}

async function throughSandbox(year: MarketData, cfg: ReturnType<typeof engineConfig>): Promise<Side> {
  const host = await StrategyHost.start({ versionId: 'v001', kind: 'strategy', bundle: await v001Bundle(ROOT) });
  try {
    const runner = sandboxRunner(host);
    const [first, cold] = await timedAsync(() => replayedRun(runner, year, cfg));
    const warms: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warms.push((await timedAsync(() => replayedRun(runner, year, cfg)))[1]);
    return {
      name: 'engine as a backtest runs it (sandbox child + host replay)',
      cold,
      warm: median(warms),
      trades: first.summary.trades,
      note: 'cold includes sending the dataset',
    };
  } finally {
    await host.close();
  }
}

interface GmBar {
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  diff: number;
  prevDiff: number;
  rsi: number;
  vol: number;
}

/** One pair's bars with v001's indicators from the same skills the strategy registers. */
function grademarkBars(year: MarketData, p: number): DataFrame<number, GmBar> {
  const c = year.columns[p]!;
  const fast = ema(c.close, PARAMS['emaFast']!);
  const slow = ema(c.close, PARAMS['emaSlow']!);
  const r = rsi(c.close, PARAMS['rsiPeriod']!);
  const vol = volumeRatio(c.volume, 20);
  const bars = Array.from(
    c.close,
    (close, i): GmBar => ({
      time: new Date(year.time[i]!),
      open: c.open[i]!,
      high: c.high[i]!,
      low: c.low[i]!,
      close,
      volume: c.volume[i]!,
      diff: fast[i]! - slow[i]!,
      prevDiff: i > 0 ? fast[i - 1]! - slow[i - 1]! : Number.NaN,
      rsi: r[i]!,
      vol: vol[i]!,
    }),
  );
  return new DataFrame(bars);
}

const grademarkV001 = {
  entryRule: (enter: () => void, { bar }: { bar: GmBar }) => {
    const ready = Number.isFinite(bar.diff) && Number.isFinite(bar.rsi);
    if (ready && bar.prevDiff <= 0 && bar.diff > 0 && bar.rsi < PARAMS['rsiMax']! && bar.vol > PARAMS['volumeRatio']!) enter();
  },
  exitRule: (exit: () => void, { bar }: { bar: GmBar }) => {
    if (bar.prevDiff >= 0 && bar.diff < 0) exit();
  },
  stopLoss: ({ entryPrice }: { entryPrice: number }) => entryPrice * PARAMS['stopLoss']!,
  profitTarget: ({ entryPrice }: { entryPrice: number }) => entryPrice * PARAMS['takeProfit']!,
};

function grademark(year: MarketData): Side {
  const runAll = (frames: DataFrame<number, GmBar>[]) => frames.reduce((n, f) => n + grademarkBacktest(grademarkV001 as never, f as never).length, 0);
  // Cold: indicators, bars and frames built, then the backtests, as the first run of a strategy.
  const [[frames, trades], cold] = timed(() => {
    const f = year.pairs.map((_, p) => grademarkBars(year, p));
    return [f, runAll(f)] as const;
  });
  const warm = median(Array.from({ length: WARM_RUNS }, () => timed(() => runAll(frames))[1]));
  return { name: 'grademark 0.3 (9 single-pair backtests)', cold, warm, trades, note: 'cold includes the indicators and frames' };
}

function pandas(year: MarketData): Side | string {
  const python = pandasPython();
  if (!python) return 'pandas peer skipped: no python3 with pandas here (Debian: apt-get install python3-pandas)';
  const dir = mkdtempSync(join(tmpdir(), 'brain-bench-year-'));
  try {
    writeYearCsv(dir, year);
    const r = runPandasPeer(python, dir, 1 + WARM_RUNS);
    return {
      name: `pandas ${r.pandas} port, Freqtrade-style (${python})`,
      cold: r.runSeconds[0]!,
      warm: median(r.runSeconds.slice(1)),
      trades: r.trades,
      note: `+ read_csv ${r.readSeconds.toFixed(2)} s; whole process ${r.processSeconds.toFixed(2)} s`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function (): Promise<void> {
  const [year, buildSecs] = timed(yearMarket);
  const bars = year.pairs.length * year.time.length;
  const cfg = engineConfig(year.pairs, {
    fees: year.pairs.map(() => ({ maker: 0, taker: 0 })),
    slippage: 0,
    limits: LOOSE_LIMITS,
    rules: year.pairs.map(looseRules),
    params: PARAMS,
  });
  console.log(`load average ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores (figures scale with it)`);
  console.log(
    `data: ${year.pairs.length} pairs × ${year.time.length} 5m steps = ${bars} candles (built in ${buildSecs.toFixed(2)} s); v001 default params; no fees, no slippage on any side`,
  );
  const sides: Side[] = [inProcess(year, cfg), await throughSandbox(year, cfg), grademark(year)];
  const py = pandas(year);
  if (typeof py === 'string') console.log(py);
  else sides.push(py);
  const base = sides[0]!;
  for (const s of sides) {
    const ratio = s === base ? '' : `  → ${(s.cold / base.cold).toFixed(1)}× cold, ${(s.warm / base.warm).toFixed(1)}× warm the in-process engine`;
    console.log(
      `${s.name.padEnd(62)} cold ${s.cold.toFixed(3)} s, warm ${s.warm.toFixed(3)} s (median of ${WARM_RUNS}), ${s.trades} trades${ratio}${s.note ? `  [${s.note}]` : ''}`,
    );
  }
  const holdOnly = median(Array.from({ length: WARM_RUNS }, () => timed(() => runEngine(cfg, year, () => HOLD))[1]));
  console.log(`engine loop alone (hold decider, 9 pairs × year): ${holdOnly.toFixed(3)} s; warm v001 = ${(bars / base.warm / 1e6).toFixed(1)} M bars/s`);
}
