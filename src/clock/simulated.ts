/** A clock the test controls (xstate's SimulatedClock, which already has now()/increment()): time moves only through `increment` / `set`. */
import { SimulatedClock } from 'xstate';
import type { Clock } from './clock.ts';

export function simulatedClock(startMs = 0): SimulatedClock & Clock {
  const clock = new SimulatedClock();
  clock.set(startMs);
  return clock as SimulatedClock & Clock;
}
