import { describe, expect, it } from 'vitest';
import { createRepositories, type AuditEntry } from '../../src/db/index.ts';
import { T0 } from './fixtures.ts';
import { memoryDb } from './helpers.ts';

describe('audit repository', () => {
  it('appends entries with JSON details and reads them by range and by recency', () => {
    const repo = createRepositories(memoryDb()).audit;
    const deploy: AuditEntry = { time: T0, who: 'orchestrator', what: 'strategy.deployed', details: { version: 'v002', gates: [true, true] } };
    const pause: AuditEntry = { time: T0 + 5, who: 'telegram:42', what: 'trading.paused', details: null };
    const a = repo.record(deploy);
    const b = repo.record(pause);
    expect(repo.inRange(T0, T0 + 5)).toEqual([{ id: a, ...deploy }]);
    expect(repo.recent(1)).toEqual([{ id: b, ...pause }]);
  });
});
