/**
 * The breaker changed while no daemon runs (`brain breaker resume|halt` on a stopped daemon): under the
 * single-instance lock, the persisted breaker is resumed through the breaker machine itself — the same
 * guards (a resume is refused while a hard limit still holds), the same persister (machine_snapshots and
 * risk_state) — sent the operator's event and stopped. The next boot resumes from what it wrote.
 */
import type { Logger } from 'pino';
import { createActor } from 'xstate';
import { breakerActors } from '../../actors/breaker.actors.ts';
import { breakerMachine, type BreakerEmitted } from '../../machines/breaker.machine.ts';
import type { Clock } from '../clock/clock.ts';
import type { RiskLimits } from '../contract/index.ts';
import { durableRecords } from '../../actors/supervisor/reconcile.ts';
import { createRepositories, openDatabase, type Repositories } from '../db/index.ts';
import { acquirePidLock, databaseLockPath } from '../lock/index.ts';
import type { BreakerLevel } from '../trading/breaker.ts';
import type { BreakerOutcome, OfflineBreaker } from './ports.ts';
import { BrainError, describeError } from '../contract/errors.ts';

export interface OfflineBreakerOptions {
  dbPath: string;
  limits: RiskLimits;
  clock: Clock;
  log: Logger;
}

function outcomeOf(e: BreakerEmitted): BreakerOutcome | undefined {
  if (e.type === 'breaker.resumed') return { kind: 'resumed', from: e.from, at: e.at };
  if (e.type === 'breaker.resumeRefused') return { kind: 'refused', reason: e.reason, at: e.at };
  if (e.type === 'breaker.tripped') return { kind: 'halted', at: e.at };
  return undefined;
}

/** Runs the persisted breaker for one operator event and returns what it announced. */
export function applyToStoredBreaker(
  repos: Repositories,
  o: Pick<OfflineBreakerOptions, 'limits' | 'clock' | 'log'>,
  action: 'resume' | 'halt',
  by: string,
): BreakerOutcome {
  const stored = durableRecords(repos, o.log).breaker;
  const level = stored?.value ?? 'active';
  if (action === 'resume' ? level !== 'halted' : level === 'halted') return { kind: 'unchanged', level };
  const now = o.clock.now();
  const machine = breakerMachine.provide({ actors: breakerActors({ risk: repos.risk, snapshots: repos.machineSnapshots, clock: o.clock, log: o.log }) });
  const actor = createActor(machine, { input: { limits: o.limits, now, ...(stored ? { resume: { ...stored, now } } : {}) }, clock: o.clock });
  let outcome: BreakerOutcome | undefined;
  let failure: string | undefined;
  actor.on('*', (e) => {
    if (e.type === 'breaker.persistFailed') failure = describeError(e.error);
    outcome ??= outcomeOf(e);
  });
  actor.start();
  actor.send(action === 'resume' ? { type: 'breaker.resume', by, time: now } : { type: 'breaker.halt', by, time: now });
  actor.stop();
  if (failure)
    throw new BrainError(`the breaker could not be saved (${failure}); nothing changed for the next start`, {
      domain: 'breaker',
      code: 'persist_failed',
      retryable: false,
    });
  return outcome ?? { kind: 'unchanged', level: actor.getSnapshot().value as BreakerLevel };
}

export function offlineBreaker(o: OfflineBreakerOptions): OfflineBreaker {
  return {
    async apply(action, by) {
      // The lock says no daemon runs on this database while we write, and keeps one from starting meanwhile.
      const lock = acquirePidLock({ path: databaseLockPath(o.dbPath) });
      try {
        const db = openDatabase({ path: o.dbPath, logger: o.log });
        try {
          return applyToStoredBreaker(createRepositories(db), o, action, by);
        } finally {
          db.close();
        }
      } finally {
        lock.release();
      }
    },
  };
}
