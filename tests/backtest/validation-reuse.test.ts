/**
 * What the gates reuse between the candidates of one search: the evaluator canaries are judged once per
 * dataset and cost model, whatever the candidate's params.
 */
import { describe, expect, it } from 'vitest';
import { sliceMarketData } from '../../src/backtest/data.ts';
import { engineConfig } from '../../src/backtest/engine.ts';
import { runCanaries } from '../../src/backtest/validation/index.ts';
import { loadShared } from './engine-fixtures.ts';

const data = sliceMarketData(loadShared(['ETH/USD', 'SOL/USD']), 0, 6000);

describe('evaluator canaries are judged once per dataset and cost model', () => {
  it('a second candidate on the same candles and costs gets the same report without a re-run; other costs or candles are judged anew', async () => {
    const first = await runCanaries(data, engineConfig(data.pairs, { params: { fast: 9 } }));
    const again = await runCanaries(data, engineConfig(data.pairs, { params: { fast: 30 }, start: 100 }));
    expect(again).toBe(first);
    const dearer = await runCanaries(data, engineConfig(data.pairs, { slippage: 0.002 }));
    expect(dearer).not.toBe(first);
    expect(dearer.randomEntries.expectedCost).toBeGreaterThan(first.randomEntries.expectedCost);
    const otherCandles = await runCanaries(sliceMarketData(data, 0, 6000), engineConfig(data.pairs, { params: { fast: 9 } }));
    expect(otherCandles).not.toBe(first);
    expect(otherCandles).toEqual(first);
  });
});
