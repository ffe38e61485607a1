/**
 * The one source of "now". XState's Clock is only setTimeout/clearTimeout; adding now() lets a single
 * object drive both `createActor(m, { clock })` and every piece of code that needs the time.
 * Tests use SimulatedClock (xstate's, which already has now()/increment()); production uses SystemClock.
 */
import { SimulatedClock } from 'xstate';

export { DAY_MS, utcDayStart } from './time.ts';

export interface Clock {
  now(): number;
  setTimeout(fn: (...args: unknown[]) => void, timeoutMs: number): unknown;
  clearTimeout(id: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id) => globalThis.clearTimeout(id as ReturnType<typeof globalThis.setTimeout>),
};

/** A clock the test controls: time moves only through `increment` / `set`. */
export function simulatedClock(startMs = 0): SimulatedClock & Clock {
  const clock = new SimulatedClock();
  clock.set(startMs);
  return clock as SimulatedClock & Clock;
}
