/**
 * The candidate ledger as the one trial count: `brain backtest` runs join the trials without becoming
 * the pipeline's verdict on their content, and the migration that retired experiment_ledger carried
 * every earlier trial over.
 */
import { describe, expect, it } from 'vitest';
import { applyMigrations, createRepositories, loadMigrations } from '../../src/db/index.ts';
import { ledgerRow } from './fixtures.ts';
import { memoryDb, track } from './helpers.ts';
import { openDatabase } from '../../src/db/index.ts';

const TRIAL = { sharpe: 0.4, nObs: 30, skew: 0, kurtosis: 3 };

describe('candidate ledger: one trial count', () => {
  it('a backtest run is a trial, but the pipeline still judges the same content (its dedupe, ranking and failures ignore backtests)', () => {
    const ledger = createRepositories(memoryDb()).ledger;
    const backtest = ledger.recordBacktest({
      contentHash: 'aaa',
      versionId: 'sha256:v',
      who: 'cli op',
      backtestId: 7,
      params: { k: 3 },
      trial: TRIAL,
      failedGate: 'lookAhead',
      createdAt: 5,
    });
    expect(backtest).toMatchObject({
      evaluatedBy: 'backtest',
      stage: 'gates',
      verdict: 'refused',
      failedGate: 'lookAhead',
      origin: { who: 'cli op', backtestId: 7 },
      params: { k: 3 },
      trial: TRIAL,
    });
    expect(ledger.original('aaa')).toBeUndefined();
    expect(ledger.byVersion('sha256:v')).toBeUndefined();
    expect(ledger.top(10)).toEqual([]);
    expect(ledger.stopped(10)).toEqual([]);
    const judged = ledger.insert(ledgerRow('aaa', { trial: { ...TRIAL, sharpe: 0.5 } }));
    expect(ledger.original('aaa')?.id).toBe(judged.id);
    expect(ledger.trials()).toEqual([
      { contentHash: 'aaa', sharpe: 0.4 },
      { contentHash: 'aaa', sharpe: 0.5 },
    ]);
  });

  it('the migration moves every experiment_ledger trial into the candidate ledger and drops the old table', () => {
    const all = loadMigrations();
    const at = all.findIndex((m) => m.name === 'one_trial_ledger');
    expect(at).toBeGreaterThan(0);
    const db = track(openDatabase({ path: ':memory:', migrations: all.slice(0, at), now: () => 1 }));
    // The schema before the migration: no repository over it, plain SQL.
    db.prepare(
      "INSERT INTO candidate_ledger (content_hash, kind, name, version_id, origin_kind, origin, stage, verdict, failed_gate, created_at, updated_at) VALUES ('h-known', 'strategy', 'strategy', 'sha256:known', 'offline', '{}', 'gates', 'refused', 'oosEdge', 1, 1)",
    ).run();
    const trial = db.prepare(
      'INSERT INTO experiment_ledger (version_id, backtest_id, created_at, sharpe, n_obs, skew, kurtosis, passed) VALUES (?, ?, ?, ?, 30, 0, 3, ?)',
    );
    trial.run(['sha256:known', 4, 10, 0.7, 1]);
    trial.run(['sha256:file', null, 11, -0.2, 0]);
    applyMigrations(db, all, () => 2);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'experiment_ledger'").all()).toEqual([]);
    const moved = db
      .prepare("SELECT content_hash, version_id, verdict, failed_gate, sharpe, evaluated_by FROM candidate_ledger WHERE evaluated_by = 'backtest' ORDER BY id")
      .all();
    expect(moved).toEqual([
      { content_hash: 'h-known', version_id: 'sha256:known', verdict: 'passed', failed_gate: null, sharpe: 0.7, evaluated_by: 'backtest' },
      {
        content_hash: 'version:sha256:file',
        version_id: 'sha256:file',
        verdict: 'refused',
        failed_gate: 'backtestGates',
        sharpe: -0.2,
        evaluated_by: 'backtest',
      },
    ]);
    expect(
      createRepositories(db)
        .ledger.trials()
        .map((t) => t.contentHash),
    ).toEqual(['h-known', 'version:sha256:file']);
  });
});
