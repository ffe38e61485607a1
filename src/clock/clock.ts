/**
 * The one source of "now". XState's Clock is only setTimeout/clearTimeout; adding now() lets a single
 * object drive both `createActor(m, { clock })` and every piece of code that needs the time.
 * Tests use simulated.ts (xstate's SimulatedClock, which already has now()/increment()); production uses
 * systemClock. No package here: every command loads this file, and most need no xstate.
 */

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
