import { describe, expect, it } from 'vitest';
import { createRepositories, type PaperTest } from '../../src/db/index.ts';
import { T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

const scheduled: PaperTest = {
  id: 'pt-1',
  versionId: 'sha256:new',
  baselineVersionId: 'sha256:old',
  status: 'scheduled',
  startedAt: null,
  deadline: T0 + 3 * 86_400_000,
  endedAt: null,
  result: null,
  reason: null,
  errorCode: null,
  createdAt: T0,
  updatedAt: T0,
};

describe('paper tests repository', () => {
  it('round-trips a paper test and walks it through its statuses', () => {
    const repo = createRepositories(memoryDb()).paperTests;
    repo.insert(scheduled);
    expect(repo.byId('pt-1')).toEqual(scheduled);
    repo.update('pt-1', { status: 'running', startedAt: T0 + 1, updatedAt: T0 + 1 });
    const done = repo.update('pt-1', { status: 'passed', endedAt: T0 + 9, result: { trades: 14, pnl: 31.2 }, updatedAt: T0 + 9 });
    expect(done).toEqual({ ...scheduled, status: 'passed', startedAt: T0 + 1, endedAt: T0 + 9, result: { trades: 14, pnl: 31.2 }, updatedAt: T0 + 9 });
  });

  it("a test broken by a failure keeps the failure's code beside its reason", () => {
    const repo = createRepositories(memoryDb()).paperTests;
    repo.insert(scheduled);
    const failed = repo.update('pt-1', {
      status: 'failed',
      endedAt: T0 + 9,
      reason: 'shadow failed: [sandbox.restart_budget_spent] the strategy child crashed 3 times',
      errorCode: 'sandbox.restart_budget_spent',
      updatedAt: T0 + 9,
    });
    expect(failed).toMatchObject({ status: 'failed', errorCode: 'sandbox.restart_budget_spent' });
  });

  it('lists unfinished tests and tests of a version', () => {
    const repo = createRepositories(memoryDb()).paperTests;
    repo.insert(scheduled);
    repo.insert({ ...scheduled, id: 'pt-2', status: 'cancelled', reason: 'operator', createdAt: T0 + 1 });
    repo.insert({ ...scheduled, id: 'pt-3', versionId: 'sha256:other', status: 'evaluating', createdAt: T0 + 2 });
    expect(repo.active().map((t) => t.id)).toEqual(['pt-1', 'pt-3']);
    expect(repo.byVersion('sha256:new').map((t) => t.id)).toEqual(['pt-1', 'pt-2']);
  });

  it('refuses a duplicate id and an update of an unknown test', () => {
    const repo = createRepositories(memoryDb()).paperTests;
    repo.insert(scheduled);
    expect(() => repo.insert(scheduled)).toThrow(expect.objectContaining({ code: 'duplicate' }));
    expect(() => repo.update('pt-9', { status: 'failed', updatedAt: T0 })).toThrow(expect.objectContaining({ code: 'not_found' }));
  });
});
