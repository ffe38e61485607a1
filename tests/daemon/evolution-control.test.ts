/** Inside the daemon the evolution use cases reach the supervisor as events: promote resolves once the live host runs the version. */
import { describe, expect, it } from 'vitest';
import { daemonEvolutionControl } from '../../src/daemon/evolution.ts';
import { promote, rollback } from '../../src/evolution/deploy.ts';
import { ledgerRow } from '../db/fixtures.ts';
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
    const deps = {
      store,
      ledger: { withHashPrefix: () => [], byVersion: () => undefined } as never,
      paperTests: { byVersion: () => [] },
      clock: { now: () => 0 },
      control,
    };
    const v = await promote(deps, 'v2', 'telegram 42', { force: true });
    expect(v).toMatchObject({ ok: true, version: { id: 'v2' }, from: 'v1' });
    expect(s.calls).toContain('switch deploy v2 by telegram 42');
    const r = await rollback(deps, 'telegram 42');
    expect(r).toMatchObject({ from: 'v1', to: { id: 'parent' } });
    notify({ type: 'paperTest.scheduled', paperTestId: 'pt', versionId: 'v3', incumbentId: 'v1', ledgerId: null });
    expect(s.actor.getSnapshot().context.evolution.paperTests.map((t) => t.id)).toEqual(['pt']);
  });
});

describe('evolution state at boot', () => {
  it('an untested version is refused by the use case before anything reaches the supervisor', async () => {
    const s = startSupervisor();
    await s.running();
    const store = fakeStore({ id: 'v1' });
    const { control } = daemonEvolutionControl(s.actor as never, () => store);
    const out = await promote(
      {
        store,
        ledger: { withHashPrefix: () => [], byVersion: () => undefined } as never,
        paperTests: { byVersion: () => [] },
        clock: { now: () => 0 },
        control,
      },
      'v2',
      'telegram 42',
    );
    expect(out).toMatchObject({ ok: false, code: 'untested', reason: expect.stringContaining('has not passed the pipeline') });
    expect(s.calls.filter((c) => c.startsWith('switch'))).toEqual([]);
  });

  it("paper tests written while the daemon was stopped: a scheduled row without a machine starts, a cancelled one's machine is dropped", async () => {
    const { openDatabase, createRepositories } = await import('../../src/db/index.ts');
    const { evolutionBoot } = await import('../../src/daemon/evolution.ts');
    const pino = (await import('pino')).default;
    const repos = createRepositories(openDatabase({ path: ':memory:' }));
    const row = (id: string, status: 'scheduled' | 'cancelled') =>
      repos.paperTests.insert({
        id,
        versionId: `v-${id}`,
        baselineVersionId: 'v1',
        status,
        startedAt: null,
        deadline: 1,
        endedAt: null,
        result: { ledgerId: 7 },
        reason: null,
        createdAt: 0,
        updatedAt: 0,
      });
    row('pt-new', 'scheduled');
    row('pt-gone', 'cancelled');
    repos.machineSnapshots.save({
      actorId: 'pt-gone',
      machine: 'paperTest',
      machineVersion: '1',
      snapshot: { value: 'running', context: {} } as never,
      updatedAt: 0,
    });
    const boot = evolutionBoot(repos, pino({ level: 'silent' }));
    expect(boot.scheduledPaperTests).toEqual([{ type: 'paperTest.scheduled', paperTestId: 'pt-new', versionId: 'v-pt-new', incumbentId: 'v1', ledgerId: 7 }]);
    expect(boot.paperTests).toEqual([]);
    expect(repos.machineSnapshots.get('pt-gone')).toBeUndefined();
  });

  it('a passed paper test whose ledger row never reached deployed is a pending deploy (a restart mid-deploy); a deployed one is not', async () => {
    const { openDatabase, createRepositories } = await import('../../src/db/index.ts');
    const { evolutionBoot } = await import('../../src/daemon/evolution.ts');
    const pino = (await import('pino')).default;
    const repos = createRepositories(openDatabase({ path: ':memory:' }));
    const row = (versionId: string, stage: 'paper' | 'deployed') =>
      repos.ledger.insert(ledgerRow(versionId, { versionId, origin: {}, stage, verdict: 'passed', createdAt: 0 })).id;
    const test = (id: string, versionId: string, ledgerId: number) =>
      repos.paperTests.insert({
        id,
        versionId,
        baselineVersionId: 'v1',
        status: 'passed',
        startedAt: 0,
        deadline: 1,
        endedAt: 1,
        result: { ledgerId },
        reason: null,
        createdAt: 0,
        updatedAt: 1,
      });
    test('pt-a', 'va', row('va', 'paper'));
    test('pt-b', 'vb', row('vb', 'deployed'));
    expect(evolutionBoot(repos, pino({ level: 'silent' })).pendingDeploys).toEqual([{ versionId: 'va', paperTestId: 'pt-a' }]);
  });
});
