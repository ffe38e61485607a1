import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { openDatabase } from '../../src/db/index.ts';
import { runCanary, type StartCanaryHost } from '../../src/sandbox/canary.ts';
import { StrategyHost } from '../../src/sandbox/host/strategy-host.ts';
import { VersionStore } from '../../src/versions/store.ts';
import { CROSS_STRATEGY, strategyWith } from '../sandbox/fixtures/sources.ts';
import { bundleOf, gates, rawStrategy, setups } from '../sandbox/helpers.ts';

const root = mkdtempSync(join(tmpdir(), 'brain-versions-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function store(): VersionStore {
  const db = openDatabase({ path: ':memory:' });
  // The canary spawns children; its own tests are below, here it always passes.
  return new VersionStore({ db, gates, clock: simulatedClock(1_000), filesRoot: root, canary: async () => ({ ok: true, hash: 'h' }) });
}

const human = { kind: 'human' } as const;
const v2Source = CROSS_STRATEGY.replace("version: 'fixture'", "version: 'two'");
const v3Source = CROSS_STRATEGY.replace("version: 'fixture'", "version: 'three'");

describe('version store', () => {
  let s: VersionStore;
  beforeEach(() => {
    s = store();
  });

  it('stores a gated version immutably with hashes, author and archive files', async () => {
    const r = await s.submit({
      kind: 'strategy',
      name: 'strategy',
      source: CROSS_STRATEGY,
      author: { kind: 'model', model: 'claude', promptSha256: 'p'.repeat(64) },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.version).toMatchObject({ label: 'v001', authorKind: 'model', authorModel: 'claude', status: 'candidate' });
    expect(r.version.id).toBe(`sha256:${r.version.bundleSha256.slice(0, 16)}`);
    expect(readdirSync(join(root, 'strategy/archive')).some((f) => f.startsWith('strategy_v001_'))).toBe(true);
  });

  it('refuses a source that fails the gates and stores nothing', async () => {
    const r = await s.submit({ kind: 'strategy', name: 'strategy', source: strategyWith('', 'Math.random();'), author: human });
    expect(r.ok).toBe(false);
    expect(s.repo.list()).toHaveLength(0);
  });

  it('deploy switches the pointer and rollback returns to the previous good version', async () => {
    const ids: string[] = [];
    for (const source of [CROSS_STRATEGY, v2Source, v3Source]) {
      const r = await s.submit({ kind: 'strategy', name: 'strategy', source, author: human });
      if (!r.ok) throw new Error('gates');
      ids.push(r.version.id);
      await s.deploy(r.version.id);
    }
    expect(s.repo.active('strategy')).toMatchObject({ versionId: ids[2], previousVersionId: ids[1] });
    expect((await s.rollback('strategy')).id).toBe(ids[1]);
    expect(s.repo.get(ids[2]!)?.status).toBe('rolled_back');
    expect((await s.rollback('strategy')).id).toBe(ids[0]);
    expect(readFileSync(join(root, 'strategy/active/strategy.ts'), 'utf8')).toBe(CROSS_STRATEGY);
    await expect(s.rollback('strategy')).rejects.toMatchObject({ code: 'no_previous' });
  });

  it('a failed hot swap leaves the pointer on the incumbent', async () => {
    const a = await s.submit({ kind: 'strategy', name: 'strategy', source: CROSS_STRATEGY, author: human });
    const b = await s.submit({ kind: 'strategy', name: 'strategy', source: v2Source, author: human });
    if (!a.ok || !b.ok) throw new Error('gates');
    await s.deploy(a.version.id);
    await expect(s.deploy(b.version.id, async () => Promise.reject(new Error('warm-up failed')))).rejects.toThrow('warm-up failed');
    expect(s.repo.active('strategy')?.versionId).toBe(a.version.id);
  });

  it('diff shows the changed lines between two versions', async () => {
    const a = await s.submit({ kind: 'strategy', name: 'strategy', source: CROSS_STRATEGY, author: human });
    const b = await s.submit({ kind: 'strategy', name: 'strategy', source: v2Source, author: human });
    if (!a.ok || !b.ok) throw new Error('gates');
    const d = s.diff(a.version.id, b.version.id);
    expect(d).toContain("- meta: { name: 'cross', version: 'fixture'".replace('- ', '-   '));
    expect(d).toContain("+   meta: { name: 'cross', version: 'two'");
  });
});

describe('determinism canary', () => {
  it('passes a deterministic strategy with the same hash twice', async () => {
    const r = await runCanary('strategy', await bundleOf(CROSS_STRATEGY), setups(['BTC/USD', 'ETH/USD', 'SOL/USD'], { fast: 3, slow: 8 }));
    expect(r).toMatchObject({ ok: true, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('runs the fixture again as if the host were in another time zone and language: a strategy reading local time and locale still passes', async () => {
    const environments: Array<Readonly<Record<string, string>> | undefined> = [];
    const start: StartCanaryHost = (opts) => {
      environments.push(opts.environment);
      return StrategyHost.start(opts);
    };
    // Gates off: decides by the local hour and says so in local formats.
    const local = rawStrategy(
      "var d = new Date(bar.time); return { action: 'hold', reason: d.getHours() + ' ' + d.toString() + ' ' + d.toLocaleString() + ' ' + (bar.close * 1000).toLocaleString() };",
    );
    const r = await runCanary('strategy', local, setups(['BTC/USD']), start);
    expect(r).toMatchObject({ ok: true });
    const here = Intl.DateTimeFormat().resolvedOptions();
    expect(environments[0]).toBeUndefined();
    expect(environments[1]!['TZ']).not.toBe(here.timeZone);
    expect(environments[1]!['LANG']!.slice(0, 2)).not.toBe(here.locale.slice(0, 2));
  });

  it('rejects a module that reaches for randomness (gates off)', async () => {
    const r = await runCanary('strategy', rawStrategy("return { action: Math.random() > 0.5 ? 'hold' : 'hold' };"), setups(['BTC/USD']));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/Math.random/) });
  });

  it('rejects a module whose decisions are not schema-valid', async () => {
    const r = await runCanary('strategy', rawStrategy("return { action: 'hodl' };"), setups(['BTC/USD']));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/schema-valid/) });
  });
});
