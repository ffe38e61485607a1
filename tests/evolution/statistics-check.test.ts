import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.ts';
import { versionsRepo } from '../../src/db/versions.repo.ts';
import { checkStatistics, FIXTURE_NOW, truthNameOf, writeBenchmarkFixture } from '../../src/evolution/statistics-check.ts';
import { versionInUse } from '../../src/orchestrator/context/statistics-reporter.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { truthReport } from '../../src/truth.ts';
import { gates } from '../orchestrator/fake-pipeline.ts';

const read = (p: string) => readFileSync(join(PROJECT_ROOT, p), 'utf8');
const TRADE_V001 = read('statistics/active/trade_performance.ts');
/** v001 with the one line the truth definition needs: an entry that never filled is not a trade. */
const TRADE_FIXED = TRADE_V001.replace("WHERE p.status = 'closed' AND p.closed_at", "WHERE p.status = 'closed' AND p.exit_reason IS NOT NULL AND p.closed_at");

let dir: string;
let dbPath: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'brain-statcheck-'));
  dbPath = join(dir, 'live.db');
  const db = openDatabase({ path: dbPath });
  writeBenchmarkFixture(db);
  db.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const check = (source: string) => checkStatistics({ dbPath, gates: gates(), limits: { deadlineMs: 5_000, maxRows: 1_000 } }, 'sha256:candidate', source);

describe('statistics meta-candidates: the checks a new module passes before it is used', () => {
  it('the benchmark fixture has known answers: 5 closed trades, 2 won; the never-filled entry is not a trade', () => {
    const db = openDatabase({ path: ':memory:' });
    writeBenchmarkFixture(db);
    expect(truthReport(db, FIXTURE_NOW)).toMatchObject({
      trades_total: 6,
      trades_closed: 5,
      wins: 2,
      losses: 3,
      win_rate: 0.4,
      realized_pnl: 0.5,
      max_drawdown: 0.05,
      signals_acted: 6,
      signals_rejected: 2,
      scans_last_24h: 11,
    });
    db.close();
  });

  it('a module that reproduces the truth benchmarks where it measures the same thing passes', async () => {
    expect(await check(TRADE_FIXED)).toEqual({ ok: true });
  }, 60_000);

  it('a module measuring other things (market analysis) has nothing to disagree with and passes', async () => {
    expect(await check(read('statistics/active/market_analysis.ts'))).toEqual({ ok: true });
  }, 60_000);

  it('a module that counts a never-filled entry as a losing trade disagrees with the benchmarks and is refused, naming both figures', async () => {
    const r = await check(TRADE_V001);
    expect(r).toMatchObject({ ok: false, gate: 'truth_agreement' });
    expect(!r.ok && r.reason).toMatch(/trades = 6, but the truth benchmark trades_closed = 5.*winRate = 0\.333333, but the truth benchmark win_rate = 0\.4/);
  }, 60_000);

  it('a module whose query writes is refused on the read-only database', async () => {
    const r = await check(TRADE_FIXED.replace(/sql: `SELECT p\.pair[\s\S]*?ORDER BY p\.closed_at, p\.id`/, 'sql: `DELETE FROM positions`'));
    expect(r).toMatchObject({ ok: false, gate: 'runs_on_db', reason: expect.stringContaining("query 'closed' refused") });
  }, 60_000);

  it('a module over its row limit is refused', async () => {
    const r = await check(read('statistics/active/market_analysis.ts').replace(/maxRows: [\d_]+/, 'maxRows: 2'));
    expect(r).toMatchObject({ ok: false, gate: 'runs_on_db', reason: expect.stringMatching(/too_many_rows|more than|rows/) });
  }, 60_000);

  it('a module that does not compile is refused at the static gate', async () => {
    expect(await check('export default { meta: 1 };')).toMatchObject({ ok: false, gate: 'static' });
  }, 60_000);

  it('report metrics map onto truth benchmarks by name, in camelCase, snake_case or a listed alias', () => {
    expect(['winRate', 'win_rate', 'trades', 'feesPaid', 'maxDrawdown', 'avgWin', 'profitFactor'].map(truthNameOf)).toEqual([
      'win_rate',
      'win_rate',
      'trades_closed',
      'fees_paid',
      'max_drawdown',
      null,
      null,
    ]);
  });
});

describe('a statistics module is first used the night after it was written', () => {
  it('the night it was written the predecessor reports; from the next UTC day the new version does', () => {
    const db = openDatabase({ path: ':memory:' });
    const repo = versionsRepo(db);
    const night = Date.UTC(2026, 2, 4, 3, 0);
    const row = (id: string, createdAt: number, parentId: string | null) => ({
      id,
      kind: 'statistics' as const,
      name: 'trade_performance',
      label: id,
      source: '',
      sourceSha256: id,
      bundle: '',
      bundleSha256: id,
      parentId,
      authorKind: 'model' as const,
      authorModel: 'm',
      promptSha256: null,
      createdAt,
      gateResults: {},
      backtestId: null,
      status: 'deployed' as const,
    });
    repo.insert(row('old', night - 5 * 86_400_000, null));
    repo.insert(row('new', night + 10 * 60_000, 'old'));
    repo.setActive({ slot: 'statistics:trade_performance', versionId: 'new', previousVersionId: 'old', switchedAt: night + 11 * 60_000 });
    expect(versionInUse(db, 'statistics:trade_performance', night + 60 * 60_000)?.id).toBe('old');
    expect(versionInUse(db, 'statistics:trade_performance', night + 86_400_000)?.id).toBe('new');
    db.close();
  });
});
