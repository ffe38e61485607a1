import { describe, expect, it } from 'vitest';
import { createRepositories, type TokenUsage } from '../../src/db/index.ts';
import { T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

describe('orchestrator repository', () => {
  it('keeps the step log and the thoughts of a cycle in order', () => {
    const repo = createRepositories(memoryDb()).orchestrator;
    const entry = { cycleId: 'cy-1', time: T0, step: 'gathering', level: 'info' as const, message: 'context ready', details: { tokens: 1200 } };
    const id = repo.log(entry);
    repo.log({ ...entry, cycleId: 'cy-2' });
    expect(repo.logOfCycle('cy-1')).toEqual([{ id, ...entry }]);
    const thought = { cycleId: 'cy-1', time: T0 + 1, step: 'analyzing', content: 'win rate fell in ranging regimes' };
    const t = repo.recordThought(thought);
    expect(repo.thoughtsOfCycle('cy-1')).toEqual([{ id: t, ...thought }]);
  });

  it('returns the most recent observations first', () => {
    const repo = createRepositories(memoryDb()).orchestrator;
    const old = { cycleId: null, time: T0, topic: 'fees', content: 'maker fills are rare', details: null };
    const recent = { cycleId: 'cy-3', time: T0 + 10, topic: 'regime', content: 'volatility up', details: ['SOL/USD'] };
    repo.recordObservation(old);
    const id = repo.recordObservation(recent);
    expect(repo.recentObservations(1)).toEqual([{ id, ...recent }]);
  });

  it('sums token use and cost over a time range', () => {
    const repo = createRepositories(memoryDb()).orchestrator;
    const usage: TokenUsage = {
      time: T0,
      cycleId: 'cy-1',
      model: 'claude-sonnet-4-5',
      purpose: 'generate',
      inputTokens: 12_000,
      outputTokens: 3_000,
      cacheReadTokens: 8_000,
      cacheWriteTokens: 0,
      costUsd: 0.081,
    };
    const id = repo.recordTokenUsage(usage);
    repo.recordTokenUsage({ ...usage, time: T0 + 100, inputTokens: 1_000, outputTokens: 500, costUsd: 0.0105 });
    repo.recordTokenUsage({ ...usage, time: T0 + 10_000 });
    expect(repo.tokenUsageInRange(T0, T0 + 1)).toEqual([{ id, ...usage }]);
    const totals = repo.tokenTotals(T0, T0 + 1_000);
    expect(totals).toMatchObject({ calls: 2, inputTokens: 13_000, outputTokens: 3_500 });
    expect(totals.costUsd).toBeCloseTo(0.0915, 10);
    expect(repo.tokenTotals(0, 1)).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
  });
});
