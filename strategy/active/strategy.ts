/**
 * v001 — the incumbent every candidate must beat. Long only: buy when EMA(fast) crosses above
 * EMA(slow) while RSI is below the overbought filter and volume is above its recent mean by a ratio;
 * exit on the opposite cross. Every entry carries a stop-loss and a take-profit.
 */
import type { Bar, BarContext, IndicatorRegistry, Params, Reading, StrategyModule } from '../../src/contract/strategy.ts';
import type { Pair } from '../../src/contract/pairs.ts';
import type { DecisionInput } from '../../src/contract/intent.ts';

// Registered indicators: the runtime advances them before each onBar (and a backtest reuses their
// series across runs), so onBar only reads `.value`.
interface State {
  fast: Reading;
  slow: Reading;
  rsi: Reading;
  volume: Reading;
  prevDiff: number;
}

// Most bars hold: shared frozen decisions instead of a fresh object (and indicators) per bar.
const HOLD: DecisionInput = Object.freeze({ action: 'hold' });
const WARMING_UP: DecisionInput = Object.freeze({ action: 'hold', reason: 'warming up' });
const CROSS_DOWN: DecisionInput = Object.freeze({ action: 'close', reason: 'EMA cross down' });

const strategy: StrategyModule<State> = {
  meta: {
    name: 'ema-cross-rsi-volume',
    version: 'v001',
    description: 'EMA 9/21 crossover, RSI 14 filter, volume ratio > 1.2; long only with SL/TP.',
    warmup: 60,
    params: {
      emaFast: { default: 9, min: 3, max: 30, integer: true, description: 'fast EMA period' },
      emaSlow: { default: 21, min: 10, max: 100, integer: true, description: 'slow EMA period' },
      rsiPeriod: { default: 14, min: 5, max: 30, integer: true, description: 'RSI period' },
      rsiMax: { default: 70, min: 50, max: 90, integer: false, description: 'no entry when RSI is above this' },
      volumeRatio: { default: 1.2, min: 0.5, max: 3, integer: false, description: 'entry needs volume / mean(20) above this' },
      stopLoss: { default: 0.02, min: 0.005, max: 0.1, integer: false, description: 'stop-loss distance below entry, fraction' },
      takeProfit: { default: 0.04, min: 0.01, max: 0.2, integer: false, description: 'take-profit distance above entry, fraction' },
      size: { default: 0.1, min: 0.01, max: 1, integer: false, description: 'fraction of equity per entry' },
    },
  },

  init(_pair: Pair, p: Readonly<Params>, indicators: IndicatorRegistry): State {
    return {
      fast: indicators.ema(Math.round(p.emaFast ?? 9)),
      slow: indicators.ema(Math.round(p.emaSlow ?? 21)),
      rsi: indicators.rsi(Math.round(p.rsiPeriod ?? 14)),
      volume: indicators.volumeRatio(20),
      prevDiff: NaN,
    };
  },

  onBar(s: State, bar: Bar, ctx: BarContext) {
    const fast = s.fast.value;
    const slow = s.slow.value;
    const rsi = s.rsi.value;
    const vol = s.volume.value;
    const diff = fast - slow;
    const crossedUp = s.prevDiff <= 0 && diff > 0;
    const crossedDown = s.prevDiff >= 0 && diff < 0;
    s.prevDiff = diff;
    if (!Number.isFinite(diff) || !Number.isFinite(rsi)) return WARMING_UP;
    const p = ctx.params;
    if (ctx.position === null) {
      if (crossedUp && rsi < (p.rsiMax ?? 70) && vol > (p.volumeRatio ?? 1.2)) {
        const indicators: Record<string, number> = { emaFast: fast, emaSlow: slow, rsi };
        // An infinite ratio (a zero-ish mean) is not JSON: leave it out.
        if (Number.isFinite(vol)) indicators.volumeRatio = vol;
        return {
          action: 'buy',
          sizeFraction: p.size ?? 0.1,
          stopLoss: bar.close * (1 - (p.stopLoss ?? 0.02)),
          takeProfit: bar.close * (1 + (p.takeProfit ?? 0.04)),
          reason: 'EMA cross up with RSI and volume confirmation',
          indicators,
        };
      }
      return HOLD;
    }
    return crossedDown ? CROSS_DOWN : HOLD;
  },
};

export default strategy;
