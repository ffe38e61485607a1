import { describe, expect, it } from 'vitest';
import { alignMarketData, columnsFromCandles, packedMarketData, sliceMarketData } from '../../src/backtest/data.ts';
import { EngineError } from '../../src/backtest/engine-types.ts';

const series = (pair: 'BTC/USD' | 'ETH/USD' | 'SOL/USD', times: number[]) => ({
  pair,
  columns: columnsFromCandles(times.map((time) => ({ time, open: time, high: time, low: time, close: time + 0.5, volume: 1 }))),
});

describe('alignMarketData', () => {
  it('puts every pair on the union of all candle times, each once, NaN where a pair has no candle', () => {
    const data = alignMarketData([series('BTC/USD', [10, 20, 40]), series('ETH/USD', [5, 20, 30, 40, 50]), series('SOL/USD', [])]);
    expect([...data.time]).toEqual([5, 10, 20, 30, 40, 50]);
    expect([...data.columns[0]!.close]).toEqual([NaN, 10.5, 20.5, NaN, 40.5, NaN]);
    expect([...data.columns[1]!.close]).toEqual([5.5, NaN, 20.5, 30.5, 40.5, 50.5]);
    expect([...data.columns[2]!.close].every(Number.isNaN)).toBe(true);
  });

  it('merges two series of the same length whose times differ, and keeps one grid the pairs share', () => {
    const apart = alignMarketData([series('BTC/USD', [10, 20, 30]), series('ETH/USD', [10, 25, 30])]);
    expect([...apart.time]).toEqual([10, 20, 25, 30]);
    expect([...apart.columns[1]!.close]).toEqual([10.5, NaN, 25.5, 30.5]);
    const shared = alignMarketData([series('BTC/USD', [10, 20, 30]), series('ETH/USD', [10, 20, 30])]);
    expect([...shared.time]).toEqual([10, 20, 30]);
  });

  it('refuses a series whose times do not strictly ascend, naming the pair and the row', () => {
    expect(() => alignMarketData([series('BTC/USD', [10, 20]), series('ETH/USD', [10, 30, 30])])).toThrow(EngineError);
    expect(() => alignMarketData([series('ETH/USD', [10, 30, 30])])).toThrow('ETH/USD candle times must be strictly ascending; row 2 has 30 after 30');
  });

  it('packs the grid in the layout the sandbox child keeps (time, then per pair open..volume): aligned data as it is, other data copied alike', () => {
    const data = alignMarketData([series('BTC/USD', [10, 20, 40]), series('ETH/USD', [5, 20, 30, 40, 50])]);
    const packed = packedMarketData(data);
    expect(packed.buffer).toBe(data.time.buffer);
    const n = data.time.length;
    const expected = [...data.time, ...data.columns.flatMap((c) => [...c.open, ...c.high, ...c.low, ...c.close, ...c.volume])];
    expect([...packed]).toEqual(expected);
    expect(packed.length).toBe(n * (1 + 2 * 5));
    // A copy (its own buffer per column) packs to the same values in a new buffer.
    const copy = sliceMarketData(data, 0, n);
    const repacked = packedMarketData(copy);
    expect(repacked.buffer).not.toBe(data.time.buffer);
    expect([...repacked]).toEqual(expected);
  });
});
