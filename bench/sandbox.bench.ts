/**
 * Sandbox figures: (1) warm-up replay and per-candle scan latency for 9 pairs × 2000 bars through the
 * Deno child; (2) a 1-year-equivalent 5m backtest of v001 over 9 pairs run inside the child (data sent
 * once, then the warm path). The year is built by concatenating the shared 5m files (bench only).
 * Run: npm run bench -- sandbox
 */
import { fileURLToPath } from 'node:url';
import { runEngine } from '../src/backtest/engine.ts';
import { engineConfig } from '../src/backtest/engine-config.ts';
import { PAIRS, type Pair } from '../src/contract/pairs.ts';
import { replayDecider, replayedRun } from '../src/backtest/replay.ts';
import { backtestInChild, loadDataset, sandboxRunner } from '../src/sandbox/backtest.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import type { BarsItem, PairSetup } from '../src/sandbox/protocol.ts';
import { grid, pairSetup, v001Bundle } from './lib/sandbox-fixtures.ts';
import { cpuSeconds } from './lib/proc.ts';
import { median, quantile } from './lib/stats.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SETTLING_RUNS = 10;
const WARM_RUNS = 20;
const NEW_PERIOD_RUNS = 5;
const PART_RUNS = 8;

export default async function (): Promise<void> {
  const host = await StrategyHost.start({ versionId: 'v001', kind: 'strategy', bundle: await v001Bundle(ROOT) });
  const setups: PairSetup[] = PAIRS.map(pairSetup);
  const { time, cols } = grid(2001, PAIRS.length);
  const pack = (from: number, n: number): Float64Array => {
    const out = new Float64Array(PAIRS.length * 6 * n);
    PAIRS.forEach((_, p) => {
      const base = p * 6 * n;
      out.set(time.subarray(from, from + n), base);
      cols[p]!.forEach((c, k) => out.set(c.subarray(from, from + n), base + (k + 1) * n));
    });
    return out;
  };
  const items = (n: number, decide: boolean): BarsItem[] => PAIRS.map((pair: Pair) => ({ pair, n, position: null, equity: 10_000, decide }));
  await host.call({ kind: 'init', pairs: setups, historyCap: 2048 }, undefined, 'control');
  let t = performance.now();
  await host.call({ kind: 'bars', items: items(2000, false) }, pack(0, 2000), 'control');
  console.log(`warm-up replay 9 pairs × 2000 bars: ${(performance.now() - t).toFixed(1)} ms`);
  const reps = 200;
  t = performance.now();
  for (let i = 0; i < reps; i++) await host.call({ kind: 'bars', items: items(1, true) }, pack(2000, 1), 'scan');
  console.log(`scan of one closed candle × 9 pairs (warm child, 2000-bar history): ${((performance.now() - t) / reps).toFixed(3)} ms per call`);

  const year = grid(105_120, PAIRS.length);
  const data = {
    pairs: PAIRS,
    time: year.time,
    columns: year.cols.map(([o, h, l, c, v]) => ({ time: year.time, open: o!, high: h!, low: l!, close: c!, volume: v! })),
  };
  const cfg = engineConfig(PAIRS);
  const secs = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
  await host.close();

  // Through the runtime as a backtest uses it: sandboxRunner (dataset sent once, kept) + host replay,
  // in a child of its own as the evolver's candidates get (a child that also scanned has onBar
  // compiled for the scan's context objects as well, and runs a backtest ~1.5x slower).
  const btHost = await StrategyHost.start({ versionId: 'v001', kind: 'strategy', bundle: await v001Bundle(ROOT) });
  const runner = sandboxRunner(btHost);
  // Child CPU as well as wall time: on a shared machine the CPU seconds are what a run costs.
  let childCpu = 0;
  const timed = async (params: Record<string, number>): Promise<number> => {
    const c0 = cpuSeconds(btHost.childPid);
    const t0 = performance.now();
    await replayedRun(runner, data, { ...cfg, params });
    const ms = performance.now() - t0;
    childCpu += cpuSeconds(btHost.childPid) - c0;
    return ms;
  };
  t = performance.now();
  const cold = await replayedRun(runner, data, cfg);
  const coldMs = performance.now() - t;
  // Many runs over kept candles, as a candidate's gates (walk-forward, jitter, look-ahead cuts) and
  // parameter searches make them. Same indicator settings (a non-indicator parameter varied) reuse
  // every registered series; a new EMA period computes one series per pair and a new matrix.
  const same: number[] = [];
  for (let i = 0; i < SETTLING_RUNS; i++) same.push(await timed({ rsiMax: 60 + (i % 20) }));
  childCpu = 0;
  for (let i = SETTLING_RUNS; i < SETTLING_RUNS + WARM_RUNS; i++) same.push(await timed({ rsiMax: 60 + (i % 20) }));
  const steadyCpu = childCpu / WARM_RUNS;
  childCpu = 0;
  const settling = same.slice(0, SETTLING_RUNS);
  const steady = same.slice(SETTLING_RUNS);
  const fresh: number[] = [];
  for (let i = 0; i < NEW_PERIOD_RUNS; i++) fresh.push(await timed({ emaFast: 4 + i }));
  const freshCpu = childCpu / NEW_PERIOD_RUNS;
  const barsPerSec = (ms: number) => `${((PAIRS.length * 105_120) / (ms / 1000) / 1e6).toFixed(1)} M bars/s`;
  console.log(
    `1-year 5m backtest, 9 pairs × 105,120 steps, v001 through the runtime (child run + streamed host replay + compare), ${cold.summary.trades} trades, ${cold.intents.length} intents:`,
  );
  console.log(`  cold (dataset sent, series computed, JIT cold): ${secs(coldMs)}`);
  console.log(
    `  warm, settling (runs 1-${SETTLING_RUNS} after cold, JIT still optimising): median ${secs(median(settling))}, max ${secs(Math.max(...settling))}`,
  );
  console.log(
    `  warm, steady (runs ${SETTLING_RUNS + 1}-${SETTLING_RUNS + WARM_RUNS}, indicator settings seen before): median ${secs(median(steady))} (${barsPerSec(median(steady))}), p90 ${secs(quantile(steady, 0.9))}, min ${secs(Math.min(...steady))}; child CPU ${secs(steadyCpu * 1000)} per run`,
  );
  console.log(
    `  warm, a new EMA period each run (${NEW_PERIOD_RUNS} runs, emaFast 4..${3 + NEW_PERIOD_RUNS}): median ${secs(median(fresh))}, min ${secs(Math.min(...fresh))}, max ${secs(Math.max(...fresh))}; child CPU ${secs(freshCpu * 1000)} per run`,
  );
  // The parts, on a second dataset object: transfer, the child's loop alone, the host replay alone.
  const copy = { ...data };
  t = performance.now();
  await loadDataset(btHost, 'year', copy);
  const load = performance.now() - t;
  const childMs: number[] = [];
  let claim = null as Awaited<ReturnType<typeof backtestInChild>> | null;
  for (let i = 0; i < PART_RUNS; i++) {
    t = performance.now();
    claim = await backtestInChild(btHost, { datasetId: 'year', params: {}, engineConfig: cfg });
    childMs.push(performance.now() - t);
  }
  const replayMs: number[] = [];
  for (let i = 0; i < PART_RUNS; i++) {
    t = performance.now();
    runEngine(cfg, data, replayDecider(claim!.intents));
    replayMs.push(performance.now() - t);
  }
  console.log(
    `  parts: dataset transfer ${secs(load)}; child loop + reply first ${secs(childMs[0]!)} (series computed for this dataset), then median ${secs(median(childMs.slice(1)))}; host replay median ${secs(median(replayMs))}`,
  );
  await btHost.close();
}
