import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RiskLimitsSchema, type Bar, type DecisionInput } from '../../src/contract/index.ts';
import { EngineError, runEngine, type DecideFn } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { BacktestRunError, compareRuns, replayDecider, StreamedReplay } from '../../src/backtest/replay.ts';
import type { IntentsLog } from '../../src/backtest/engine.ts';
import { REJECT_REASONS } from '../../src/trading/index.ts';
import { emaCross, grid, loadShared, scripted, T0, FIVE_MIN, type Ohlc } from './engine-fixtures.ts';

const loose = RiskLimitsSchema.parse({
  maxPositionFraction: 1,
  maxPairExposureFraction: 1,
  maxTotalExposureFraction: 1,
  dailyLossFraction: 1,
  maxDrawdownFraction: 1,
  reducingDrawdownFraction: 1,
  maxConsecutiveLosses: 100,
});
const cfg = engineConfig(['ETH/USD'], { slippage: 0, limits: loose, fees: [{ maker: 0, taker: 0 }] });
const flat: Ohlc = [100, 101, 99, 100];

function exitOf(bar: Ohlc, decision: DecisionInput) {
  const r = runEngine(cfg, grid({ 'ETH/USD': [flat, flat, bar, flat] }), scripted({ 0: decision }));
  return { reason: r.trades[0]!.exitReason, price: r.trades[0]!.exitPrice, step: r.trades[0]!.exitStep };
}

describe('engine: stops and targets inside the bar', () => {
  const withBoth: DecisionInput = { action: 'buy', sizeFraction: 0.5, stopLoss: 95, takeProfit: 105 };

  it('fills a touched stop at the stop price', () => {
    expect(exitOf([100, 101, 94, 99], withBoth)).toEqual({ reason: 'stop_loss', price: 95, step: 2 });
  });

  it('fills a gap through the stop at the open, not at the stop', () => {
    expect(exitOf([90, 92, 88, 91], withBoth)).toEqual({ reason: 'stop_loss', price: 90, step: 2 });
  });

  it('takes the stop first when the same bar touches both stop and target', () => {
    expect(exitOf([100, 110, 90, 100], withBoth)).toEqual({ reason: 'stop_loss', price: 95, step: 2 });
  });

  it('fills a touched target at the target, and a gap above it at the open', () => {
    expect(exitOf([100, 106, 99, 104], withBoth)).toEqual({ reason: 'take_profit', price: 105, step: 2 });
    expect(exitOf([107, 108, 106, 107], withBoth)).toEqual({ reason: 'take_profit', price: 107, step: 2 });
  });

  it('checks the stop on the entry bar itself (after the fill at its open)', () => {
    const r = runEngine(cfg, grid({ 'ETH/USD': [flat, [100, 101, 90, 95], flat] }), scripted({ 0: withBoth }));
    expect(r.trades[0]).toMatchObject({ exitReason: 'stop_loss', entryStep: 1, exitStep: 1, exitPrice: 95 });
  });
});

describe('engine: timing and look-ahead', () => {
  it('inv. 2: decide only ever sees candles up to the one that just closed', () => {
    const data = grid({ 'ETH/USD': [flat, flat, null, flat, flat], 'SOL/USD': [flat, null, flat, flat, flat] });
    const seen: string[] = [];
    runEngine(engineConfig(data.pairs), data, (p, s, ctx) => {
      const h = ctx.history;
      expect(h.close.length).toBe(ctx.index + 1);
      expect(h.time[ctx.index]).toBe(data.time[s]);
      expect(Math.max(...h.time)).toBeLessThanOrEqual(data.time[s]!);
      seen.push(`${p}:${s}`);
      return { action: 'hold' };
    });
    expect(seen).toEqual(['0:0', '1:0', '0:1', '1:2', '0:3', '1:3', '0:4', '1:4']);
  });

  it("fills at the pair's NEXT candle open, skipping steps where the pair has no candle", () => {
    const data = grid({ 'ETH/USD': [flat, null, null, [103, 104, 102, 103], flat], 'SOL/USD': [flat, flat, flat, flat, flat] });
    const r = runEngine(engineConfig(data.pairs, { slippage: 0, limits: loose }), data, scripted({ 0: { action: 'buy', sizeFraction: 0.2 } }));
    expect(r.fills[0]).toMatchObject({ step: 3, price: 103, time: T0 + 3 * FIVE_MIN });
  });

  it('drops nothing silently: an order decided on the last bar is never filled and the run ends flat', () => {
    const r = runEngine(cfg, grid({ 'ETH/USD': [flat, flat] }), scripted({ 1: { action: 'buy', sizeFraction: 0.5 } }));
    expect(r.summary).toMatchObject({ intents: 1, fills: 0, trades: 0, finalEquity: 10_000 });
  });

  it('rejects a malformed decision with an EngineError naming pair and step', () => {
    const bad = scripted({ 1: { action: 'buy', sizeFraction: 2 } });
    expect(() => runEngine(cfg, grid({ 'ETH/USD': [flat, flat] }), bad)).toThrow(EngineError);
    expect(() => runEngine(cfg, grid({ 'ETH/USD': [flat, flat] }), bad)).toThrow(/pair 0 at step 1/);
  });
});

describe('engine: risk rules are the live ones', () => {
  it('logs a refused entry with its typed reason and never fills it', () => {
    const data = grid({ 'ETH/USD': [flat, flat, flat], 'SOL/USD': [flat, flat, flat] });
    const limits = { ...loose, maxOpenPositions: 1 };
    const decide = scripted({ '0:0': { action: 'buy', sizeFraction: 0.3 }, '1:0': { action: 'buy', sizeFraction: 0.3 } });
    const r = runEngine(engineConfig(data.pairs, { limits }), data, decide);
    expect(Array.from(r.intents.outcome)).toEqual([0, 1 + REJECT_REASONS.indexOf('max_open_positions')]);
    expect(r.fills.filter((f) => f.reason === 'entry')).toHaveLength(1);
  });

  it('orders queued on the same step reserve exposure, so simultaneous buys cannot exceed the total limit', () => {
    const data = grid({ 'ETH/USD': [flat, flat, flat], 'SOL/USD': [flat, flat, flat], 'XRP/USD': [flat, flat, flat] });
    const limits = { ...loose, maxPositionFraction: 0.5, maxTotalExposureFraction: 0.8 };
    const buy = { action: 'buy', sizeFraction: 0.5 } as const;
    const r = runEngine(engineConfig(data.pairs, { limits, slippage: 0 }), data, scripted({ '0:0': buy, '1:0': buy, '2:0': buy }));
    expect(Array.from(r.intents.outcome)).toEqual([0, 0, 1 + REJECT_REASONS.indexOf('total_exposure_limit')]);
    const invested = r.fills.filter((f) => f.reason === 'entry').reduce((a, f) => a + f.price * f.quantity, 0);
    expect(invested).toBeCloseTo(8000, 6); // 5 000 + the 3 000 left under the 80 % cap
  });

  it('inv. 3: a sell passes while the drawdown limit halts entries', () => {
    const crash: Ohlc[] = [flat, flat, [50, 51, 49, 50], [50, 51, 49, 50], [50, 51, 49, 50]];
    const limits = { ...loose, maxDrawdownFraction: 0.1, reducingDrawdownFraction: 0.05 };
    const decide = scripted({ 0: { action: 'buy', sizeFraction: 0.5 }, 2: { action: 'buy', sizeFraction: 0.1 }, 3: { action: 'close' } });
    const r = runEngine(engineConfig(['ETH/USD'], { limits }), grid({ 'ETH/USD': crash }), decide);
    expect(Array.from(r.intents.outcome)).toEqual([0, 1 + REJECT_REASONS.indexOf('drawdown_limit'), 0]);
    expect(r.trades[0]).toMatchObject({ exitReason: 'signal', exitStep: 4 });
  });
});

describe('the bar handed to decide', () => {
  it('is a fresh object per candle equal to the last history row, and one kept stays what it was', () => {
    const data = loadShared(['BTC/USD', 'ETH/USD']);
    const prev: (Bar | null)[] = [null, null];
    let checked = 0;
    let wrong = 0;
    runEngine(engineConfig(data.pairs), data, (p, _s, ctx, bar) => {
      const h = ctx.history;
      const i = ctx.index;
      if (bar.time !== h.time[i] || bar.close !== h.close[i] || bar.volume !== h.volume[i] || bar === prev[p]) wrong++;
      const kept = prev[p];
      if (kept && (kept.time !== h.time[i - 1] || kept.open !== h.open[i - 1] || kept.high !== h.high[i - 1])) wrong++;
      prev[p] = bar;
      checked++;
      return { action: 'hold' };
    });
    expect(checked).toBeGreaterThan(40_000);
    expect(wrong).toBe(0);
  });
});

describe('replay', () => {
  const bars: Ohlc[] = Array.from({ length: 40 }, (_, i) => [100 + i, 102 + i, 99 + i, 101 + i] as const);
  const decide: DecideFn = (_p, s) =>
    s % 7 === 0 ? { action: 'buy', sizeFraction: 0.1, stopLoss: 90 } : s % 7 === 3 ? { action: 'close' } : { action: 'hold' };

  it('re-running the engine on the intents log reproduces the run exactly', () => {
    const data = grid({ 'ETH/USD': bars });
    const a = runEngine(engineConfig(['ETH/USD']), data, decide);
    const b = runEngine(engineConfig(['ETH/USD']), data, replayDecider(a.intents));
    expect(compareRuns(a, b)).toEqual({ equal: true, mismatches: [] });
    expect(b.trades).toEqual(a.trades);
  });

  it('skipping idle stretches (nextStep) changes nothing: trades, fills, the equity curve, the daily ledger', () => {
    const data = loadShared(['BTC/USD', 'ETH/USD', 'SOL/USD']);
    const config = engineConfig(data.pairs);
    const a = runEngine(config, data, emaCross({ fast: 12, slow: 48 }, 3));
    const skipping = replayDecider(a.intents);
    expect(skipping.nextStep).toBeTypeOf('function');
    const inner = replayDecider(a.intents);
    const everyStep: DecideFn = Object.assign((p: number, s: number, c: Parameters<DecideFn>[2], bar: Parameters<DecideFn>[3]) => inner(p, s, c, bar), {
      readsBar: false,
    });
    const b = runEngine(config, data, skipping);
    const c = runEngine(config, data, everyStep);
    expect(a.trades.length).toBeGreaterThan(10);
    expect(b.trades).toEqual(c.trades);
    expect(b.fills).toEqual(c.fills);
    expect(Array.from(b.equity.value)).toEqual(Array.from(c.equity.value));
    expect(b.summary).toEqual(c.summary);
    expect(b.summary).toEqual(a.summary);
  });

  it('a claim fed in chunks as it arrives replays exactly as a one-shot replay', () => {
    const data = loadShared(['BTC/USD', 'ETH/USD']);
    const config = engineConfig(data.pairs);
    const a = runEngine(config, data, emaCross({ fast: 12, slow: 48 }, 2));
    const cuts = [0, 1000, 1001, 7000, 12_345, data.time.length];
    const replay = new StreamedReplay('v', config, data);
    try {
      for (let k = 1; k < cuts.length; k++) replay.feed(cuts[k]!, rowsBetween(a.intents, cuts[k - 1]!, cuts[k]!));
      const r = replay.finish(a.summary);
      expect(r.trades).toEqual(a.trades);
      expect(Array.from(r.equity.value)).toEqual(Array.from(a.equity.value));
    } finally {
      replay.release();
    }
  });

  it('refuses chunks out of step order, outside their range or past the end, naming what is wrong', () => {
    const data = grid({ 'ETH/USD': bars });
    const a = runEngine(engineConfig(['ETH/USD']), data, decide);
    const attempt = (f: (r: StreamedReplay) => void) => {
      const r = new StreamedReplay('sha256:x', engineConfig(['ETH/USD']), data);
      try {
        f(r);
      } finally {
        r.release();
      }
    };
    expect(() => attempt((r) => r.feed(10, rowsBetween(a.intents, 10, 20)))).toThrow(
      /intent 0 \(step 10, pair 0\) is out of order or outside its chunk \[0, 10\)/,
    );
    expect(() =>
      attempt((r) => {
        r.feed(20, rowsBetween(a.intents, 0, 20));
        r.feed(10, rowsBetween(a.intents, 0, 0));
      }),
    ).toThrow(/a chunk reaches step 10 after step 20/);
    expect(() => attempt((r) => r.feed(41, rowsBetween(a.intents, 0, 40)))).toThrow(BacktestRunError);
    const twice = rowsBetween(a.intents, 0, 20);
    expect(() =>
      attempt((r) => {
        r.feed(20, twice);
        r.feed(20, twice);
      }),
    ).toThrow(/out of order/);
  });

  it('flags a claimed summary that the replay does not reproduce', () => {
    const data = grid({ 'ETH/USD': bars });
    const a = runEngine(engineConfig(['ETH/USD']), data, decide);
    const claim = { intents: a.intents, summary: { ...a.summary, finalEquity: a.summary.finalEquity + 1 } };
    expect(compareRuns(claim, a).mismatches).toEqual([{ field: 'summary.finalEquity', index: null, a: a.summary.finalEquity + 1, b: a.summary.finalEquity }]);
  });
});

/** The log rows at steps [from, to). */
function rowsBetween(log: IntentsLog, from: number, to: number): IntentsLog {
  const idx = Array.from(log.step.keys()).filter((i) => log.step[i]! >= from && log.step[i]! < to);
  const pick = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => a.filter((_, i) => idx.includes(i)) as T;
  return {
    length: idx.length,
    step: pick(log.step),
    pairIndex: pick(log.pairIndex),
    action: pick(log.action),
    sizeFraction: pick(log.sizeFraction),
    stopLoss: pick(log.stopLoss),
    takeProfit: pick(log.takeProfit),
    outcome: pick(log.outcome),
  };
}

/** A plain single-pair loop with its own arithmetic: next-open fills, tick-rounded slippage, taker fees, lot floor, cash cap. */
function referenceLoop(bars: readonly (readonly [number, number, number, number])[], buys: readonly number[], exits: readonly boolean[]): number {
  const slip = 0.0005;
  const fee = 0.004;
  let cash = 10_000;
  let qty = 0;
  let order: { side: 'buy' | 'sell'; qty: number } | null = null;
  for (let s = 0; s < bars.length; s++) {
    const [open, , , close] = bars[s]!;
    if (order) {
      const price = order.side === 'buy' ? Math.ceil(open * (1 + slip) * 100 - 1e-9) / 100 : Math.floor(open * (1 - slip) * 100 + 1e-9) / 100;
      const sign = order.side === 'buy' ? 1 : -1;
      // A gap up since sizing can make the buy unaffordable: the venue fills what the cash pays for.
      const q = order.side === 'buy' ? Math.min(order.qty, Math.floor((cash / (price * (1 + fee))) * 1e8 + 1e-9) / 1e8) : order.qty;
      cash -= sign * price * q + price * q * fee;
      qty += sign * q;
      order = null;
    }
    const f = buys[s] ?? 0;
    if (qty === 0 && f > 0) order = { side: 'buy', qty: Math.floor(((f * cash) / close) * 1e8 + 1e-9) / 1e8 };
    else if (qty > 0 && exits[s]) order = { side: 'sell', qty };
  }
  const last = bars.at(-1)![3];
  const price = Math.floor(last * (1 - slip) * 100 + 1e-9) / 100;
  return cash + qty * price - qty * price * fee;
}

describe('engine vs a plain reference loop (property)', () => {
  it('gives the same final equity on random bars and random buy/exit decisions', () => {
    const bar = fc.tuple(fc.integer({ min: 1000, max: 3000 }), fc.integer({ min: 0, max: 300 })).map(([o, c]) => [o, o + c + 5, o - 5, o + c - 150] as const);
    fc.assert(
      fc.property(
        fc.array(bar, { minLength: 2, maxLength: 60 }),
        fc.array(fc.double({ min: 0.05, max: 0.5, noNaN: true }), { maxLength: 60 }),
        fc.array(fc.boolean(), { maxLength: 60 }),
        (rows, buys, exits) => {
          const bars = rows.map(([o, h, l, c]) => [o, h, Math.min(l, c), c] as const);
          const decide: DecideFn = (_p, s, ctx) =>
            !ctx.position && buys[s] ? { action: 'buy', sizeFraction: buys[s] } : ctx.position && exits[s] ? { action: 'close' } : { action: 'hold' };
          const r = runEngine(engineConfig(['ETH/USD'], { limits: loose }), grid({ 'ETH/USD': bars }), decide);
          expect(r.summary.finalEquity).toBeCloseTo(
            referenceLoop(
              bars,
              buys.map((b, s) => (s < bars.length ? b : 0)),
              exits,
            ),
            6,
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});
