/** Fixtures for breaker machine tests: a started breaker with a no-op store, a SimulatedClock and the emitted log. */
import { afterEach } from 'vitest';
import { createActor, fromCallback, SimulatedClock, type Actor, type EventObject } from 'xstate';
import { breakerMachine, type BreakerEmitted, type BreakerEvent, type BreakerInput } from '../../machines/breaker.machine.ts';
import type { StoreInput } from '../../machines/shared.ts';
import { RiskLimitsSchema, type RiskLimits } from '../../src/contract/risk.ts';
import type { RiskView } from '../../src/trading/breaker.ts';

export const T0 = Date.UTC(2025, 0, 6, 12);
export const MINUTE = 60_000;

export function limits(over: Partial<RiskLimits> = {}): RiskLimits {
  return RiskLimitsSchema.parse(over);
}

export function riskView(over: Partial<RiskView> = {}): RiskView {
  return {
    equity: 10_000,
    cash: 10_000,
    peakEquity: 10_000,
    dayStartEquity: 10_000,
    consecutiveLosses: 0,
    lastLossAt: Number.NaN,
    now: T0,
    openPositions: 0,
    pairExposure: 0,
    totalExposure: 0,
    heldQuantity: 0,
    ...over,
  };
}

/** The breaker with a store that does nothing (its real writes are tested in tests/actors). */
export const testBreaker = breakerMachine.provide({
  actors: { persistState: fromCallback<EventObject, StoreInput>(() => undefined) },
});

const started: Actor<typeof testBreaker>[] = [];
afterEach(() => {
  for (const a of started.splice(0)) a.stop();
});

export function startBreaker(input: Partial<BreakerInput> = {}) {
  const clock = new SimulatedClock();
  clock.set(input.resume?.now ?? input.now ?? T0);
  const actor = createActor(testBreaker, { input: { limits: limits(), now: T0, ...input }, clock });
  const emitted: BreakerEmitted[] = [];
  actor.on('*', (e) => emitted.push(e));
  actor.start();
  started.push(actor);
  const send = (e: BreakerEvent) => actor.send(e);
  return {
    actor,
    clock,
    emitted,
    send,
    level: () => actor.getSnapshot().value,
    context: () => actor.getSnapshot().context,
    update: (over: Partial<RiskView>) => send({ type: 'portfolio.updated', view: riskView(over) }),
    lose: (n: number, time = T0) => {
      for (let i = 0; i < n; i++) send({ type: 'trade.closed', pnl: -10, time });
    },
  };
}
