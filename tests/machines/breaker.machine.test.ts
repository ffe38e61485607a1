import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, type EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import { breakerMachine, type BreakerEvent } from '../../machines/breaker.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';
import { evaluateIntent } from '../../src/trading/risk.ts';
import { defaultPairRules, STARTER_FEES } from '../../src/trading/index.ts';
import { limits, MINUTE, riskView, startBreaker, T0, testBreaker } from './breaker.fixtures.ts';

const types = (e: { type: string }[]) => e.map((x) => x.type);

describe('breaker machine: triggers', () => {
  it('starts active when nothing is restored', () => {
    expect(startBreaker().level()).toBe('active');
  });

  it('a daily loss at the limit halts and reports the reason', () => {
    const b = startBreaker();
    b.update({ equity: 9_700, dayStartEquity: 10_000 });
    expect(b.level()).toBe('halted');
    expect(b.emitted).toMatchObject([{ type: 'breaker.tripped', reason: 'daily_loss', at: T0, resumeAt: null }]);
  });

  it('a drawdown beyond the max halts', () => {
    const b = startBreaker();
    b.update({ equity: 8_400, peakEquity: 10_000, dayStartEquity: 8_400 });
    expect(b.level()).toBe('halted');
    expect(b.context().reason).toBe('drawdown');
  });

  it('the configured number of consecutive losses halts; a win in between resets the streak', () => {
    const b = startBreaker();
    b.lose(4);
    b.send({ type: 'trade.closed', pnl: 5, time: T0 });
    b.lose(4);
    expect(b.level()).toBe('active');
    b.lose(1);
    expect(b.level()).toBe('halted');
    expect(b.emitted).toMatchObject([{ type: 'breaker.tripped', reason: 'consecutive_losses', consecutiveLosses: 5 }]);
  });

  it('a drawdown past the reducing level reduces, and recovering below it returns to active', () => {
    const b = startBreaker();
    b.update({ equity: 9_100, peakEquity: 10_000, dayStartEquity: 9_100 });
    expect(b.level()).toBe('reducing');
    b.update({ equity: 9_500, peakEquity: 10_000, dayStartEquity: 9_100 });
    expect(b.level()).toBe('active');
    expect(types(b.emitted)).toEqual(['breaker.reduced', 'breaker.resumed']);
    expect(b.emitted[1]).toMatchObject({ from: 'reducing', by: 'recovery' });
  });

  it('reducing escalates to halted when a hard limit is reached', () => {
    const b = startBreaker();
    b.update({ equity: 9_100, dayStartEquity: 9_100 });
    b.update({ equity: 8_000, dayStartEquity: 9_100 });
    expect(b.level()).toBe('halted');
    expect(types(b.emitted)).toEqual(['breaker.reduced', 'breaker.tripped']);
  });

  it('an operator halt stops entries at once with reason manual', () => {
    const b = startBreaker();
    b.send({ type: 'breaker.halt', by: 'telegram', time: T0 + 5 });
    expect(b.level()).toBe('halted');
    expect(b.context()).toMatchObject({ reason: 'manual', since: T0 + 5 });
  });
});

describe('breaker machine: resume', () => {
  it('a manual resume after the condition cleared returns to active and resets the streak', () => {
    const b = startBreaker();
    b.lose(5);
    b.send({ type: 'breaker.resume', by: 'cli', time: T0 + MINUTE });
    expect(b.level()).toBe('active');
    expect(b.context().consecutiveLosses).toBe(0);
    expect(b.emitted.at(-1)).toMatchObject({ type: 'breaker.resumed', from: 'halted', by: 'cli', at: T0 + MINUTE, consecutiveLosses: 0 });
  });

  it('a resume is refused while a hard limit still holds, naming it', () => {
    const b = startBreaker();
    b.update({ equity: 8_000, dayStartEquity: 8_000 });
    b.send({ type: 'breaker.resume', by: 'cli', time: T0 + MINUTE });
    expect(b.level()).toBe('halted');
    expect(b.emitted.at(-1)).toMatchObject({ type: 'breaker.resumeRefused', reason: 'drawdown', by: 'cli' });
  });

  it('in manual mode the clock alone never resumes', () => {
    const b = startBreaker();
    b.lose(5);
    b.clock.increment(30 * 24 * 60 * MINUTE);
    expect(b.level()).toBe('halted');
  });

  it('in auto mode the halt lifts after the cool-down, at the deadline kept in context', () => {
    const b = startBreaker({ limits: limits({ resume: 'auto', autoResumeAfterMinutes: 60 }) });
    b.lose(5);
    expect(b.context().resumeAt).toBe(T0 + 60 * MINUTE);
    b.clock.increment(60 * MINUTE - 1);
    expect(b.level()).toBe('halted');
    b.clock.increment(1);
    expect(b.level()).toBe('active');
    expect(b.emitted.at(-1)).toMatchObject({ type: 'breaker.resumed', by: 'auto', at: T0 + 60 * MINUTE });
  });

  it('in auto mode a limit still holding at the deadline re-arms another cool-down', () => {
    const b = startBreaker({ limits: limits({ resume: 'auto', autoResumeAfterMinutes: 60 }) });
    b.update({ equity: 8_000, dayStartEquity: 8_000 });
    b.clock.increment(60 * MINUTE);
    expect(b.level()).toBe('halted');
    expect(b.context().resumeAt).toBe(T0 + 120 * MINUTE);
    b.update({ equity: 9_900, peakEquity: 10_000, dayStartEquity: 9_900, now: T0 + 90 * MINUTE });
    b.clock.increment(60 * MINUTE);
    expect(b.level()).toBe('active');
  });

  it('new limits apply at the next update', () => {
    const b = startBreaker();
    b.update({ equity: 9_100, dayStartEquity: 9_100 });
    b.send({ type: 'breaker.limits', limits: limits({ reducingDrawdownFraction: 0.1 }), time: T0 + 1 });
    b.update({ equity: 9_100, dayStartEquity: 9_100, now: T0 + 2 });
    expect(b.level()).toBe('active');
  });
});

describe('breaker machine: persistence (a restart keeps the level)', () => {
  const roundTrip = (snapshot: unknown) => JSON.parse(JSON.stringify(snapshot)) as { value: 'active' | 'reducing' | 'halted'; context: never };

  it('persist → JSON → resume → persist gives the same level and context', () => {
    const b = startBreaker();
    b.update({ equity: 9_100, dayStartEquity: 9_100 });
    b.lose(2);
    const saved = roundTrip(b.actor.getPersistedSnapshot());
    const again = startBreaker({ resume: { value: saved.value, context: saved.context, now: T0 } });
    expect(again.level()).toBe('reducing');
    expect(roundTrip(again.actor.getPersistedSnapshot())).toEqual(saved);
    expect(again.emitted).toEqual([]);
  });

  it('a halted breaker restarted stays halted, and entries are still refused', () => {
    const b = startBreaker();
    b.lose(5);
    const saved = roundTrip(b.actor.getPersistedSnapshot());
    const again = startBreaker({ resume: { value: saved.value, context: saved.context, now: T0 + 10 * MINUTE } });
    expect(again.level()).toBe('halted');
    expect(again.context().consecutiveLosses).toBe(5);
  });

  it('a restart re-arms the auto cool-down from the absolute deadline, not from zero', () => {
    const b = startBreaker({ limits: limits({ resume: 'auto', autoResumeAfterMinutes: 60 }) });
    b.lose(5);
    const saved = roundTrip(b.actor.getPersistedSnapshot());
    const again = startBreaker({ resume: { value: saved.value, context: saved.context, now: T0 + 45 * MINUTE } });
    again.clock.increment(15 * MINUTE - 1);
    expect(again.level()).toBe('halted');
    again.clock.increment(1);
    expect(again.level()).toBe('active');
  });

  it('a restart after the deadline passed resumes at once', () => {
    const b = startBreaker({ limits: limits({ resume: 'auto', autoResumeAfterMinutes: 60 }) });
    b.lose(5);
    const saved = roundTrip(b.actor.getPersistedSnapshot());
    const again = startBreaker({ resume: { value: saved.value, context: saved.context, now: T0 + 3 * 60 * MINUTE } });
    again.clock.increment(0);
    expect(again.level()).toBe('active');
  });
});

describe('inv. 3: the risk gate with the breaker machine', () => {
  const s = { limits: limits(), rules: defaultPairRules('ETH/USD'), fees: STARTER_FEES, slippage: 0.0005 };
  const intent = (action: 'buy' | 'sell' | 'close') => ({ pair: 'ETH/USD' as const, action, sizeFraction: action === 'buy' ? 0.05 : 1, refPrice: 3_000 });

  it('inv. 3: a sell and a close pass while the breaker is halted; a buy is refused', () => {
    const b = startBreaker();
    b.send({ type: 'breaker.halt', by: 'cli', time: T0 });
    const level = b.level() as 'halted';
    const held = riskView({ heldQuantity: 0.5, pairExposure: 1_500, totalExposure: 1_500, openPositions: 1 });
    expect(evaluateIntent(intent('sell'), held, s, level).verdict).toBe('accept');
    expect(evaluateIntent(intent('close'), held, s, level).verdict).toBe('accept');
    expect(evaluateIntent(intent('buy'), riskView(), s, level)).toEqual({ verdict: 'reject', reason: 'breaker_halted' });
  });

  it('inv. 3: a reducing breaker halves an entry', () => {
    const b = startBreaker();
    b.update({ equity: 9_100, dayStartEquity: 9_100 });
    const verdict = evaluateIntent(intent('buy'), riskView({ equity: 9_100, cash: 9_100, dayStartEquity: 9_100 }), s, b.level() as 'reducing');
    expect(verdict).toMatchObject({ verdict: 'accept', order: { reduced: true } });
  });
});

describe('breaker machine: path coverage (xstate/graph)', () => {
  const events: BreakerEvent[] = [
    { type: 'portfolio.updated', view: riskView({ equity: 9_100, dayStartEquity: 9_100 }) },
    { type: 'portfolio.updated', view: riskView({ equity: 8_000, dayStartEquity: 8_000 }) },
    { type: 'portfolio.updated', view: riskView() },
    { type: 'breaker.halt', by: 'cli', time: T0 },
    { type: 'breaker.resume', by: 'cli', time: T0 },
    { type: 'xstate.after.untilAutoResume.breaker.halted' } as unknown as BreakerEvent,
  ];
  const machine = breakerMachine.provide({ actors: { persistState: fromCallback<EventObject, StoreInput>(() => undefined) } });

  it('reaches every level, and each is left again', () => {
    const input = { limits: limits({ resume: 'auto' }), now: T0 };
    const paths = getShortestPaths(machine, { events, input, serializeState: (s) => JSON.stringify(s.value) + JSON.stringify(s.context.marks) });
    const reached = new Set(paths.map((p) => p.state.value));
    expect([...reached].sort()).toEqual(['active', 'halted', 'reducing']);
    const simple = getSimplePaths(machine, { events, input, serializeState: (s) => JSON.stringify(s.value) + JSON.stringify(s.context.marks) });
    const fromHalted = simple.filter((p) => p.steps.some((st) => st.state.value === 'halted') && p.state.value === 'active');
    expect(fromHalted.length).toBeGreaterThan(0);
  });

  it('an unwired store is reported as breaker.persistFailed naming the actors file, and the breaker keeps working', () => {
    const actor = createActor(breakerMachine, { input: { limits: limits(), now: T0 } });
    const emitted: { type: string; error?: { code: string; message: string; retryable: boolean } }[] = [];
    actor.on('*', (e) => emitted.push(e));
    actor.start();
    actor.send({ type: 'breaker.halt', by: 'cli', time: T0 });
    expect(actor.getSnapshot().value).toBe('halted');
    expect(emitted[0]?.type).toBe('breaker.persistFailed');
    expect(emitted[0]?.error).toMatchObject({ code: 'machine.not_provided', retryable: false, message: expect.stringContaining('actors/breaker.actors.ts') });
    actor.stop();
    expect(testBreaker.id).toBe('breaker');
  });
});

describe('breaker machine: held at reducing by a failed self-audit', () => {
  it("a failed audit's hold goes to reducing and holds there while the equity is healthy, until an operator resumes", () => {
    const b = startBreaker();
    b.update({ equity: 10_000, peakEquity: 10_000, dayStartEquity: 10_000 });
    b.send({ type: 'breaker.hold', reason: 'audit_failed', time: T0 + MINUTE });
    b.send({ type: 'breaker.release', reason: 'balance_mismatch', time: T0 + MINUTE });
    expect(b.level()).toBe('reducing');
    b.update({ equity: 10_100, peakEquity: 10_100, dayStartEquity: 10_000 });
    expect(b.level()).toBe('reducing');
    b.send({ type: 'breaker.resume', by: 'cli', time: T0 + 2 * MINUTE });
    expect(b.level()).toBe('active');
    expect(b.context().holds).toEqual([]);
    expect(b.emitted).toMatchObject([
      { type: 'breaker.reduced', reason: 'audit_failed', at: T0 + MINUTE },
      { type: 'breaker.resumed', from: 'reducing', by: 'cli' },
    ]);
  });

  it('a held breaker still halts on a hard limit', () => {
    const b = startBreaker();
    b.send({ type: 'breaker.hold', reason: 'audit_failed', time: T0 });
    b.update({ equity: 8_000, peakEquity: 10_000, dayStartEquity: 10_000 });
    expect(b.level()).toBe('halted');
  });
});
