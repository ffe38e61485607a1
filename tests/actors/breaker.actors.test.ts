import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { breakerActors } from '../../actors/breaker.actors.ts';
import { BREAKER_ACTOR_ID, BREAKER_MACHINE_VERSION, breakerMachine, type BreakerRecord } from '../../machines/breaker.machine.ts';
import { RiskLimitsSchema } from '../../src/contract/risk.ts';
import { T0, world } from './fixtures.ts';

const limits = RiskLimitsSchema.parse({});

function boot(w: ReturnType<typeof world>, now = T0) {
  const machine = breakerMachine.provide({ actors: breakerActors({ risk: w.repos.risk, snapshots: w.repos.machineSnapshots, clock: w.clock, log: w.log }) });
  const row = w.repos.machineSnapshots.get(BREAKER_ACTOR_ID);
  const resume = row ? { ...(row.snapshot as BreakerRecord), now } : undefined;
  const actor = createActor(machine, { input: { limits, now, resume }, clock: w.clock });
  actor.start();
  return actor;
}

describe('breaker actors: persistence through the database', () => {
  it('writes the level to risk_state and the machine record to machine_snapshots on every change', () => {
    const w = world();
    const b = boot(w);
    for (let i = 0; i < 5; i++) b.send({ type: 'trade.closed', pnl: -1, time: T0 + i });
    expect(w.repos.risk.get()).toMatchObject({ state: 'halted', reason: 'consecutive_losses', consecutiveLosses: 5 });
    const row = w.repos.machineSnapshots.get(BREAKER_ACTOR_ID);
    expect(row).toMatchObject({ machine: 'breaker', machineVersion: BREAKER_MACHINE_VERSION, snapshot: { value: 'halted' } });
    b.stop();
  });

  it('a restart from the database keeps the halted level until a resume', () => {
    const w = world();
    const first = boot(w);
    first.send({ type: 'breaker.halt', by: 'telegram', time: T0 });
    first.stop();
    const second = boot(w, T0 + 3_600_000);
    expect(second.getSnapshot().value).toBe('halted');
    second.send({ type: 'breaker.resume', by: 'cli', time: T0 + 3_600_001 });
    expect(w.repos.risk.get()).toMatchObject({ state: 'active', reason: null });
    second.stop();
  });
});
