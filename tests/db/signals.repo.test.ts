import { describe, expect, it } from 'vitest';
import { createRepositories, type NewSignal, type ScanResult } from '../../src/db/index.ts';
import { intent, T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

const acted: NewSignal = {
  intent: intent({ stopLoss: 3_200, takeProfit: 3_500, slippageTolerance: 0.002, regime: 'trending_up', indicators: { rsi: 61.5 } }),
  outcome: 'acted',
  rejectReason: null,
  clOrdId: 'c-1',
  createdAt: T0 + 10,
};
const rejected: NewSignal = {
  intent: { ...intent(), pair: 'BTC/USD' },
  outcome: 'rejected',
  rejectReason: 'maxOpenPositions',
  clOrdId: null,
  createdAt: T0 + 20,
};

describe('signals repository', () => {
  it('round-trips acted and rejected signals with every decision field', () => {
    const repo = createRepositories(memoryDb()).signals;
    const a = repo.insertSignal(acted);
    const r = repo.insertSignal(rejected);
    expect(repo.signalsInRange(T0, T0 + 100)).toEqual([
      { id: a, ...acted },
      { id: r, ...rejected },
    ]);
  });

  it('filters signals by pair and by outcome', () => {
    const repo = createRepositories(memoryDb()).signals;
    repo.insertSignal(acted);
    repo.insertSignal(rejected);
    expect(repo.signalsInRange(T0, T0 + 100, { outcome: 'rejected' }).map((s) => s.rejectReason)).toEqual(['maxOpenPositions']);
    expect(repo.signalsInRange(T0, T0 + 100, { pair: 'ETH/USD' }).map((s) => s.clOrdId)).toEqual(['c-1']);
    expect(repo.signalsInRange(T0 + 11, T0 + 100, { pair: 'ETH/USD' })).toEqual([]);
  });

  it('refuses a rejected signal without a reason', () => {
    const repo = createRepositories(memoryDb()).signals;
    expect(() => repo.insertSignal({ ...rejected, rejectReason: null })).toThrow(/CHECK/);
  });

  it('round-trips scan results and prunes old ones', () => {
    const repo = createRepositories(memoryDb()).signals;
    const scan: ScanResult = {
      pair: 'SOL/USD',
      timeframe: '5m',
      candleTime: T0,
      strategyVersion: 'sha256:abc',
      action: 'hold',
      regime: 'ranging',
      indicators: { ema20: 181.25, atr: 1.5 },
      durationMs: 0.42,
      createdAt: T0 + 300_000,
    };
    const id = repo.insertScan(scan);
    repo.insertScan({ ...scan, candleTime: T0 + 300_000, regime: null, indicators: {}, durationMs: null, createdAt: T0 + 600_000 });
    expect(repo.scansInRange('SOL/USD', T0, T0 + 1)).toEqual([{ id, ...scan }]);
    expect(repo.deleteScansBefore(T0 + 600_000)).toBe(1);
    expect(repo.scansInRange('SOL/USD', 0, T0 + 1e9).map((s) => s.regime)).toEqual([null]);
  });
});
