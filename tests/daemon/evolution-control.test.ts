/** Inside the daemon the evolution use cases reach the supervisor as events: promote resolves once the live host runs the version. */
import { describe, expect, it } from 'vitest';
import { daemonEvolutionControl } from '../../src/daemon/evolution.ts';
import { promote, rollback } from '../../src/evolution/deploy.ts';
import { startSupervisor } from '../machines/supervisor.fixtures.ts';

function fakeStore(active: { id: string }) {
  const version = (id: string) => ({ id, label: id, kind: 'strategy', name: 'strategy', bundle: '', source: '' });
  return { get: version, repo: { active: () => ({ versionId: active.id }), get: version } } as never;
}

describe('daemon evolution control', () => {
  it('promote and rollback with the daemon control go through the supervisor and resolve when the switch is done', async () => {
    const s = startSupervisor();
    await s.running();
    const active = { id: 'v1' };
    const store = fakeStore(active);
    const { control, notify } = daemonEvolutionControl(s.actor as never, () => store);
    const deps = { store, ledger: { withHashPrefix: () => [], byVersion: () => undefined } as never, clock: { now: () => 0 }, control };
    const v = await promote(deps, 'v2', 'telegram 42');
    expect(v.id).toBe('v2');
    expect(s.calls).toContain('switch deploy v2 by telegram 42');
    const r = await rollback(deps, 'telegram 42');
    expect(r.to.id).toBe('parent');
    notify({ type: 'paperTest.scheduled', paperTestId: 'pt', versionId: 'v3', incumbentId: 'v1', ledgerId: null });
    expect(s.actor.getSnapshot().context.evolution.paperTests.map((t) => t.id)).toEqual(['pt']);
  });
});
