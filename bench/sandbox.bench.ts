/**
 * Sandbox figures: (1) warm-up replay and per-candle scan latency for 9 pairs × 2000 bars through the
 * Deno child; (2) a 1-year-equivalent 5m backtest of v001 over 9 pairs run inside the child (data sent
 * once, then the warm path). The year is built by concatenating the shared 5m files (bench only).
 * Run: npm run bench -- sandbox
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { engineConfig } from '../src/backtest/engine.ts';
import { PAIRS, type Pair } from '../src/contract/pairs.ts';
import { backtestInChild, loadDataset } from '../src/sandbox/backtest.ts';
import { Gates } from '../src/sandbox/gates/index.ts';
import { StrategyHost } from '../src/sandbox/host/strategy-host.ts';
import type { BarsItem, PairSetup } from '../src/sandbox/protocol.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = '/work/shared/data/ohlcv';
const FILES = ['BTC-USD', 'ETH-USD', 'SOL-USD', 'XRP-USD', 'DOGE-USD'];

function loadCloses(): number[][] {
  return FILES.map((f) => readFileSync(`${DATA}/${f}_5m.csv`, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').slice(1, 6).map(Number)).flat());
}

/** 9 pairs × nSteps on one grid; pair p reuses file p % 5, rows repeated to reach nSteps. */
function grid(nSteps: number): { time: Float64Array; cols: Float64Array[][] } {
  const raw = loadCloses();
  const time = Float64Array.from({ length: nSteps }, (_, i) => 1_704_067_200_000 + i * 300_000);
  const cols = PAIRS.map((_, p) => {
    const src = raw[p % FILES.length]!;
    const rows = src.length / 5;
    return [0, 1, 2, 3, 4].map((k) => Float64Array.from({ length: nSteps }, (_, i) => src[((i + p * 997) % rows) * 5 + k]!));
  });
  return { time, cols };
}

export default async function (): Promise<void> {
  const gates = new Gates(ROOT);
  const g = await gates.run({ kind: 'strategy', source: readFileSync(`${ROOT}/strategy/active/strategy.ts`, 'utf8') });
  if (!g.ok) throw new Error('v001 failed the gates');
  const host = await StrategyHost.start({ versionId: 'v001', kind: 'strategy', bundle: g.bundle });
  const setups: PairSetup[] = PAIRS.map((pair) => ({ pair, params: {}, fees: { maker: 0.0025, taker: 0.004 }, rules: { pair, tickSize: 0.01, priceDecimals: 2, lotDecimals: 8, orderMin: 0.0001, costMin: 0.5 } }));
  const { time, cols } = grid(2001);
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

  const year = grid(105_120);
  const data = { pairs: PAIRS, time: year.time, columns: year.cols.map(([o, h, l, c, v]) => ({ time: year.time, open: o!, high: h!, low: l!, close: c!, volume: v! })) };
  t = performance.now();
  await loadDataset(host, 'year', data);
  const load = performance.now() - t;
  const cfg = engineConfig(PAIRS);
  t = performance.now();
  const first = await backtestInChild(host, { datasetId: 'year', params: {}, engineConfig: cfg });
  const run1 = performance.now() - t;
  t = performance.now();
  await backtestInChild(host, { datasetId: 'year', params: { emaFast: 8 }, engineConfig: cfg });
  const run2 = performance.now() - t;
  console.log(`1-year 5m backtest, 9 pairs × 105,120 steps, v001 in the child: load ${(load / 1000).toFixed(2)} s + run ${(run1 / 1000).toFixed(2)} s = ${((load + run1) / 1000).toFixed(2)} s; warm path (dataset kept) ${(run2 / 1000).toFixed(2)} s; ${first.summary.trades} trades, ${first.intents.length} intents`);
  await host.close();
}
