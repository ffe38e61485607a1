/**
 * Calendar arithmetic on epoch milliseconds. Kept free of imports so pure code that is bundled into
 * the sandbox child (src/trading, src/backtest) can use it without pulling in xstate.
 */
export const DAY_MS = 86_400_000;

/** UTC midnight (ms) of the day containing `ms`. */
export function utcDayStart(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}
