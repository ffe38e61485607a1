/**
 * The persister of every durable machine when the disk is full (the fault matrix's disk-full row found
 * it): a write that fails is reported once, and the same record is not written again in answer to the
 * owner's handling of that report, which spun at 160,000 failed writes a minute and stopped the daemon
 * trading. The next change of the owner is written as usual.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { persistOwnerState } from '../../actors/durable.actors.ts';
import { systemClock } from '../../src/clock/clock.ts';
import type { MachineSnapshotsRepo } from '../../src/db/index.ts';

function owner(snapshots: MachineSnapshotsRepo) {
  return setup({
    types: { context: {} as { n: number; failures: number }, events: {} as { type: 'bump' } | { type: 'store.failed'; message: string } },
    actors: { persistState: persistOwnerState({ snapshots, clock: systemClock, log: pino({ level: 'silent' }), machine: 'test', machineVersion: '1' }) },
  }).createMachine({
    context: { n: 0, failures: 0 },
    invoke: { src: 'persistState', input: { actorId: 'a' } },
    on: {
      bump: { actions: assign({ n: ({ context }) => context.n + 1 }) },
      // As the breaker and the positions do: the failure is announced, the state does not change.
      'store.failed': {},
    },
  });
}

describe('the durable persister on a full disk', () => {
  it('reports a failed write once, does not retry the same record on its own report, and writes the next change', () => {
    let attempts = 0;
    let full = false;
    const saved: unknown[] = [];
    const snapshots = {
      save: (r: { snapshot: unknown }) => {
        attempts += 1;
        // Without the guard the writes go on as long as they fail: the 50th succeeds, so the test fails instead of hanging.
        if (full && attempts < 50) throw new Error('database or disk is full');
        saved.push(r.snapshot);
      },
      get: () => undefined,
      list: () => [],
      delete: () => true,
    } as unknown as MachineSnapshotsRepo;
    const actor = createActor(owner(snapshots)).start();
    full = true;
    actor.send({ type: 'bump' });
    expect(attempts).toBe(2);
    full = false;
    actor.send({ type: 'bump' });
    expect(attempts).toBe(3);
    expect(saved.map((r) => (r as { context: { n: number } }).context.n)).toEqual([0, 2]);
    actor.stop();
  });
});
