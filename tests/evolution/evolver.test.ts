/**
 * The offline evolver over in-process workers on synthetic waves: seeded and reproducible, a cascade
 * (many screened, few fully gated), every candidate in the ledger, the winner stored and paper-tested,
 * and a second run with the same seed finds only duplicates.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { evolverWorker, runEvolver, type EvolverDeps, type EvolverJob, type EvolverJobResult } from '../../src/evolution/evolver.ts';
import { inProcessPool } from '../../src/evolution/jobs.ts';
import { VersionStore } from '../../src/versions/store.ts';
import { gates, REPO_ROOT } from '../sandbox/helpers.ts';
import { candidate, evolution, idle, momentum, MOMENTUM_SPECS, policyContext, T0, waveMarket } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'brain-evolver-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = waveMarket(['BTC/USD', 'ETH/USD'], 24 * 75);
/** A module that declares the momentum fixture's parameters (k, size), so winners are real versions. */
const SOURCE = readFileSync(join(REPO_ROOT, 'tests/evolution/momentum-module.ts'), 'utf8');

async function world() {
  const db = openDatabase({ path: ':memory:' });
  const repos = createRepositories(db);
  const clock = simulatedClock(T0);
  const store = new VersionStore({ db, gates, clock, filesRoot: root, canary: async () => ({ ok: true, hash: 'h' }) });
  const parent = await store.submit({ kind: 'strategy', name: 'strategy', source: SOURCE, author: { kind: 'human' } });
  if (!parent.ok) throw new Error(JSON.stringify(parent.issues));
  const evo = evolution({ evolver: { rungSize: 12, fullGates: 2, keepFraction: 0.5 } });
  const runner = candidate(parent.version.id, (p) => momentum(p)).runner;
  const ctx = await policyContext(
    data,
    evo,
    candidate('incumbent', () => idle(), {}),
  );
  const jobs = inProcessPool<EvolverJob, EvolverJobResult>({
    workers: 2,
    createWorker: async () => evolverWorker(ctx, runner, MOMENTUM_SPECS, async () => undefined),
  });
  let t = 0;
  const deps: EvolverDeps = {
    ledger: repos.ledger,
    paperTests: repos.paperTests,
    expectations: repos.evolution,
    store,
    clock,
    evolution: evo,
    context: ctx,
    jobs,
    parent: { version: parent.version, specs: MOMENTUM_SPECS, params: { k: 3, size: 0.2 }, runner },
    elapsed: () => (t += 1),
  };
  return { deps, repos, jobs };
}

describe('offline evolver', () => {
  it('screens every sampled candidate, fully gates only the best, records all in the ledger and paper-tests the winner', async () => {
    const w = await world();
    const lines: string[] = [];
    const r = await runEvolver({ ...w.deps, onProgress: (l) => lines.push(l) }, { ms: 1e9, maxCandidates: 24, seed: 7 });
    expect(r.drawn).toBe(24);
    expect(r.screened + r.duplicates).toBe(24);
    expect(r.fullyGated).toBeLessThanOrEqual(2 * r.rounds);
    expect(r.fullyGated).toBeLessThan(r.screened);
    expect(r.outcome?.status).toBe('paperTest');
    const top = w.repos.ledger.top(100);
    expect(top.length).toBe(r.screened);
    expect(top.every((row) => row.originKind === 'offline' && (row.origin as { seed: number }).seed === 7)).toBe(true);
    const winner = w.repos.ledger.withHashPrefix(r.best!.contentHash)[0]!;
    expect(winner).toMatchObject({ stage: 'paper', diffSummary: expect.stringMatching(/→/) });
    expect(w.deps.store.repo.get(winner.versionId!)!.source).toContain(`default: ${r.best!.params.k}`);
    expect(lines.some((l) => l.startsWith('round 1:'))).toBe(true);
    await w.jobs.close();
  });

  it('is reproducible: the same seed draws the same candidates, which a second run finds as duplicates', async () => {
    const w = await world();
    const a = await runEvolver(w.deps, { ms: 1e9, maxCandidates: 12, seed: 3 });
    const b = await runEvolver(w.deps, { ms: 1e9, maxCandidates: 12, seed: 3 });
    expect(b.duplicates).toBe(12);
    expect(b.screened).toBe(0);
    const other = await world();
    const c = await runEvolver(other.deps, { ms: 1e9, maxCandidates: 12, seed: 3 });
    expect(c.best?.params).toEqual(a.best?.params);
    await w.jobs.close();
    await other.jobs.close();
  });
});
