import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from 'xstate';
import { createRepositories } from '../../src/db/index.ts';
import { ORCHESTRATOR_CYCLE_ACTOR_ID } from '../../machines/orchestrator-cycle.machine.ts';
import { tweakNight } from '../../src/orchestrator/fake-api/scripted-night.ts';
import { reply } from '../../src/orchestrator/fake-api/script.ts';
import { cyclesOf, messagesCalls, nightHarness, type CrashPoint, type NightHarness } from './night-harness.ts';

let h: NightHarness;
afterEach(async () => h?.close());

const persisted = (x: NightHarness) =>
  createRepositories(x.db).machineSnapshots.get(ORCHESTRATOR_CYCLE_ACTOR_ID)?.snapshot as { value: string; context: { cycleId: string } } | undefined;

const crashes: Array<[string, CrashPoint, string]> = [
  ['inside gathering', { duringGather: true }, 'gathering'],
  ['right after the analysis answer was stored', { afterAnswer: 'analysis' }, 'analysing'],
  ['right after the generation answer was stored', { afterAnswer: 'generation' }, 'generating'],
  ['right after the review answer was stored', { afterAnswer: 'review' }, 'reviewing'],
  ['right after the pipeline took the candidate, before its answer was stored', { afterSubmit: true }, 'submitting'],
];

describe('a night interrupted by a restart resumes where it was, paying for no answer twice', () => {
  for (const [when, crash, state] of crashes) {
    it(`a restart ${when} resumes in ${state} and ends with the paper test scheduled`, async () => {
      h = await nightHarness({ crash });
      h.fake.enqueue(...tweakNight());
      await h.trigger();
      await h.crashed;
      expect(persisted(h)?.value).toBe(state);
      await h.restart();
      const end = await h.settled();
      expect(end.value).toBe('done');
      const cycle = cyclesOf(h).recent(1)[0]!;
      expect(cycle.id).toBe(persisted(h)?.context.cycleId);
      expect(cycle.outcome).toBe('submitted');
      expect(messagesCalls(h)).toHaveLength(3);
      expect(
        cyclesOf(h)
          .answers(cycle.id)
          .map((a) => a.step),
      ).toEqual(['analysis', 'generation', 'review']);
      expect(h.db.prepare("SELECT COUNT(*) AS n FROM orchestrator_observations WHERE topic = 'night'").get()).toEqual({ n: 1 });
      expect(h.fake.pending()).toBe(0);
    });
  }

  it('a submission interrupted after the pipeline took it is recognised as ours, not refused as a duplicate', async () => {
    h = await nightHarness({ crash: { afterSubmit: true } });
    h.fake.enqueue(...tweakNight());
    await h.trigger();
    await h.crashed;
    await h.restart();
    await h.settled();
    expect(h.pipeline.submissions).toHaveLength(2);
    expect(cyclesOf(h).recent(1)[0]).toMatchObject({ outcome: 'submitted', reason: expect.stringContaining('submitted before a restart') });
  });

  it('an overloaded API waits inside the window on the clock, survives a restart while waiting, and retries', async () => {
    h = await nightHarness({ settings: { cycle: { retryDelaySeconds: 300 } } });
    h.fake.enqueue(reply.error(529, { retryAfterSeconds: 600 }), ...tweakNight());
    await h.trigger();
    await waitFor(h.actor, (s) => s.matches('waiting'));
    expect(persisted(h)?.value).toBe('waiting');
    await h.restart();
    expect(h.actor.getSnapshot().value).toBe('waiting');
    h.clock.increment(599_000);
    expect(h.actor.getSnapshot().value).toBe('waiting');
    h.clock.increment(2_000);
    const end = await h.settled();
    expect(end.value).toBe('done');
    expect(cyclesOf(h).recent(1)[0]!.outcome).toBe('submitted');
  });

  it('inv. 5: when the window has no room left the night fails closed, nothing is submitted, the reason is stored', async () => {
    h = await nightHarness({ settings: { cycle: { windowMinutes: 10, retryDelaySeconds: 300 } } });
    h.fake.enqueue(reply.error(529), reply.error(529, { retryAfterSeconds: 30 }));
    await h.trigger();
    await waitFor(h.actor, (s) => s.matches('waiting'));
    h.clock.increment(300_000);
    const end = await h.settled();
    expect(end.value).toBe('failed');
    expect(h.pipeline.submissions).toEqual([]);
    expect(cyclesOf(h).recent(1)[0]).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/overloaded.*window/s) });
  });

  it('a record written by another version of the cycle machine is not resumed: the night fails closed and the next slot starts fresh', async () => {
    h = await nightHarness({ crash: { afterAnswer: 'analysis' } });
    h.fake.enqueue(...tweakNight());
    await h.trigger();
    await h.crashed;
    const snapshots = createRepositories(h.db).machineSnapshots;
    snapshots.save({ ...snapshots.get(ORCHESTRATOR_CYCLE_ACTOR_ID)!, machineVersion: '0' });
    await h.restart();
    expect(h.actor.getSnapshot().value).toBe('failed');
    expect(h.actor.getSnapshot().context.reason).toMatch(/cycle machine v0.*not resumed/);
    h.fake.enqueue(...tweakNight().slice(0, 1));
    await h.night();
    const [fresh, abandoned] = cyclesOf(h).recent(2);
    expect(abandoned).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('abandoned') });
    expect(fresh!.id).not.toBe(abandoned!.id);
  });
});
