/**
 * The paper-test machine: scheduled → running → evaluating → passed | failed | cancelled on a simulated
 * clock, with fake shadow and judge; deadlines are absolute and survive a restart through `resuming`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, waitFor, type Actor, type EventObject } from 'xstate';
import {
  paperTestMachine,
  type JudgeInput,
  type PaperTestEmitted,
  type PaperTestInput,
  type PaperTestRecord,
  type PaperTestVerdict,
  type ShadowInput,
} from '../../machines/paper-test.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';
import { paperTestRow } from '../../actors/paper-test.actors.ts';

const T0 = Date.UTC(2025, 0, 6);
const DAY = 86_400_000;
const verdict = (passed: boolean): PaperTestVerdict => ({
  passed,
  failedCheck: passed ? null : 'underperformance',
  reason: passed ? 'ok' : 'trailed the incumbent',
  shadow: { trades: 6, totalReturn: 0.01 },
  incumbent: { trades: 4, totalReturn: 0 },
  replay: { trades: 6, totalReturn: 0.01 },
  drift: [],
});
const actors: Array<Actor<typeof paperTestMachine>> = [];
afterEach(() => actors.splice(0).forEach((a) => a.stop()));

function start(opts: { passes?: boolean; resume?: PaperTestRecord; clock?: SimulatedClock } = {}) {
  const clock = opts.clock ?? new SimulatedClock();
  if (!opts.clock) clock.set(T0);
  const shadows: ShadowInput[] = [];
  const judged: JudgeInput[] = [];
  let report: ((e: EventObject) => void) | null = null;
  const machine = paperTestMachine.provide({
    actors: {
      shadow: fromCallback<EventObject, ShadowInput>(({ input, sendBack }) => {
        shadows.push(input);
        report = sendBack;
      }),
      judge: fromPromise<PaperTestVerdict, JudgeInput>(async ({ input }) => {
        judged.push(input);
        return verdict(opts.passes ?? true);
      }),
      persistState: fromCallback<EventObject, StoreInput>(() => undefined),
    },
  });
  const input: PaperTestInput = {
    id: 'pt-1',
    versionId: 'sha256:cand',
    incumbentId: 'sha256:inc',
    ledgerId: 7,
    settings: { minDays: 3, maxDays: 10, minTrades: 5 },
    now: clock.now(),
    ...(opts.resume ? { resume: { ...opts.resume, now: clock.now() } } : {}),
  };
  const actor = createActor(machine, { input, clock });
  const emitted: PaperTestEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  actors.push(actor);
  const progress = (trades: number, at: number) => report!({ type: 'shadow.progress', trades, lastCandleTime: at, now: at } as EventObject);
  const shadowFails = (error: { code: string; message: string; retryable: boolean }) => report!({ type: 'shadow.failed', error } as EventObject);
  return { actor, clock, shadows, judged, emitted, progress, shadowFails };
}

const persisted = (a: Actor<typeof paperTestMachine>): PaperTestRecord =>
  JSON.parse(JSON.stringify({ value: a.getSnapshot().value, context: a.getSnapshot().context })) as PaperTestRecord;

describe('paper-test machine', () => {
  it('waits scheduled for a slot, then runs its shadow with absolute deadlines', () => {
    const t = start();
    expect(t.actor.getSnapshot().value).toBe('scheduled');
    t.actor.send({ type: 'paperTest.start', now: T0 });
    expect(t.actor.getSnapshot().value).toBe('running');
    expect(t.actor.getSnapshot().context).toMatchObject({ startedAt: T0, minEndAt: T0 + 3 * DAY, maxEndAt: T0 + 10 * DAY });
    expect(t.shadows).toEqual([{ id: 'pt-1', versionId: 'sha256:cand', startedAt: T0, lastCandleTime: null }]);
    expect(t.emitted[0]).toMatchObject({ type: 'paperTest.started', paperTestId: 'pt-1' });
  });

  it('is judged once minDays and minTrades are both reached, and passes', async () => {
    const t = start();
    t.actor.send({ type: 'paperTest.start', now: T0 });
    t.progress(6, T0 + DAY);
    expect(t.actor.getSnapshot().value).toBe('running');
    t.progress(6, T0 + 3 * DAY);
    await waitFor(t.actor, (s) => s.status === 'done');
    expect(t.actor.getSnapshot().value).toBe('passed');
    expect(t.judged).toEqual([{ id: 'pt-1', versionId: 'sha256:cand', incumbentId: 'sha256:inc', from: T0, to: T0 + 3 * DAY, minTrades: 5 }]);
    expect(t.emitted.at(-1)).toMatchObject({ type: 'paperTest.passed', versionId: 'sha256:cand', ledgerId: 7 });
  });

  it('runs on past minDays while trades are few, and is judged at maxDays whatever it has (the judge fails it)', async () => {
    const t = start({ passes: false });
    t.actor.send({ type: 'paperTest.start', now: T0 });
    t.progress(2, T0 + 4 * DAY);
    expect(t.actor.getSnapshot().value).toBe('running');
    t.clock.increment(10 * DAY);
    await waitFor(t.actor, (s) => s.status === 'done');
    expect(t.actor.getSnapshot().value).toBe('failed');
    expect(t.emitted.at(-1)).toMatchObject({ type: 'paperTest.failed', reason: 'trailed the incumbent', error: null });
  });

  it('a shadow that breaks fails the test with the failure whole: its code and retry verdict reach the report', () => {
    const t = start();
    t.actor.send({ type: 'paperTest.start', now: T0 });
    const error = { code: 'sandbox.restart_budget_spent', message: 'the strategy child crashed 3 times', retryable: false };
    t.progress(1, T0 + DAY);
    // What actors/paper-test.actors.ts sends back when the shadow throws.
    t.shadowFails(error);
    expect(t.actor.getSnapshot().value).toBe('failed');
    expect(t.emitted.at(-1)).toMatchObject({
      type: 'paperTest.failed',
      error,
      reason: 'shadow failed: [sandbox.restart_budget_spent] the strategy child crashed 3 times',
    });
    // The persisted context keeps it, and the paper_tests row gets its code (actors/paper-test.actors.ts).
    const context = t.actor.getSnapshot().context;
    expect(context.error).toEqual(error);
    expect(paperTestRow({ value: 'failed', context }, T0 + DAY)).toMatchObject({ reason: context.reason, errorCode: 'sandbox.restart_budget_spent' });
  });

  it('a cancel ends it cancelled, from scheduled or running', () => {
    const t = start();
    t.actor.send({ type: 'paperTest.start', now: T0 });
    t.actor.send({ type: 'paperTest.cancel', by: 'operator', now: T0 + DAY });
    expect(t.actor.getSnapshot().value).toBe('cancelled');
    expect(t.emitted.at(-1)).toMatchObject({ type: 'paperTest.cancelled', by: 'operator' });
  });

  it('survives a restart: resumed running with its shadow restarted from the last candle, its deadline re-armed from the absolute time', async () => {
    const a = start();
    a.actor.send({ type: 'paperTest.start', now: T0 });
    a.progress(6, T0 + DAY);
    const record = persisted(a.actor);
    a.actor.stop();
    const clock = new SimulatedClock();
    clock.set(T0 + 2 * DAY);
    const b = start({ resume: record, clock });
    expect(b.actor.getSnapshot().value).toBe('running');
    expect(b.shadows).toEqual([{ id: 'pt-1', versionId: 'sha256:cand', startedAt: T0, lastCandleTime: T0 + DAY }]);
    clock.increment(DAY - 1);
    expect(b.actor.getSnapshot().value).toBe('running');
    clock.increment(1);
    await waitFor(b.actor, (s) => s.status === 'done');
    expect(b.actor.getSnapshot().value).toBe('passed');
    expect(b.judged[0]).toMatchObject({ from: T0, to: T0 + 3 * DAY });
  });

  it('a restart while evaluating judges again', async () => {
    const a = start();
    a.actor.send({ type: 'paperTest.start', now: T0 });
    const record = { ...persisted(a.actor), value: 'evaluating' as const };
    const b = start({ resume: record });
    await waitFor(b.actor, (s) => s.status === 'done');
    expect(b.judged).toHaveLength(1);
  });
});
