/**
 * The simulated market clock: now() is replay time; timers (dead-man switch, heartbeats, delayed
 * responses) fire only when the replay loop moves time past them. Implements src/clock's Clock.
 */
import type { Clock } from '../clock/clock.ts';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class SimClock implements Clock {
  private current: number;
  private nextId = 1;
  // Few timers are alive at once (DMS, per-connection heartbeats): a sorted array is enough.
  private timers: Timer[] = [];

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeoutMs: number): unknown {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, timeoutMs), fn: () => fn() };
    const at = this.timers.findIndex((t) => t.at > timer.at);
    this.timers.splice(at < 0 ? this.timers.length : at, 0, timer);
    return timer.id;
  }

  clearTimeout(id: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Time of the earliest pending timer, or Infinity. */
  nextTimerAt(): number {
    return this.timers[0]?.at ?? Infinity;
  }

  /** Moves time forward (never back) without firing anything. */
  moveTo(ms: number): void {
    if (ms > this.current) this.current = ms;
  }

  /** Fires every timer due at or before now, in time order (timers added while firing included). */
  fireDue(): void {
    while (this.timers.length > 0 && this.timers[0]!.at <= this.current) {
      this.timers.shift()!.fn();
    }
  }
}
