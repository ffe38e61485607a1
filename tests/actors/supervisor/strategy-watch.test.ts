import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { SupervisorEvent } from '../../../machines/supervisor.machine.ts';
import { simulatedClock } from '../../../src/clock/clock.ts';
import { strategyWatch } from '../../../actors/supervisor/chores.ts';
import type { Runtime } from '../../../src/daemon/runtime.ts';

const T0 = Date.UTC(2025, 0, 6, 12);
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A version store whose active pointer the test moves, and a live host that records its swaps. */
function world(opts: { swapFails?: boolean } = {}) {
  let active = 'v1';
  const swaps: string[] = [];
  const rt: Runtime = {
    strategyVersion: 'v1',
    versions: { repo: { active: () => ({ versionId: active }) }, get: (id: string) => ({ id, label: id, bundle: `bundle of ${id}` }) } as never,
    strategy: {
      swap: async (v: { id: string }) => {
        swaps.push(v.id);
        if (opts.swapFails) throw new Error('the new child crashed while warming');
      },
    } as never,
  };
  const clock = simulatedClock(T0);
  const events: SupervisorEvent[] = [];
  const stop = strategyWatch({ rt, clock, log: pino({ level: 'silent' }), intervalMs: 60_000 })((e) => events.push(e));
  const deploy = (id: string) => (active = id);
  return { rt, clock, events, swaps, stop, deploy };
}

describe('strategy watch (hot swap on a pointer move)', () => {
  it('swaps the live host once when the active pointer moves and reports strategy.activated', async () => {
    const w = world();
    await tick();
    expect(w.swaps).toEqual([]);
    w.deploy('v2');
    w.clock.increment(60_000);
    await tick();
    w.clock.increment(60_000);
    await tick();
    expect(w.swaps).toEqual(['v2']);
    expect(w.rt.strategyVersion).toBe('v2');
    expect(w.events).toEqual([{ type: 'strategy.activated', versionId: 'v2' }]);
    w.stop();
  });

  it('inv. 5: a failed swap is reported once, not retried, and the incumbent stays the running version', async () => {
    const w = world({ swapFails: true });
    w.deploy('v2');
    await tick();
    w.clock.increment(60_000);
    await tick();
    expect(w.swaps).toEqual(['v2']);
    expect(w.rt.strategyVersion).toBe('v1');
    expect(w.events).toMatchObject([{ type: 'strategy.swapFailed', versionId: 'v2' }]);
    w.stop();
  });
});
