/** Shared fixtures for the sandbox tests: one Gates instance, raw-bundle builders, setups and bars. */
import { fileURLToPath } from 'node:url';
import type { MarketData } from '../../src/backtest/engine.ts';
import type { Candle, PairRules } from '../../src/contract/candle.ts';
import type { Pair } from '../../src/contract/pairs.ts';
import { Gates } from '../../src/sandbox/gates/index.ts';
import { StrategyHost, type StrategyHostOptions } from '../../src/sandbox/host/strategy-host.ts';
import type { PairSetup } from '../../src/sandbox/protocol.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const gates = new Gates(REPO_ROOT);

export async function bundleOf(source: string, kind: 'strategy' | 'statistics' = 'strategy'): Promise<string> {
  const r = await gates.run({ kind, source });
  if (!r.ok) throw new Error(`fixture failed the gates: ${JSON.stringify(r.issues)}`);
  return r.bundle;
}

/** A module written directly as JS: what a gates-OFF run executes (the process boundary alone). */
export function rawStrategy(onBarBody: string, top = ''): string {
  return `${top}
var __module = { default: {
  meta: { name: 'raw', version: 'x', description: '', warmup: 0, params: {} },
  init: function () { return {}; },
  onBar: function (state, bar, ctx) { ${onBarBody} }
} };`;
}

export function rules(pair: Pair): PairRules {
  return { pair, tickSize: 0.01, priceDecimals: 2, lotDecimals: 8, orderMin: 0.0001, costMin: 0.5 };
}

export function setups(pairs: readonly Pair[], params: Record<string, number> = {}): PairSetup[] {
  return pairs.map((pair) => ({ pair, params, fees: { maker: 0.0016, taker: 0.0026 }, rules: rules(pair) }));
}

/** Deterministic wavy candles (5 m apart) so EMA crosses happen. */
export function waveCandles(n: number, phase = 0, start = 1_700_000_000_000): Candle[] {
  return Array.from({ length: n }, (_, i) => {
    const close = 100 + 8 * Math.sin((i + phase) / 6) + 3 * Math.sin((i + phase) / 2.3);
    const open = 100 + 8 * Math.sin((i + phase - 1) / 6) + 3 * Math.sin((i + phase - 1) / 2.3);
    return { time: start + i * 300_000, open, high: Math.max(open, close) + 0.5, low: Math.min(open, close) - 0.5, close, volume: 10 + (i % 7) };
  });
}

/** Two pairs of wavy candles on one grid (the second at twice the price, volume spikes every 5th), for backtests. */
export function twoPairData(n: number): MarketData {
  const cs = waveCandles(n);
  const time = Float64Array.from(cs, (c) => c.time);
  const col = (k: 'open' | 'high' | 'low' | 'close', mul: number) => Float64Array.from(cs, (c) => c[k] * mul);
  return {
    pairs: ['BTC/USD', 'ETH/USD'],
    time,
    columns: [1, 2].map((m) => ({
      time,
      open: col('open', m),
      high: col('high', m),
      low: col('low', m),
      close: col('close', m),
      volume: Float64Array.from(cs, (c, i) => c.volume * (i % 5 === 0 ? 3 : 1)),
    })),
  };
}

/** Packs candles as one `bars` frame item payload (t,o,h,l,c,v columns). */
export function packCandles(cs: readonly Candle[]): Float64Array {
  const n = cs.length;
  const out = new Float64Array(6 * n);
  cs.forEach((c, i) => {
    [c.time, c.open, c.high, c.low, c.close, c.volume].forEach((v, k) => (out[k * n + i] = v));
  });
  return out;
}

export function startHost(bundle: string, opts: Partial<StrategyHostOptions> = {}): Promise<StrategyHost> {
  return StrategyHost.start({ versionId: opts.versionId ?? 'test', kind: 'strategy', bundle, ...opts });
}

/** Runs one bar through a started host and returns the raw reply (no validation). */
export async function oneBar(host: StrategyHost, pair: Pair = 'BTC/USD'): Promise<Record<string, unknown>> {
  await host.call({ kind: 'init', pairs: setups([pair]), historyCap: 10 }, undefined, 'control');
  return host.call({ kind: 'bars', items: [{ pair, n: 1, position: null, equity: 1000, decide: true }] }, packCandles(waveCandles(1)), 'scan');
}
