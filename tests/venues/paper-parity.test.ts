import { describe, expect, it } from 'vitest';
import { runEngine } from '../../src/backtest/engine.ts';
import { engineConfig } from '../../src/backtest/engine-config.ts';
import { simulatedClock } from '../../src/clock/simulated.ts';
import type { Fill, Pair } from '../../src/contract/index.ts';
import { defaultPairRules, STARTER_FEES } from '../../src/trading/index.ts';
import { PaperVenue } from '../../src/venues/paper.ts';
import { emaCross, loadShared } from '../backtest/engine-fixtures.ts';

const TWO_WEEKS_5M = 14 * 288;
const comparable = ({ pair, side, price, quantity, fee, time }: Fill) => ({ pair, side, price, quantity, fee, time });

describe('paper venue ⇄ backtester (inv. 1)', () => {
  it('inv. 1: the backtester orders sent to the paper venue, each met by its next open as the next live price, give the same fills and final cash', async () => {
    const data = loadShared(['ETH/USD']);
    const cfg = engineConfig(data.pairs, { end: TWO_WEEKS_5M });
    const bt = runEngine(cfg, data, emaCross({ fast: 12, slow: 26 }, 1, 0.1));
    expect(bt.fills.length).toBeGreaterThan(10);

    const clock = simulatedClock(data.time[0]!);
    const paper = new PaperVenue({ clock, rules: defaultPairRules, fees: () => STARTER_FEES, slippage: cfg.slippage, startingCash: cfg.initialCash });
    const paperFills: Fill[] = [];
    paper.onFill((f) => paperFills.push(f));
    for (const [i, f] of bt.fills.entries()) {
      // The order leaves after the decision candle closed; the next price the venue sees is the backtester's reference.
      await paper.submitOrder({ clOrdId: `o${i}`, pair: f.pair as Pair, side: f.side, type: 'market', quantity: f.quantity, limitPrice: null });
      clock.set(f.time);
      paper.onPrice(f.pair, f.refPrice);
    }

    expect(paperFills.map(comparable)).toEqual(bt.fills.map(comparable));
    expect(paper.balances().cash).toBeCloseTo(bt.equity.value.at(-1)!, 6);
  });
});
