import { describe, expect, it } from 'vitest';
import { fromCallback, fromPromise, waitFor, type EventObject } from 'xstate';
import {
  orchestratorCycleMachine,
  StepFailure,
  type Began,
  type CycleRecord,
  type CycleTrigger,
  type NightOutcome,
  type StepOutcome,
} from '../../machines/orchestrator-cycle.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';
import { startSupervisor, T0 } from './supervisor.fixtures.ts';

type StepInput = { cycleId: string; attempt: number; feedback: string | null };
type NightInput = { cycleId: string; trigger: CycleTrigger };

/** A cycle child whose steps are fakes: analysis answers `analysis` (or throws it). */
function cycle(analysis: StepOutcome | StepFailure) {
  const ok = fromPromise<StepOutcome, StepInput>(async () => ({ kind: 'ok', at: T0 }));
  return orchestratorCycleMachine.provide({
    actors: {
      persistState: fromCallback<EventObject, StoreInput>(() => undefined),
      restore: fromPromise<CycleRecord | null, void>(async () => null),
      begin: fromPromise<Began, { trigger: CycleTrigger; at: number }>(async () => ({
        cycleId: 'night-1',
        mode: 'model',
        startedAt: T0,
        windowEndsAt: T0 + 3_600_000,
        offlineAlongside: false,
      })),
      gather: ok,
      analyse: fromPromise<StepOutcome, StepInput>(async () => {
        if (analysis instanceof StepFailure) throw analysis;
        return analysis;
      }),
      generate: ok,
      review: ok,
      submit: fromPromise<StepOutcome, StepInput>(async () => ({ kind: 'submitted', at: T0, summary: 'paper test pt-1' })),
      runOffline: fromPromise<StepOutcome, NightInput>(async () => ({ kind: 'ok', at: T0 })),
      runOfflineAlongside: fromPromise<void, NightInput>(async () => undefined),
      finish: fromPromise<void, { cycleId: string; outcome: NightOutcome; reason: string | null }>(async () => undefined),
    },
  });
}

describe('the supervisor and its nightly cycle child', () => {
  it("the scheduler's orchestrator slot starts a night in the child; its start and end are announced", async () => {
    const s = startSupervisor({ cycle: cycle({ kind: 'noChange', at: T0 }) });
    await s.running();
    expect(s.children()).toContain('orchestratorCycle');
    s.port.schedule!({ type: 'schedule.orchestrator', due: T0, time: T0 + 1 });
    await waitFor(s.actor, () => s.emitted.some((e) => e.type === 'orchestrator.cycleFinished'));
    expect(s.emitted).toContainEqual({ type: 'orchestrator.slot', due: T0, at: T0 + 1 });
    expect(s.emitted).toContainEqual(expect.objectContaining({ type: 'orchestrator.cycleStarted', cycleId: 'night-1', trigger: 'slot' }));
    expect(s.emitted).toContainEqual(expect.objectContaining({ type: 'orchestrator.cycleFinished', cycleId: 'night-1', outcome: 'no_change' }));
  });

  it('a run-now request reaches the child and the night can end in a submission', async () => {
    const s = startSupervisor({ cycle: cycle({ kind: 'ok', at: T0 }) });
    await s.running();
    s.actor.send({ type: 'orchestrator.runNow', by: 'telegram', at: T0 });
    await waitFor(s.actor, () => s.emitted.some((e) => e.type === 'orchestrator.cycleFinished'));
    expect(s.emitted).toContainEqual(expect.objectContaining({ type: 'orchestrator.cycleFinished', outcome: 'submitted', reason: 'paper test pt-1' }));
  });

  it('inv. 5: a night that fails closed is an alert, and the daemon keeps trading', async () => {
    const s = startSupervisor({
      cycle: cycle(new StepFailure({ code: 'llm.auth', message: 'invalid x-api-key; check ANTHROPIC_API_KEY', retryable: false }, null, T0)),
    });
    await s.running();
    s.port.schedule!({ type: 'schedule.orchestrator', due: T0, time: T0 });
    await waitFor(s.actor, () => s.emitted.some((e) => e.type === 'supervisor.alert'));
    expect(s.emitted).toContainEqual(
      expect.objectContaining({
        type: 'supervisor.alert',
        message: expect.stringMatching(/failed closed, nothing deployed, the incumbent keeps trading: \[llm\.auth\] invalid x-api-key/),
        error: { code: 'llm.auth', message: 'invalid x-api-key; check ANTHROPIC_API_KEY', retryable: false },
      }),
    );
    expect(s.actor.getSnapshot().matches({ running: 'trading' })).toBe(true);
    const rec = await s.signal('BTC/USD', 'buy', 100);
    expect(rec.signal!.verdict.outcome).toBe('acted');
  });

  it('without an orchestrator the daemon spawns no cycle child and a run-now request is an alert', async () => {
    const s = startSupervisor();
    await s.running();
    expect(s.children()).not.toContain('orchestratorCycle');
    s.actor.send({ type: 'orchestrator.runNow', by: 'telegram', at: T0 });
    expect(s.emitted).toContainEqual(expect.objectContaining({ type: 'supervisor.alert', message: expect.stringContaining('no nightly orchestrator') }));
  });
});
