/**
 * The breaker's I/O: its persister writes the machine record (machine_snapshots, resumed at boot) and
 * the human-readable risk_state row (level, reason, streak, the figures the rule last saw).
 */
import type { Logger } from 'pino';
import { BREAKER_MACHINE_VERSION, type BreakerRecord } from '../machines/breaker.machine.ts';
import { utcDayStart, type Clock } from '../src/clock/clock.ts';
import type { MachineSnapshotsRepo, RiskRepo, RiskState } from '../src/db/index.ts';
import { persistOwnerState } from './durable.actors.ts';

export interface BreakerActorDeps {
  risk: RiskRepo;
  snapshots: MachineSnapshotsRepo;
  clock: Clock;
  log: Logger;
}

/** The risk_state row for a breaker record. */
export function riskStateOf(r: BreakerRecord, now: number): RiskState {
  const c = r.context;
  return {
    state: r.value,
    reason: c.reason,
    since: c.since,
    consecutiveLosses: c.consecutiveLosses,
    dayStart: utcDayStart(c.now),
    dayStartEquity: c.marks?.dayStartEquity ?? 0,
    peakEquity: c.marks?.peakEquity ?? 0,
    updatedAt: now,
  };
}

export function breakerActors(deps: BreakerActorDeps) {
  return {
    persistState: persistOwnerState<BreakerRecord['value'], BreakerRecord['context']>({
      snapshots: deps.snapshots,
      clock: deps.clock,
      log: deps.log.child({ actor: 'breaker' }),
      machine: 'breaker',
      machineVersion: BREAKER_MACHINE_VERSION,
      mirror: (record, now) => deps.risk.save(riskStateOf(record, now)),
    }),
  };
}
