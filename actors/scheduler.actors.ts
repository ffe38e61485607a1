/**
 * The scheduler as an invokable child: a fromCallback actor that runs the timetable on the injected
 * clock and sends each slot to its parent as a dotted `schedule.*` event. The supervisor decides what
 * a slot means (a scan, a snapshot, a fee refresh); the scheduler only keeps time.
 */
import type { Logger } from 'pino';
import { fromCallback, type EventObject } from 'xstate';
import type { Clock } from '../src/clock/clock.ts';
import type { ScheduleJob } from '../src/scheduler/jobs.ts';
import { Scheduler } from '../src/scheduler/scheduler.ts';

export interface SchedulerActorDeps {
  clock: Clock;
  /** The plan, usually `scheduleFromConfig(config)`. */
  jobs: readonly ScheduleJob[];
  logger?: Logger;
}

export function schedulerActors(deps: SchedulerActorDeps) {
  return {
    runScheduler: fromCallback<EventObject, void>(({ sendBack }) => {
      const scheduler = new Scheduler({
        clock: deps.clock,
        jobs: deps.jobs,
        emit: (event) => sendBack(event),
        ...(deps.logger ? { logger: deps.logger.child({ actor: 'scheduler' }) } : {}),
      });
      scheduler.start();
      return () => scheduler.stop();
    }),
  };
}
