/** tb_evolver_candidates_total reads the candidate ledger: the pipeline's candidates by verdict, backtest trials left out. */
import { describe, expect, it } from 'vitest';
import { createRepositories, openDatabase, type NewLedgerRow } from '../../src/db/index.ts';
import { createMetrics } from '../../src/health/metrics.ts';
import { ledgerRow } from '../db/fixtures.ts';

const row = (contentHash: string, over: Partial<NewLedgerRow>): NewLedgerRow => ledgerRow(contentHash, { stage: 'screen', ...over });

describe('tb_evolver_candidates_total', () => {
  it('counts the candidate ledger by verdict, not the backtests run by hand', async () => {
    const db = openDatabase({ path: ':memory:' });
    const ledger = createRepositories(db).ledger;
    const first = ledger.insert(row('a', { stage: 'paper' }));
    ledger.insert(row('b', { verdict: 'refused', failedGate: 'screenTrades' }));
    ledger.insert(row('c', { verdict: 'refused', failedGate: 'oosEdge', stage: 'gates' }));
    ledger.insert(row('a', { verdict: 'duplicate', duplicateOf: first.id }));
    ledger.recordBacktest({
      contentHash: 'd',
      versionId: null,
      who: 'cli',
      backtestId: null,
      params: {},
      trial: { sharpe: 1, nObs: 30, skew: 0, kurtosis: 3 },
      failedGate: 'canaries',
      createdAt: 1,
    });
    const metrics = createMetrics({ daemon: () => null, db: () => db });
    const text = await metrics.registry.getSingleMetricAsString('tb_evolver_candidates_total');
    expect(text).toContain('candidate_ledger');
    const value = (result: string) => Number(new RegExp(`tb_evolver_candidates_total\\{result="${result}"\\} (\\d+)`).exec(text)?.[1]);
    expect(['pending', 'passed', 'refused', 'duplicate', 'cancelled'].map(value)).toEqual([1, 0, 2, 1, 0]);
    db.close();
  });
});
