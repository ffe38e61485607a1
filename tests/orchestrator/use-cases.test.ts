import { describe, expect, it } from 'vitest';
import { createRepositories } from '../../src/db/index.ts';
import { budgetStatus } from '../../src/orchestrator/use-cases.ts';
import { memoryDb } from '../db/helpers.ts';

describe('the budget use case (/budget)', () => {
  it('sums token_usage in the UTC day and the calendar month of now, against the caps in config', () => {
    const db = memoryDb();
    const repo = createRepositories(db).orchestrator;
    const now = Date.UTC(2026, 2, 4, 3, 30);
    const spend = (time: number, costUsd: number) =>
      repo.recordTokenUsage({
        time,
        cycleId: 'n',
        model: 'm',
        purpose: 'analysis',
        inputTokens: 1,
        outputTokens: 1,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd,
      });
    spend(Date.UTC(2026, 1, 28, 3), 1);
    spend(Date.UTC(2026, 2, 1, 3), 0.5);
    spend(Date.UTC(2026, 2, 4, 3, 1), 0.25);
    spend(Date.UTC(2026, 2, 4, 3, 2), 0.125);
    expect(budgetStatus(db, { dailyBudgetUsd: 5, monthlyBudgetUsd: 50 }, now)).toEqual({
      dayUsd: 0.375,
      monthUsd: 0.875,
      dailyCapUsd: 5,
      monthlyCapUsd: 50,
      calls: 2,
    });
  });
});
