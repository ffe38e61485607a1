/**
 * Moves a matrix world from one known point to the next: a candle step and the trade line it brings, a
 * kill at an armed hold, a restart, and the verdict row of one fault (its outcome, and what the venue's
 * record says was lost or duplicated). Every wait is for a log line of the daemon or a record of the
 * simulator; time moves only when a step moves the simulator's clock.
 */
import type { Audit } from './audit.ts';
import type { LogLine } from './daemon-process.ts';
import type { World } from './world.ts';

export type Outcome = 'recovered' | 'halted safely';

export interface Row {
  fault: string;
  outcome: Outcome | 'FAILED';
  lost: number;
  duplicated: number;
  notes: string;
}

/** A hold that never releases by itself: the matrix ends the request by killing its sender. */
export const FOREVER = 30 * 86_400_000;

/** Lines that end one candle's trade step: its position opened, closed, gave up its entry, or kept a remainder. */
const SETTLED = new Set([
  'position opened',
  'position closed',
  'entry cancelled: position abandoned',
  'entry not filled: position abandoned',
  'exit settled with a remainder: position open again',
]);
export const settles = (l: LogLine): boolean => SETTLED.has(l.msg);

/** Buys decided on candles back-filled after a gap are refused ('stale_candle'): the step's own candle decides after them. */
export const isCatchUp = (l: LogLine): boolean => l.msg === 'intent rejected' && l['verdict'] === 'stale_candle';
const decided = (l: LogLine): boolean => (l.msg === 'intent accepted' || l.msg === 'intent rejected') && !isCatchUp(l);

/** Base the venue holds for the account: the flip strategy closes when it holds, buys when flat. */
export function holds(w: World): boolean {
  return (w.sim.engine.balances()['XXBT']?.balance ?? 0) > 1e-9;
}

/**
 * One candle, its intent, and the line that settles the trade it brings. The settle is looked for after
 * the intent: a restarted daemon's resumed position says "position opened" before any candle is scanned.
 */
export async function step(w: World, what = 'a settled trade step', maxCandles = 3): Promise<LogLine> {
  const d = w.running();
  for (let candles = 1; ; candles++) {
    const from = d.mark();
    await w.candle();
    const intent = await d.waitFor(`the intent of ${what}`, decided, { from });
    if (intent.msg === 'intent accepted') return d.waitFor(what, settles, { from: d.lines.indexOf(intent) + 1 });
    // A position still settling (resuming after a restart, an entry on the REST budget) refuses the next
    // decision ('position_working'): once it has settled, the next candle asks again.
    if (intent['verdict'] !== 'position_working' || candles === maxCandles)
      throw new Error(`${what}: intent rejected (${String(intent['verdict'])}) on ${candles} candles\n${d.tail()}`);
    await d.waitFor(`the working position settled (${what})`, settles, { from: d.lines.indexOf(intent) + 1 });
  }
}

/** Steps until the account is flat (`flat`) or holds (`!flat`), so the next candle is an entry or an exit. */
export async function ready(w: World, side: 'entry' | 'exit'): Promise<void> {
  for (let i = 0; i < 3 && holds(w) !== (side === 'exit'); i++) await step(w);
  if (holds(w) !== (side === 'exit')) throw new Error(`could not bring the account to ${side === 'exit' ? 'holding' : 'flat'}`);
}

/** The simulator's next record of `method` arriving ('rest request'). */
export function arrival(w: World, method: string): Promise<unknown> {
  return w.simRecord(`${method} request`, (r) => r['msg'] === 'rest request' && r['method'] === method);
}

/** The simulator's next order event of this kind ('new', 'filled', 'canceled'). */
export function orderEvent(w: World, execType: string): Promise<Record<string, unknown>> {
  return w.simRecord(`'${execType}' order event`, (r) => r['msg'] === 'order event' && r['execType'] === execType);
}

/**
 * The verdict row of one fault, once the books have caught up: the line a step waits for is logged in
 * the same turn as the rows are written, but an order given up on its deadline is mirrored a moment
 * later. The audit is repeated for at most `graceMs` of real time while it finds something; what still
 * disagrees then is the verdict.
 */
export async function verdict(w: World, fault: string, breakerBefore: string, notes: string[], graceMs = 3_000): Promise<Row> {
  const until = Date.now() + graceMs;
  let audit = w.audit();
  while (audit.lost.length + audit.duplicated.length + audit.disagreements.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    audit = w.audit();
  }
  return rowOf(fault, audit, breakerBefore, notes);
}

/** The verdict row of one fault: the audit against the venue, and whether the daemon trades on as before. */
export function rowOf(fault: string, audit: Audit, breakerBefore: string, notes: string[]): Row {
  const problems = [...audit.lost, ...audit.duplicated, ...audit.disagreements];
  const halted = audit.breaker !== breakerBefore;
  const outcome: Row['outcome'] = problems.length > 0 ? 'FAILED' : halted ? 'halted safely' : 'recovered';
  const all = [...notes, ...(halted ? [`breaker ${breakerBefore} → ${audit.breaker}`] : []), ...problems];
  return { fault, outcome, lost: audit.lost.length, duplicated: audit.duplicated.length, notes: all.join('; ') };
}

/** The matrix as a table: fault × outcome, lost, duplicated. */
export function table(rows: readonly Row[]): string {
  const w = Math.max(5, ...rows.map((r) => r.fault.length));
  const head = `${'fault'.padEnd(w)} | outcome        | lost | dup | notes`;
  const lines = rows.map(
    (r) => `${r.fault.padEnd(w)} | ${r.outcome.padEnd(14)} | ${String(r.lost).padStart(4)} | ${String(r.duplicated).padStart(3)} | ${r.notes}`,
  );
  return [head, '-'.repeat(head.length + 20), ...lines].join('\n');
}
