import { describe, expect, it } from 'vitest';
import { createRepositories, type NewBacktest } from '../../src/db/index.ts';
import { T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

const run: NewBacktest = {
  strategyVersionId: 'sha256:abc',
  pairs: ['BTC/USD', 'ETH/USD'],
  fromTime: T0,
  toTime: T0 + 86_400_000,
  params: { emaFast: 12, emaSlow: 26 },
  metrics: { sharpe: 1.4, trades: 37, maxDrawdown: 0.08 },
  monteCarlo: { drawdownP95: 0.12 },
  gates: [{ name: 'minTrades', passed: true }],
  reportDir: null,
  createdAt: T0 + 5,
};

describe('backtests repository', () => {
  it('round-trips a backtest with its JSON columns and sets the report folder later', () => {
    const repo = createRepositories(memoryDb()).backtests;
    const id = repo.insert(run);
    expect(repo.byId(id)).toEqual({ id, ...run });
    repo.setReportDir(id, 'data/reports/1');
    expect(repo.byVersion('sha256:abc')).toEqual([{ id, ...run, reportDir: 'data/reports/1' }]);
    expect(repo.byId(id + 1)).toBeUndefined();
  });

  it('keeps nullable JSON columns null', () => {
    const repo = createRepositories(memoryDb()).backtests;
    const id = repo.insert({ ...run, monteCarlo: null, gates: null });
    expect(repo.byId(id)).toMatchObject({ monteCarlo: null, gates: null });
  });
});
