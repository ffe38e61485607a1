import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, waitFor, type EventObject } from 'xstate';
import {
  orchestratorCycleMachine,
  StepFailure,
  type Began,
  type CycleEmitted,
  type CycleRecord,
  type CycleTrigger,
  type NightOutcome,
  type StepOutcome,
} from '../../machines/orchestrator-cycle.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';

const T0 = Date.UTC(2026, 2, 4, 3);
type StepInput = { cycleId: string; attempt: number; feedback: string | null };
type Script = Partial<Record<'gather' | 'analyse' | 'generate' | 'review' | 'submit', Array<StepOutcome | StepFailure | 'hang'>>>;

/** The cycle machine with scripted step outcomes; records every step input and the finish. */
async function start(script: Script, o: { restore?: CycleRecord | null; maxRepairs?: number; clock?: SimulatedClock } = {}) {
  const clock = o.clock ?? new SimulatedClock();
  if (!o.clock) clock.set(T0);
  const calls: string[] = [];
  const finished: Array<{ outcome: NightOutcome; reason: string | null }> = [];
  const step = (name: keyof Script) =>
    fromPromise<StepOutcome, StepInput>(async ({ input }) => {
      calls.push(`${name}${input.attempt}${input.feedback ? ` (${input.feedback})` : ''}`);
      const next = script[name]?.shift() ?? { kind: 'ok', at: clock.now() };
      if (next === 'hang') return new Promise<never>(() => undefined);
      if (next instanceof StepFailure) throw next;
      return next;
    });
  const machine = orchestratorCycleMachine.provide({
    actors: {
      persistState: fromCallback<EventObject, StoreInput>(() => undefined),
      restore: fromPromise<CycleRecord | null, void>(async () => o.restore ?? null),
      begin: fromPromise<Began, { trigger: CycleTrigger; at: number }>(async ({ input }) => ({
        cycleId: 'night-1',
        mode: 'model',
        startedAt: input.at,
        windowEndsAt: input.at + 3_600_000,
        offlineAlongside: false,
      })),
      gather: step('gather'),
      analyse: step('analyse'),
      generate: step('generate'),
      review: step('review'),
      submit: step('submit'),
      runOffline: fromPromise<StepOutcome, { cycleId: string; trigger: CycleTrigger }>(async () => ({ kind: 'submitted', at: T0, summary: 'offline' })),
      runOfflineAlongside: fromPromise<void, { cycleId: string; trigger: CycleTrigger }>(async () => undefined),
      finish: fromPromise<void, { cycleId: string; outcome: NightOutcome; reason: string | null }>(
        async ({ input }) => void finished.push({ outcome: input.outcome, reason: input.reason }),
      ),
    },
  });
  const actor = createActor(machine, { input: { now: clock.now(), maxRepairs: o.maxRepairs ?? 2, retryDelaySeconds: 60 }, clock });
  const emitted: CycleEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  // Events sent while the record is being read back are not for a night yet.
  await waitFor(actor, (s) => !s.matches('resuming'));
  return { actor, clock, calls, finished, emitted };
}

const repair = (reason: string): StepOutcome => ({ kind: 'repair', at: T0, reason });
const settled = (a: Awaited<ReturnType<typeof start>>['actor']) => waitFor(a, (s) => s.matches('done') || s.matches('failed'));

describe('the nightly cycle machine', () => {
  it('a repair carries the reason to the next generation attempt; the bound is maxRepairs', async () => {
    const m = await start({ submit: [repair('types: x is not a number'), repair('types: still not'), repair('types: again')] }, { maxRepairs: 2 });
    m.actor.send({ type: 'orchestrator.slot', due: T0, at: T0 });
    await settled(m.actor);
    expect(m.calls.filter((c) => c.startsWith('generate'))).toEqual(['generate1', 'generate2 (types: x is not a number)', 'generate3 (types: still not)']);
    expect(m.finished).toEqual([{ outcome: 'refused', reason: 'types: again (no repairs left after 3 attempts: orchestrator.cycle.maxRepairs)' }]);
  });

  it('a slot or run-now arriving mid-night is answered "busy" and starts nothing', async () => {
    const m = await start({ analyse: ['hang'] });
    m.actor.send({ type: 'orchestrator.runNow', by: 'test', at: T0 });
    await waitFor(m.actor, (s) => s.matches('analysing'));
    m.actor.send({ type: 'orchestrator.slot', due: T0, at: T0 });
    expect(m.emitted.filter((e) => e.type === 'orchestrator.busy')).toHaveLength(1);
    expect(m.emitted.filter((e) => e.type === 'orchestrator.cycleStarted')).toHaveLength(1);
  });

  it('persist → JSON → resume gives the same state value and context', async () => {
    const a = await start({ analyse: ['hang'] });
    a.actor.send({ type: 'orchestrator.slot', due: T0, at: T0 });
    await waitFor(a.actor, (s) => s.matches('analysing'));
    const snap = a.actor.getSnapshot();
    const record = JSON.parse(JSON.stringify({ value: snap.value, context: snap.context })) as CycleRecord;
    a.actor.stop();
    const b = await start({ analyse: ['hang'] }, { restore: record });
    await waitFor(b.actor, (s) => s.matches('analysing'));
    expect({ value: b.actor.getSnapshot().value, context: b.actor.getSnapshot().context }).toEqual({
      ...record,
      context: { ...record.context, resumeTo: null },
    });
    expect(b.calls).toEqual(['analyse1']);
  });

  /** A night waiting to retry an overloaded analysis, as its row is persisted (JSON), and the clock it ran on. */
  async function waitingNight(): Promise<{ clock: SimulatedClock; record: CycleRecord }> {
    const clock = new SimulatedClock();
    clock.set(T0);
    const a = await start({ analyse: [new StepFailure({ code: 'llm.overloaded', message: 'overloaded', retryable: true }, null, T0)] }, { clock });
    a.actor.send({ type: 'orchestrator.slot', due: T0, at: T0 });
    await waitFor(a.actor, (s) => s.matches('waiting'));
    const snap = a.actor.getSnapshot();
    a.actor.stop();
    return { clock, record: JSON.parse(JSON.stringify({ value: snap.value, context: snap.context })) as CycleRecord };
  }

  it('a wait whose retryAt passed while the daemon was down retries at once on resume', async () => {
    const { clock, record } = await waitingNight();
    expect(record.context.retryAt).toBe(T0 + 60_000);
    clock.set(T0 + 10 * 60_000);
    const b = await start({}, { restore: record, clock });
    expect(b.actor.getSnapshot().context.now).toBe(T0 + 10 * 60_000);
    b.clock.increment(0);
    await settled(b.actor);
    expect(b.calls).toEqual(['analyse1', 'generate1', 'review1', 'submit1']);
  });

  it('a waiting night persisted before failures had a shape (no error, or a bare string) resumes; the string reads as legacy', async () => {
    const { clock, record: fresh } = await waitingNight();
    expect(fresh.context.error).toEqual({ code: 'llm.overloaded', message: 'overloaded', retryable: true });
    const { error: _dropped, ...withoutError } = fresh.context;
    const old = { ...fresh, context: withoutError } as unknown as CycleRecord;
    const b = await start({}, { restore: old, clock });
    expect(b.actor.getSnapshot().context.error).toBeNull();
    b.actor.stop();
    const stringly = { ...fresh, context: { ...fresh.context, error: 'overloaded' } } as unknown as CycleRecord;
    const c = await start({}, { restore: stringly, clock });
    expect(c.actor.getSnapshot().context.error).toEqual({ code: 'legacy', message: 'overloaded', retryable: false });
    c.clock.increment(60_000);
    await settled(c.actor);
    expect(c.calls).toEqual(['analyse1', 'generate1', 'review1', 'submit1']);
  });

  it('a step that throws a non-retryable failure ends the night failed with its message', async () => {
    const error = { code: 'db.bad_sql', message: 'db is read-only', retryable: false };
    const m = await start({ gather: [new StepFailure(error, null, T0)] });
    m.actor.send({ type: 'orchestrator.slot', due: T0, at: T0 });
    expect((await settled(m.actor)).value).toBe('failed');
    expect(m.finished).toEqual([{ outcome: 'failed', reason: '[db.bad_sql] db is read-only' }]);
    expect(m.emitted.at(-1)).toMatchObject({ type: 'orchestrator.cycleFinished', outcome: 'failed', reason: '[db.bad_sql] db is read-only', error });
  });
});
