import { describe, expect, it } from 'vitest';
import { createRepositories, type MachineSnapshotRecord, type RiskState } from '../../src/db/index.ts';
import { T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

const halted: RiskState = {
  state: 'halted',
  reason: 'dailyLoss: -3.2% of day-start equity',
  since: T0 + 1_000,
  consecutiveLosses: 2,
  dayStart: T0,
  dayStartEquity: 10_000,
  peakEquity: 10_400,
  updatedAt: T0 + 1_000,
};

describe('risk repository', () => {
  it('keeps the breaker state in a single row that survives reopening the repositories', () => {
    const db = memoryDb();
    expect(createRepositories(db).risk.get()).toBeUndefined();
    createRepositories(db).risk.save({ ...halted, state: 'active', reason: null });
    createRepositories(db).risk.save(halted);
    expect(createRepositories(db).risk.get()).toEqual(halted);
    expect(db.prepare('SELECT COUNT(*) AS n FROM risk_state').get()).toEqual({ n: 1 });
  });

  it('refuses an unknown breaker state', () => {
    const repo = createRepositories(memoryDb()).risk;
    expect(() => repo.save({ ...halted, state: 'paused' as RiskState['state'] })).toThrow(/CHECK/);
  });
});

describe('machine snapshots repository', () => {
  const snap = (actorId: string, machine: string): MachineSnapshotRecord => ({
    actorId,
    machine,
    machineVersion: '3',
    snapshot: { status: 'active', value: { open: 'watching' }, context: { deadline: T0 + 60_000, qty: 0.5 } },
    updatedAt: T0,
  });

  it('stores one row per actor, replaced on save, listed per machine', () => {
    const repo = createRepositories(memoryDb()).machineSnapshots;
    repo.save(snap('position:p-1', 'position'));
    repo.save(snap('position:p-2', 'position'));
    repo.save(snap('breaker', 'circuitBreaker'));
    repo.save({ ...snap('position:p-1', 'position'), machineVersion: '4', updatedAt: T0 + 5 });
    expect(repo.get('position:p-1')).toEqual({ ...snap('position:p-1', 'position'), machineVersion: '4', updatedAt: T0 + 5 });
    expect(repo.list('position').map((r) => r.actorId)).toEqual(['position:p-1', 'position:p-2']);
    expect(repo.list()).toHaveLength(3);
  });

  it('deletes a finished actor and says whether a row went', () => {
    const repo = createRepositories(memoryDb()).machineSnapshots;
    repo.save(snap('breaker', 'circuitBreaker'));
    expect(repo.delete('breaker')).toBe(true);
    expect(repo.delete('breaker')).toBe(false);
    expect(repo.get('breaker')).toBeUndefined();
  });
});
