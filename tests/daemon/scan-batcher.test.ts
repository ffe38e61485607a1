import { describe, expect, it } from 'vitest';
import { ScanBatcher } from '../../actors/scanner.actors.ts';
import type { ScanRequest } from '../../machines/scanner.machine.ts';
import type { Candle, Pair } from '../../src/contract/index.ts';
import type { LiveStrategy, ScanOutcome } from '../../src/sandbox/live.ts';

const T0 = Date.UTC(2025, 0, 6);
const candle = (time: number): Candle => ({ time, open: 1, high: 1, low: 1, close: 1, volume: 1 });
const req = (pair: Pair, time = T0): ScanRequest => ({ pair, timeframe: '5m', candle: candle(time), strategyVersion: 'v' });

/** A strategy that records each call's pairs and holds everywhere. */
function fakeStrategy(calls: Pair[][]): LiveStrategy {
  return {
    onCandles: async (cs: ReadonlyArray<{ pair: Pair; candle: Candle }>): Promise<ScanOutcome[]> => {
      calls.push(cs.map((c) => c.pair));
      return cs.map(({ pair, candle: c }) => ({
        pair,
        candleTime: c.time,
        versionId: 'v',
        verdict: {
          ok: true,
          intent: { pair, candleTime: c.time, refPrice: c.close, strategyVersion: 'v', decision: { action: 'hold', sizeFraction: 0, reason: '' } },
        },
      }));
    },
  } as unknown as LiveStrategy;
}

describe('ScanBatcher', () => {
  it('the scans of one candle time go to the strategy in one call', async () => {
    const calls: Pair[][] = [];
    const b = new ScanBatcher({ strategy: fakeStrategy(calls), pairs: ['BTC/USD', 'ETH/USD', 'SOL/USD'] });
    const out = await Promise.all([b.evaluate(req('BTC/USD')), b.evaluate(req('ETH/USD')), b.evaluate(req('SOL/USD'))]);
    expect(calls).toEqual([['BTC/USD', 'ETH/USD', 'SOL/USD']]);
    expect(out.map((e) => e.action)).toEqual(['hold', 'hold', 'hold']);
  });

  it('a pair without a candle is not waited for, and a later candle starts a new batch', async () => {
    const calls: Pair[][] = [];
    const b = new ScanBatcher({ strategy: fakeStrategy(calls), pairs: ['BTC/USD', 'ETH/USD', 'SOL/USD'] });
    const first = b.evaluate(req('BTC/USD'));
    const second = b.evaluate(req('ETH/USD', T0 + 300_000));
    await Promise.all([first, second]);
    expect(calls).toEqual([['BTC/USD'], ['ETH/USD']]);
  });

  it('a strategy failure fails every scan of the batch (the scanner reports it, no intent)', async () => {
    const b = new ScanBatcher({ strategy: { onCandles: () => Promise.reject(new Error('child died')) } as unknown as LiveStrategy, pairs: ['BTC/USD'] });
    await expect(b.evaluate(req('BTC/USD'))).rejects.toThrow('child died');
  });
});
