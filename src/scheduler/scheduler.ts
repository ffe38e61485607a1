/**
 * Runs the schedule on the injected clock. croner only computes the next slot (`nextRun`); every
 * timer is the clock's, so tests drive the scheduler with a SimulatedClock and never wait for real time.
 *
 * Missed slots collapse: after a suspend or a clock jump over several slots, a job fires once (with
 * the first missed `due`) and re-arms after the current time — a daemon waking from a day's sleep
 * must not run 288 scans back to back.
 */
import type { Logger } from 'pino';
import type { Cron } from 'croner';
import type { Clock } from '../clock/clock.ts';
import { cronFor, nextDue, type ScheduleEvent, type ScheduleEventType, type ScheduleJob } from './jobs.ts';

/** Longest single timer: Node clamps delays above 2^31−1 ms to 1 ms, so far slots are re-armed in steps. */
const MAX_TIMER_MS = 86_400_000;

export interface SchedulerOptions {
  clock: Clock;
  jobs: readonly ScheduleJob[];
  emit: (event: ScheduleEvent) => void;
  logger?: Logger;
}

interface Armed {
  readonly job: ScheduleJob;
  readonly cron: Cron;
  due: number | null;
  timer: unknown;
}

export class Scheduler {
  private readonly armed: Armed[];
  private running = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.armed = opts.jobs.map((job) => ({ job, cron: cronFor(job), due: null, timer: undefined }));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.opts.clock.now();
    for (const a of this.armed) this.arm(a, nextDue(a.cron, now));
  }

  stop(): void {
    this.running = false;
    for (const a of this.armed) {
      this.opts.clock.clearTimeout(a.timer);
      a.timer = undefined;
      a.due = null;
    }
  }

  /** The next slot of each job (ms), for status output; null when stopped or exhausted. */
  upcoming(): Array<{ name: ScheduleEventType; due: number | null }> {
    return this.armed.map((a) => ({ name: a.job.name, due: a.due }));
  }

  private arm(a: Armed, due: number | null): void {
    a.due = due;
    if (due === null || !this.running) return;
    const wait = Math.min(Math.max(0, due - this.opts.clock.now()), MAX_TIMER_MS);
    a.timer = this.opts.clock.setTimeout(() => this.wake(a), wait);
  }

  private wake(a: Armed): void {
    a.timer = undefined;
    const due = a.due;
    if (!this.running || due === null) return;
    const now = this.opts.clock.now();
    // A capped timer (or a real timer firing a hair early) wakes before the slot: wait the rest.
    if (now < due) return this.arm(a, due);
    this.arm(a, nextDue(a.cron, Math.max(now, due)));
    const event = a.job.event(due, now);
    this.opts.logger?.debug({ event: event.type, due, lateMs: now - due }, 'schedule slot');
    try {
      this.opts.emit(event);
    } catch (err) {
      // One failing listener must not stop the timetable: the next slot is already armed.
      this.opts.logger?.error({ err, event: event.type }, 'schedule listener threw');
    }
  }
}
