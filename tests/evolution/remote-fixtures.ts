/**
 * The evolver end to end with real `brain worker` processes: the bundled sample candles (3 pairs), loose
 * gates so a handful of candidates reach the full gates in seconds, and a ledger read back without
 * its timings.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/clock/clock.ts';
import { ConfigSchema, type Config } from '../../src/config/index.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { evolve } from '../../src/evolution/setup.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';

export const SAMPLE = join(PROJECT_ROOT, 'data/sample');
const PAIRS = ['BTC/USD', 'ETH/USD', 'SOL/USD'] as const;
export const SEED = 5;
export const CANDIDATES = 8;

const LOOSE = {
  policy: { holdoutDays: 3, minTrades: 1, minDsr: 0, minEdge: -0.01, jitterMinShare: 0, bootstrapRuns: 200 },
  screen: { days: 2, minTrades: 0, maxLoss: 1 },
  evolver: { rungSize: 8, fullGates: 2 },
};
/** Short locks, so a killed worker's job runs elsewhere within seconds. */
export const QUEUE_TIMING = { lockSeconds: 2, stalledCheckSeconds: 1 };

export function evolveConfig(redis?: { url: string; queue: string }): Config {
  return ConfigSchema.parse({
    pairs: [...PAIRS],
    evolution: { ...LOOSE, ...(redis ? { runner: 'redis', redisUrl: redis.url, queue: { name: redis.queue, ...QUEUE_TIMING } } : {}) },
  }) as Config;
}

/** What the ledger says about each candidate and each step after it, without ids of time or CPU. */
export async function evolveAndReadLedger(config: Config, seed = SEED) {
  const db = openDatabase({ path: ':memory:' });
  const files = mkdtempSync(join(tmpdir(), 'brain-remote-evolve-'));
  try {
    const report = await evolve(
      { db, config, clock: systemClock, repoRoot: PROJECT_ROOT, filesRoot: files, candles: { dir: SAMPLE, pairs: [...PAIRS] } },
      { ms: 1e9, maxCandidates: CANDIDATES, seed },
    );
    const { ledger: repo } = createRepositories(db);
    const rows = Array.from({ length: repo.count() }, (_, i) => repo.byId(i + 1)!);
    const ledger = rows.map(({ cpuSeconds: _c, createdAt: _t, updatedAt: _u, ...row }) => ({
      ...row,
      events: repo.events(row.id).map(({ id: _i, time: _time, ...e }) => e),
    }));
    // Paper-test ids carry the time they were scheduled at; everything else must match exactly.
    return { report, ledger: JSON.parse(JSON.stringify(ledger).replace(/pt-[0-9a-f]+-[0-9a-z]+/g, 'pt-*')) as typeof ledger };
  } finally {
    db.close();
  }
}
