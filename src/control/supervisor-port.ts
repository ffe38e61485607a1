/**
 * The supervisor as the console sees it, in-process: its own snapshot digested into a view, one operator
 * event at a time, and a wait for an announced outcome or a state — on the injected clock, never on real
 * time. It reads only the root actor's snapshot and announcements (never a child's context).
 */
import type { Actor, SnapshotFrom } from 'xstate';
import type { supervisorMachine } from '../../machines/supervisor.machine.ts';
import type { SupervisorEmitted } from '../../machines/supervisor-types.ts';
import type { Clock } from '../clock/clock.ts';
import type { DaemonState, OperatorCommand, SupervisorPort, SupervisorView } from './ports.ts';

type SupervisorActor = Actor<typeof supervisorMachine>;
type Snapshot = SnapshotFrom<typeof supervisorMachine>;

export function stateOf(s: Snapshot): DaemonState {
  if (s.matches('booting')) return 'booting';
  if (s.matches({ running: 'paused' })) return 'paused';
  if (s.matches('running')) return 'trading';
  return s.value as DaemonState;
}

export function viewOf(s: Snapshot): SupervisorView {
  const c = s.context;
  return {
    state: stateOf(s),
    now: c.now,
    ledger: c.ledger,
    marks: c.marks,
    slots: c.slots,
    breaker: c.breaker,
    streak: c.streak,
    venueHealthy: c.venueHealthy,
    feedLines: c.feed?.lines ?? {},
    error: c.error,
  };
}

/** Resolves with `settle`'s value, or null when the clock reaches the timeout first; `stop` undoes the listening. */
function race<T>(clock: Clock, timeoutMs: number, listen: (settle: (value: T) => void) => () => void): Promise<T | null> {
  return new Promise((resolve) => {
    let finished = false;
    let stop: (() => void) | undefined;
    const finish = (value: T | null) => {
      if (finished) return;
      finished = true;
      clock.clearTimeout(timer);
      stop?.();
      resolve(value);
    };
    const timer = clock.setTimeout(() => finish(null), timeoutMs);
    stop = listen(finish);
    if (finished) stop();
  });
}

export function supervisorPort(actor: SupervisorActor, clock: Clock): SupervisorPort {
  return {
    view: () => viewOf(actor.getSnapshot()),
    send: (command: OperatorCommand) => actor.send(command),
    awaitEvent: <T>(pick: (e: SupervisorEmitted) => T | undefined, timeoutMs: number) =>
      race<T>(clock, timeoutMs, (settle) => {
        const sub = actor.on('*', (e) => {
          const value = pick(e as SupervisorEmitted);
          if (value !== undefined) settle(value);
        });
        return () => sub.unsubscribe();
      }),
    awaitView: (done, timeoutMs) =>
      race<SupervisorView>(clock, timeoutMs, (settle) => {
        const check = (s: Snapshot) => {
          const v = viewOf(s);
          if (done(v)) settle(v);
        };
        const sub = actor.subscribe({ next: check, error: () => undefined });
        check(actor.getSnapshot());
        return () => sub.unsubscribe();
      }),
  };
}
