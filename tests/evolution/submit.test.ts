/**
 * The submission seam every source of candidates shares: dedupe by content hash, the stage and gate a
 * refusal names, a paper test for a strategy that passes, and a statistics module used from the next night.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { createRepositories, openDatabase, type Repositories } from '../../src/db/index.ts';
import { submitCandidate, type CandidateSubmission, type SubmitDeps } from '../../src/evolution/submit.ts';
import type { PaperTestCommand } from '../../src/evolution/paper-tests.ts';
import { VersionStore } from '../../src/versions/store.ts';
import { gates, REPO_ROOT } from '../sandbox/helpers.ts';
import { CROSS_STRATEGY } from '../sandbox/fixtures/sources.ts';
import { candidate, evolution, idle, momentum, policyContext, T0, waveMarket } from './fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'brain-submit-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const data = waveMarket(['BTC/USD', 'ETH/USD'], 24 * 75);
const strategySource = (tag: string) => CROSS_STRATEGY.replace("version: 'fixture'", `version: '${tag}'`);

/** Judged by an in-process strategy (the sandbox has its own tests): `edge` decides whether it has one. */
function world(opts: { edge?: boolean; evo?: Parameters<typeof evolution>[0]; checkStatistics?: SubmitDeps['checkStatistics'] } = {}) {
  const db = openDatabase({ path: ':memory:' });
  const repos: Repositories = createRepositories(db);
  const clock = simulatedClock(T0 + 3 * 3_600_000);
  const store = new VersionStore({ db, gates, clock, filesRoot: root, canary: async () => ({ ok: true, hash: 'h' }) });
  const evo = evolution(opts.evo);
  const notices: PaperTestCommand[] = [];
  let judged = 0;
  const deps: SubmitDeps = {
    ledger: repos.ledger,
    paperTests: repos.paperTests,
    expectations: repos.evolution,
    store,
    clock,
    evolution: evo,
    notify: (c) => notices.push(c),
    policyContext: async () =>
      policyContext(
        data,
        evo,
        candidate('incumbent', () => idle(), {}),
      ),
    startRunner: async (v) => {
      judged += 1;
      const c = opts.edge === false ? candidate(v.id, () => idle(), {}) : candidate(v.id, (p) => momentum(p));
      return { runner: c.runner, specs: c.specs, params: c.params, close: async () => undefined };
    },
    ...(opts.checkStatistics ? { checkStatistics: opts.checkStatistics } : {}),
  };
  return { deps, repos, notices, judged: () => judged, clock };
}

const submission = (source: string, over: Partial<CandidateSubmission> = {}): CandidateSubmission => ({
  kind: 'strategy',
  name: 'strategy',
  source,
  parentVersionId: null,
  origin: { kind: 'person', who: 'test' },
  hypothesis: 'waves reward momentum',
  ...over,
});

describe('submitCandidate', () => {
  let w: ReturnType<typeof world>;
  beforeEach(() => {
    w = world();
  });

  it('sends a strategy that passes the screen and the gates to a paper test, in the ledger with every gate', async () => {
    const out = await submitCandidate(w.deps, submission(strategySource('a')));
    expect(out.status).toBe('paperTest');
    if (out.status !== 'paperTest') return;
    expect(w.notices).toEqual([
      { type: 'paperTest.scheduled', paperTestId: out.paperTestId, versionId: out.versionId, incumbentId: 'incumbent', ledgerId: out.ledgerId },
    ]);
    expect(w.repos.paperTests.byId(out.paperTestId)).toMatchObject({ versionId: out.versionId, status: 'scheduled', baselineVersionId: 'incumbent' });
    const row = w.repos.ledger.byId(out.ledgerId)!;
    expect(row).toMatchObject({ stage: 'paper', verdict: 'pending', versionId: out.versionId, originKind: 'person', hypothesis: 'waves reward momentum' });
    expect((row.gates as Array<{ gate: string }>).map((g) => g.gate)).toEqual([
      'screenTrades',
      'screenLoss',
      'canaries',
      'lookAhead',
      'minTrades',
      'oosEdge',
      'dsr',
      'mcDrawdown',
      'jitter',
    ]);
    expect(row.holdout).toMatchObject({ incumbentReturn: 0 });
    expect(row.trial?.sharpe).toBeGreaterThan(0);
    expect(w.repos.ledger.events(out.ledgerId).map((e) => e.kind)).toEqual(['stored', 'paperTest.scheduled']);
  });

  it('evaluates identical content once: the second submission is a duplicate row carrying the earlier verdict', async () => {
    const first = await submitCandidate(w.deps, submission(strategySource('b')));
    const again = await submitCandidate(
      w.deps,
      submission(strategySource('b'), { origin: { kind: 'model', model: 'm', promptHash: 'p'.repeat(64), cycleId: 'c1' } }),
    );
    expect(again).toEqual({
      status: 'duplicate',
      contentHash: first.contentHash,
      earlier: { stage: 'paper', reason: null, ledgerId: (first as { ledgerId: number }).ledgerId },
    });
    expect(w.judged()).toBe(1);
    const rows = w.repos.ledger.withHashPrefix(first.contentHash);
    expect(rows.map((r) => [r.verdict, r.duplicateOf, r.originKind])).toEqual([
      ['pending', null, 'person'],
      ['duplicate', rows[0]!.id, 'model'],
    ]);
  });

  it('refuses at the static stage and names the gate, storing no version', async () => {
    const out = await submitCandidate(w.deps, submission(`${strategySource('c')}\nconst t = Date.now();\n`));
    expect(out).toMatchObject({ status: 'refused', stage: 'static' });
    expect((out as { failedGate: string }).failedGate).toMatch(/^static:/);
    expect(w.deps.store.repo.list()).toEqual([]);
  });

  it('refuses at the screen a candidate that does not trade in the screen window', async () => {
    const x = world({ edge: false });
    const out = await submitCandidate(x.deps, submission(strategySource('d')));
    expect(out).toMatchObject({ status: 'refused', stage: 'screen', failedGate: 'screenTrades' });
    expect(x.repos.ledger.byId((out as { ledgerId: number }).ledgerId)).toMatchObject({ stage: 'screen', verdict: 'refused', failedGate: 'screenTrades' });
  });

  it('refuses at the gates and names the failing one', async () => {
    const x = world({ evo: { policy: { minTrades: 100_000 } } });
    const out = await submitCandidate(x.deps, submission(strategySource('e')));
    expect(out).toMatchObject({ status: 'refused', stage: 'gates', failedGate: 'minTrades' });
    expect(x.notices).toEqual([]);
  });

  it('writes submitted params into the meta.params defaults before hashing (the version trades with them)', async () => {
    const v001 = readFileSync(join(REPO_ROOT, 'strategy/active/strategy.ts'), 'utf8');
    const out = await submitCandidate(w.deps, submission(v001, { params: { emaFast: 8 } }));
    const version = w.deps.store.repo.get((out as { versionId: string }).versionId)!;
    expect(version.source).toContain('emaFast: { default: 8, min: 3, max: 30');
    const same = await submitCandidate(w.deps, submission(v001.replace('emaFast: { default: 9,', 'emaFast: { default: 8,')));
    expect(same.status).toBe('duplicate');
  });

  it('accepts a statistics module from the next UTC night, after the injected statistics checks', async () => {
    const source = readFileSync(join(REPO_ROOT, 'statistics/active/market_analysis.ts'), 'utf8');
    const out = await submitCandidate(w.deps, submission(source, { kind: 'statistics', name: 'market_analysis' }));
    expect(out).toMatchObject({ status: 'accepted', effectiveFrom: T0 + 86_400_000 });
    expect(w.deps.store.repo.active('statistics:market_analysis')?.versionId).toBe((out as { versionId: string }).versionId);
    const refusing = world({ checkStatistics: async () => ({ ok: false, gate: 'truthBenchmark', reason: 'PSR 0.91 vs 0.9127' }) });
    const r = await submitCandidate(
      refusing.deps,
      submission(source.replace('market_analysis', 'market_analysis '), { kind: 'statistics', name: 'market_analysis' }),
    );
    expect(r).toMatchObject({ status: 'refused', stage: 'gates', failedGate: 'truthBenchmark', reason: 'PSR 0.91 vs 0.9127' });
  });
});
