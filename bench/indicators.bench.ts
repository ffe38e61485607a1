/**
 * Streaming throughput of every indicator in strategy/skills: bars per second over 100 000 bars of
 * a seeded random walk (median of 5 timed runs after one warm-up run), plus the batch form for
 * comparison. Run: `npm run bench -- indicators`.
 */
import { performance } from 'node:perf_hooks';
import * as sk from '../strategy/skills/index.ts';
import type { Bar } from '../src/contract/strategy.ts';
import { median } from './lib/stats.ts';

const N = 100_000;
const RUNS = 5;
/** Every run's result is added here and printed, so no run's work can be optimised away. */
let checksum = 0;

function randomWalk(n: number): Bar[] {
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const bars: Bar[] = [];
  let close = 60_000;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = open * (1 + (rnd() - 0.5) * 0.004);
    const high = Math.max(open, close) * (1 + rnd() * 0.001);
    const low = Math.min(open, close) * (1 - rnd() * 0.001);
    bars.push({ time: 1_700_000_000_000 + i * 300_000, open, high, low, close, volume: rnd() * 10 });
  }
  return bars;
}

/** Median wall time of `run` in ms, after one untimed warm-up run. */
function time(run: () => number): number {
  checksum += run();
  const ms: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    checksum += run();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

export default async function (): Promise<void> {
  const bars = randomWalk(N);
  const closes = Float64Array.from(bars, (b) => b.close);
  const cols = {
    time: Float64Array.from(bars, (b) => b.time),
    high: Float64Array.from(bars, (b) => b.high),
    low: Float64Array.from(bars, (b) => b.low),
    close: closes,
    volume: Float64Array.from(bars, (b) => b.volume),
  };
  const onClose = (make: () => sk.Stream<number, unknown>) => () => {
    const s = make();
    for (let i = 0; i < N; i++) s.next(closes[i]!);
    return i0(s.value);
  };
  const onBars = (make: () => sk.Stream<Bar, unknown>) => () => {
    const s = make();
    for (let i = 0; i < N; i++) s.next(bars[i]!);
    return i0(s.value);
  };
  const cases: Array<[string, () => number, () => number]> = [
    ['ema(20)', onClose(() => sk.emaStream(20)), () => sk.ema(closes, 20)[N - 1]!],
    ['sma(20)', onClose(() => sk.smaStream(20)), () => sk.sma(closes, 20)[N - 1]!],
    ['rsi(14)', onClose(() => sk.rsiStream(14)), () => sk.rsi(closes, 14)[N - 1]!],
    ['macd(12,26,9)', onClose(() => sk.macdStream()), () => sk.macd(closes).hist[N - 1]!],
    ['bollinger(20,2)', onClose(() => sk.bollingerStream(20, 2)), () => sk.bollinger(closes).upper[N - 1]!],
    ['volumeRatio(20)', onClose(() => sk.volumeRatioStream(20)), () => sk.volumeRatio(cols.volume, 20)[N - 1]!],
    ['atr(14)', onBars(() => sk.atrStream(14)), () => sk.atr(cols, 14)[N - 1]!],
    ['adx(14)', onBars(() => sk.adxStream(14)), () => sk.adx(cols, 14).adx[N - 1]!],
    ['sessionVwap', onBars(() => sk.sessionVwapStream()), () => sk.sessionVwap(cols)[N - 1]!],
    ['rollingVwap(48)', onBars(() => sk.rollingVwapStream(48)), () => sk.rollingVwap(cols, 48)[N - 1]!],
    ['regime(defaults)', onBars(() => sk.regimeStream()), () => sk.regime(cols).length],
  ];
  console.log(`indicator          stream (M bars/s)  batch (M bars/s)   over ${N} bars, median of ${RUNS} runs`);
  for (const [name, stream, batch] of cases) {
    const rate = (ms: number): string => (N / (ms / 1000) / 1e6).toFixed(1).padStart(10);
    console.log(`${name.padEnd(18)} ${rate(time(stream))}        ${rate(time(batch))}`);
  }
  console.log(`checksum ${checksum.toPrecision(8)}`);
}

/** A number derived from any stream output, so the work cannot be skipped. */
function i0(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v.length;
  return Object.values(v as Record<string, number>)[0] ?? 0;
}
