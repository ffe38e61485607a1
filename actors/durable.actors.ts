/**
 * The persister every durable machine invokes as `persistState`: it follows its parent's snapshots and
 * writes `{ value, context }` to machine_snapshots (tagged with the machine version) whenever they change,
 * plus the machine's own table through `mirror`. That record is what the supervisor passes back as
 * `input.resume` after a restart. libsql writes are synchronous, so a state is on disk before any
 * promise actor it started (a send) gets past its first await.
 */
import type { Logger } from 'pino';
import { fromCallback, type AnyActorRef, type EventObject } from 'xstate';
import type { DurableRecord, StoreInput } from '../machines/shared.ts';
import type { Clock } from '../src/clock/clock.ts';
import type { MachineSnapshotsRepo } from '../src/db/index.ts';
import { BrainError, toErrorInfo } from '../src/contract/errors.ts';

export interface DurableStoreDeps<Value, Context> {
  snapshots: MachineSnapshotsRepo;
  clock: Clock;
  log: Logger;
  machine: string;
  machineVersion: string;
  /** Writes the machine's own rows (risk_state, positions ...) from the same record. */
  mirror?: (record: DurableRecord<Value, Context>, now: number) => void;
  /** A finished actor drops its snapshot row (nothing left to resume). */
  isFinal?: (record: DurableRecord<Value, Context>) => boolean;
  /** A record not to write: a machine that reads its own row back at start must not overwrite it first. */
  skip?: (record: DurableRecord<Value, Context>) => boolean;
}

export function persistOwnerState<Value, Context>(deps: DurableStoreDeps<Value, Context>) {
  return fromCallback<EventObject, StoreInput>(({ self, input, sendBack }) => {
    const owner: AnyActorRef | undefined = self._parent;
    if (!owner)
      throw new BrainError(`${deps.machine} persister for ${input.actorId} has no owner: invoke it from the machine`, {
        domain: 'machine',
        code: 'no_owner',
        retryable: false,
      });
    let last = '';
    // The record whose write failed: the owner's handling of the failure report publishes the same record
    // again, and writing it again at once would fail again, report again, and spin (a full disk did: 160,000
    // errors a minute, no trading). It is written with the owner's next change instead.
    let failed = '';
    const save = (snap: { value: unknown; context: unknown }, json: string): void => {
      const record = { value: snap.value, context: snap.context } as DurableRecord<Value, Context>;
      if (json === last || deps.skip?.(record)) return;
      const now = deps.clock.now();
      deps.mirror?.(record, now);
      if (deps.isFinal?.(record)) deps.snapshots.delete(input.actorId);
      else deps.snapshots.save({ actorId: input.actorId, machine: deps.machine, machineVersion: deps.machineVersion, snapshot: record, updatedAt: now });
      last = json;
    };
    const guarded = (snap: { value: unknown; context: unknown }): void => {
      const json = JSON.stringify({ value: snap.value, context: snap.context });
      if (json === failed) return;
      try {
        save(snap, json);
        failed = '';
      } catch (err) {
        failed = json;
        deps.log.error({ err, actor: input.actorId, machine: deps.machine }, 'persisting the machine state failed');
        sendBack({ type: 'store.failed', error: toErrorInfo(err) });
      }
    };
    const first = owner.getSnapshot();
    save(first, JSON.stringify({ value: first.value, context: first.context }));
    // No unsubscribe on stop: reaching a final state stops this child BEFORE the owner publishes that
    // final snapshot, and it must still be written. The owner completes its observers when it stops.
    owner.subscribe({ next: guarded, error: () => undefined });
  });
}
