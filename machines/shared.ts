/**
 * What every durable machine shares: stub actors that fail loudly until `provide()` wires the real ones,
 * the `resume` input by which the supervisor re-spawns a persisted child (spawnChild takes no snapshot,
 * and pending `after` timers are not persisted, so deadlines live in context as absolute times), and
 * the deadline arithmetic that re-arms them.
 *
 * Children report to the supervisor with `announce`: the event is emitted (for `actor.on` observers:
 * tests, the CLI, the log) AND sent to the parent when there is one, so a supervisor machine handles
 * `breaker.*`, `position.*`, `scanner.*` in plain `on` transitions.
 */
import type { AnyActorRef, EventObject } from 'xstate';
import { BrainError } from '../src/contract/errors.ts';

export class NotProvidedError extends BrainError<'not_provided'> {
  override readonly name = 'NotProvidedError';
  constructor(readonly actor: string) {
    const file = actor.slice(0, actor.indexOf('.'));
    super(`actor ${actor} was not provided: wire actors/${file}.actors.ts with machine.provide({ actors })`, {
      domain: 'machine',
      code: 'not_provided',
      retryable: false,
    });
  }
}

/** The body of a stub actor in setup(): throws NotProvidedError when the machine runs unwired. */
export const notProvided = (actor: string) => (): never => {
  throw new NotProvidedError(actor);
};

/**
 * How a durable child comes back after a restart: its last persisted state value and context (the
 * `value`/`context` of getPersistedSnapshot(), or the row the `persistState` actor wrote) and the
 * time of the restart, from the clock service.
 */
export interface Resume<Value, Context> {
  readonly value: Value;
  readonly context: Context;
  readonly now: number;
}

/** A record of one durable actor as stored in machine_snapshots. */
export interface DurableRecord<Value, Context> {
  readonly value: Value;
  readonly context: Context;
}

/** Milliseconds left until an absolute deadline; 0 when it has passed (fire at once after a restart). */
export function untilDeadline(deadline: number | null, now: number): number {
  return deadline === null ? 0 : Math.max(0, deadline - now);
}

/** The parent of an actor, if it was spawned or invoked (a root actor in a test has none). */
export function parentOf(self: AnyActorRef): AnyActorRef | undefined {
  return self._parent;
}

export interface Announcer<E extends EventObject> {
  emit: (e: E) => void;
  sendParent: (e: E) => void;
}

/** What a `persistState` actor needs: the row it writes (machine_snapshots.actor_id). */
export interface StoreInput {
  readonly actorId: string;
}

/** Enqueues `event` as an emitted event and, when there is a parent, as an event to it. */
export function announceTo<E extends EventObject>(self: AnyActorRef, enqueue: Announcer<E>, event: NoInfer<E>): void {
  enqueue.emit(event);
  if (parentOf(self)) enqueue.sendParent(event);
}
