/**
 * The bad-model-output corpus runner: each case scripts the fake's answers for one night and states how
 * the night must end (a clean refusal, or a bounded repair that then succeeds), with the reason stored.
 * The cycle machine always ends waiting for the next slot (done or failed), never stuck or thrown.
 */
import { expect } from 'vitest';
import type { Config } from '../../src/config/index.ts';
import type { FakeReply } from '../../src/orchestrator/fake-api/script.ts';
import { cyclesOf, messagesCalls, nightHarness, type HarnessOptions, type NightHarness } from './night-harness.ts';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

export interface BadOutputCase {
  name: string;
  replies: FakeReply[];
  settings?: DeepPartial<Config['orchestrator']>;
  options?: Omit<HarnessOptions, 'settings'>;
  /** Runs before the night (rows in the database, an earlier night). */
  before?: (h: NightHarness) => Promise<void>;
  expect: {
    outcome: 'refused' | 'submitted' | 'no_change' | 'failed';
    reason?: RegExp;
    /** Model calls paid for in the night under test. */
    calls?: number;
    submissions?: number;
  };
  /** Further checks on the harness after the night. */
  after?: (h: NightHarness) => void;
}

export async function runCase(c: BadOutputCase): Promise<NightHarness> {
  const h = await nightHarness({ ...c.options, ...(c.settings ? { settings: c.settings } : {}) });
  await c.before?.(h);
  const callsBefore = messagesCalls(h).length;
  const submissionsBefore = h.pipeline.submissions.length;
  h.fake.enqueue(...c.replies);
  const end = await h.night();
  expect(['done', 'failed']).toContain(end.value);
  const cycle = cyclesOf(h).recent(1)[0]!;
  expect(cycle.outcome).toBe(c.expect.outcome);
  if (c.expect.reason) expect(cycle.reason).toMatch(c.expect.reason);
  if (c.expect.outcome === 'refused' || c.expect.outcome === 'failed') expect(cycle.reason?.length ?? 0).toBeGreaterThan(10);
  if (c.expect.calls !== undefined) expect(messagesCalls(h).length - callsBefore).toBe(c.expect.calls);
  if (c.expect.submissions !== undefined) expect(h.pipeline.submissions.length - submissionsBefore).toBe(c.expect.submissions);
  expect(h.fake.pending()).toBe(0);
  c.after?.(h);
  return h;
}
