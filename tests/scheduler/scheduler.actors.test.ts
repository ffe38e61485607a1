import { describe, expect, it } from 'vitest';
import { assign, createActor, setup, type AnyEventObject } from 'xstate';
import { schedulerActors } from '../../actors/scheduler.actors.ts';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { buildSchedule } from '../../src/scheduler/jobs.ts';

/** A stand-in for the supervisor: invokes the scheduler and records every `schedule.*` event. */
function parentWith(actors: ReturnType<typeof schedulerActors>) {
  return setup({
    types: { context: {} as { seen: string[] }, events: {} as AnyEventObject },
    actors,
  }).createMachine({
    id: 'parent',
    context: { seen: [] },
    initial: 'running',
    states: {
      running: {
        invoke: { src: 'runScheduler' },
        on: {
          'schedule.*': { actions: assign({ seen: ({ context, event }) => [...context.seen, event.type] }) },
          stop: 'stopped',
        },
      },
      stopped: {},
    },
  });
}

describe('scheduler actor', () => {
  it('sends schedule.* events to the parent on the shared clock and stops with its state', () => {
    const clock = simulatedClock(Date.parse('2024-09-04T23:54:00Z'));
    const actor = createActor(parentWith(schedulerActors({ clock, jobs: buildSchedule({ timeframe: '5m' }) })), { clock });
    actor.start();
    for (let i = 0; i < 7; i++) clock.increment(60_000);
    expect(actor.getSnapshot().context.seen).toEqual(['schedule.scan', 'schedule.dailySnapshot', 'schedule.scan']);
    actor.send({ type: 'stop' });
    for (let i = 0; i < 30; i++) clock.increment(60_000);
    expect(actor.getSnapshot().context.seen).toHaveLength(3);
    actor.stop();
  });
});
