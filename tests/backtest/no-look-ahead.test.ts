import { describe, expect, it } from 'vitest';
import type { BarContext, CandleColumns, DecisionInput, StrategyModule } from '../../src/contract/index.ts';
import { sliceMarketData } from '../../src/backtest/data.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { replayedRun } from '../../src/backtest/replay.ts';
import { deciderRunner, inProcessRunner } from '../../src/backtest/runners.ts';
import { lookAheadCheck } from '../../src/backtest/validation/index.ts';
import { loadShared } from './engine-fixtures.ts';

const COLS = ['time', 'open', 'high', 'low', 'close', 'volume'] as const;
const data = sliceMarketData(loadShared(['ETH/USD', 'SOL/USD']), 0, 3000);
const HOLD: DecisionInput = { action: 'hold' };

/** Everything the strategy can reach through the backing buffers of its history, beyond `index`. */
function futureSlots(ctx: BarContext): number {
  let seen = 0;
  for (const k of COLS) {
    const view = (ctx.history as CandleColumns)[k];
    const all = new Float64Array(view.buffer);
    for (let i = ctx.index + 1; i < all.length; i++) if (all[i] !== 0 && !Number.isNaN(all[i]!)) seen += 1;
  }
  return seen;
}

describe('inv. 2: no look-ahead by construction', () => {
  it('a strategy reading the .buffer of every history column finds nothing beyond the current candle, and its bar is that candle', async () => {
    let bars = 0;
    let leaked = 0;
    let badBar = 0;
    const snoop: StrategyModule = {
      meta: { name: 'snoop', version: 't', description: '', params: {}, warmup: 0 },
      init: () => null,
      onBar(_state, bar, ctx) {
        bars += 1;
        leaked += futureSlots(ctx);
        const i = ctx.index;
        if (bar.close !== ctx.history.close[i] || bar.time !== ctx.history.time[i] || bar.volume !== ctx.history.volume[i]) badBar += 1;
        return HOLD;
      },
    };
    await replayedRun(inProcessRunner(snoop, 'snoop'), data, engineConfig(data.pairs));
    expect(bars).toBeGreaterThan(5000);
    expect(leaked).toBe(0);
    expect(badBar).toBe(0);
  });

  it('a history buffer a strategy keeps after its run shows no candle (module state survives between runs in the child)', async () => {
    let kept: Float64Array | null = null;
    const stash: StrategyModule = {
      meta: { name: 'stash', version: 't', description: '', params: {}, warmup: 0 },
      init: () => null,
      onBar(_state, _bar, ctx) {
        kept ??= ctx.history.close;
        return HOLD;
      },
    };
    await replayedRun(inProcessRunner(stash, 'stash'), data, engineConfig(data.pairs));
    expect(new Float64Array(kept!.buffer).every((x) => x === 0)).toBe(true);
  });

  it('the old .buffer peeker sees only zeros ahead, decides as if blind, and so passes the look-ahead check', async () => {
    let peeks = 0;
    const bufferPeeker = deciderRunner(() => (_p, _s, ctx, bar) => {
      const view = ctx.history.close;
      const next = new Float64Array(view.buffer, view.byteOffset)[ctx.index + 1];
      if (next !== undefined && next > 0) peeks += 1;
      if (next !== undefined && next > bar.close) return ctx.position ? HOLD : { action: 'buy', sizeFraction: 0.1 };
      return ctx.position ? { action: 'close' } : HOLD;
    });
    const r = await lookAheadCheck(data, engineConfig(data.pairs), bufferPeeker, { cuts: 3 });
    expect(peeks).toBe(0);
    expect(r.passed).toBe(true);
  });
});
