/** Synthetic markets and in-process strategies for the evolution tests: fast, deterministic, known answers. */
import { alignMarketData } from '../../src/backtest/data.ts';
import type { DecideFn, EngineConfig, MarketData } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { deciderRunner, type DeciderFactory } from '../../src/backtest/runners.ts';
import { ConfigSchema } from '../../src/config/index.ts';
import { RiskLimitsSchema, type DecisionInput, type Pair, type ParamSpec } from '../../src/contract/index.ts';
import type { Repositories } from '../../src/db/index.ts';
import { EvolutionSchema, type EvolutionConfig } from '../../src/evolution/config.ts';
import type { ShadowMarket } from '../../src/evolution/shadow.ts';
import { baselineOf, type PolicyCandidate, type PolicyContext } from '../../src/evolution/policy.ts';
import { evaluationWindows } from '../../src/evolution/windows.ts';
import { mulberry32 } from '../../src/sim/rng.ts';

const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 1);
const HOLD: DecisionInput = { action: 'hold' };

/**
 * Hourly candles that climb in waves (up 30 hours, down 12) with seeded noise: a trend follower earns,
 * random entries lose the costs, buy-and-hold gains the drift.
 */
export function waveMarket(pairs: readonly Pair[], hours: number, seed = 5): MarketData {
  const rnd = mulberry32(seed);
  const series = pairs.map((pair, k) => {
    let price = 100 * (k + 1);
    const time = new Float64Array(hours);
    const cols = [0, 0, 0, 0, 0].map(() => new Float64Array(hours));
    for (let i = 0; i < hours; i++) {
      const up = (i + k * 7) % 42 < 30;
      const open = price;
      price *= 1 + (up ? 0.002 : -0.0045) + (rnd() - 0.5) * 0.002;
      time[i] = T0 + i * HOUR;
      cols[0]![i] = open;
      cols[1]![i] = Math.max(open, price) * 1.001;
      cols[2]![i] = Math.min(open, price) * 0.999;
      cols[3]![i] = price;
      cols[4]![i] = 10;
    }
    return { pair, columns: { time, open: cols[0]!, high: cols[1]!, low: cols[2]!, close: cols[3]!, volume: cols[4]! } };
  });
  return alignMarketData(series);
}

/** Buys after `k` rising closes in a row, closes after two falling ones; `knifeEdge`: trades only at size exactly 0.2. */
export function momentum(params: Record<string, number>, knifeEdge = false): DecideFn {
  const k = Math.round(params.k ?? 3);
  const rising = new Int32Array(8);
  const falling = new Int32Array(8);
  const prev = new Float64Array(8).fill(Number.NaN);
  const buy: DecisionInput = { action: 'buy', sizeFraction: params.size ?? 0.2 };
  return (p, _s, ctx, bar) => {
    const c = bar.close;
    rising[p] = c > prev[p]! ? rising[p]! + 1 : 0;
    falling[p] = c < prev[p]! ? falling[p]! + 1 : 0;
    prev[p] = c;
    if (knifeEdge && params.size !== 0.2) return HOLD;
    if (!ctx.position && rising[p]! >= k) return buy;
    if (ctx.position && falling[p]! >= 2) return { action: 'close' };
    return HOLD;
  };
}

export const MOMENTUM_SPECS = {
  k: { default: 3, min: 1, max: 6, integer: true, description: '' },
  size: { default: 0.2, min: 0.05, max: 0.5, integer: false, description: '' },
};

export function candidate(
  id: string,
  decide: DeciderFactory,
  params: Record<string, number> = { k: 3, size: 0.2 },
  specs: Record<string, ParamSpec> = MOMENTUM_SPECS,
): PolicyCandidate {
  return { id, runner: deciderRunner(decide, id), params, specs };
}

/** An incumbent that never trades: any candidate with an edge beats it. */
export const idle = (): DecideFn => () => HOLD;

export function evolution(over: Record<string, unknown> = {}): EvolutionConfig {
  return EvolutionSchema.parse({
    policy: { holdoutDays: 10, minTrades: 5, minDsr: 0.5, bootstrapRuns: 300, ...(over.policy as object) },
    screen: { days: 7, minTrades: 1, ...(over.screen as object) },
    ...Object.fromEntries(Object.entries(over).filter(([k]) => k !== 'policy' && k !== 'screen')),
  });
}

export const LIMITS = RiskLimitsSchema.parse({
  maxPositionFraction: 0.5,
  maxPairExposureFraction: 0.5,
  maxTotalExposureFraction: 1,
  maxConsecutiveLosses: 50,
  dailyLossFraction: 0.5,
});

export function engineConfigOf(data: MarketData, start = 48): EngineConfig {
  return engineConfig(data.pairs, { limits: LIMITS, start });
}

export async function policyContext(
  data: MarketData,
  evo: EvolutionConfig,
  incumbent: PolicyCandidate,
  trials: Array<{ contentHash: string; sharpe: number }> = [],
): Promise<PolicyContext> {
  const config = engineConfigOf(data);
  const windows = evaluationWindows(data, config.start!, evo.policy);
  const baseline = await baselineOf(incumbent.runner, incumbent.params, data, config, windows);
  const defaults = ConfigSchema.parse({});
  return { data, config, windows, evolution: evo, risk: defaults.risk, rollback: defaults.rollback, baseline, trials: () => trials, now: () => T0 };
}

/** `data` written to the candle store as hourly candles, and the market a shadow or a drift replay reads from it. */
export function storedHourlyMarket(data: MarketData, repos: Repositories): ShadowMarket {
  data.pairs.forEach((pair, p) => {
    const c = data.columns[p]!;
    repos.candles.upsertMany(
      pair,
      '1h',
      Array.from(c.time, (time, i) => ({ time, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! })),
    );
  });
  return { pairs: data.pairs, timeframe: '1h', candles: repos.candles, warmupBars: 24, engineConfig: (pairs) => engineConfig(pairs, { limits: LIMITS }) };
}
