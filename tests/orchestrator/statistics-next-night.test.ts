/**
 * A statistics module accepted by the pipeline is first used the following night: the real ports accept
 * it (static gates, canary, the statistics checks on the live database and the truth fixture), and the
 * night reads its modules as of the moment it started — a night later the same UTC day, or one started
 * before midnight and gathered after it, still reads the predecessor; the next night reads the new one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatedClock } from '../../src/clock/simulated.ts';
import { ConfigSchema } from '../../src/config/index.ts';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { createLogger } from '../../src/log/index.ts';
import type { ContextBundle } from '../../src/orchestrator/context/gather.ts';
import { evolutionPorts } from '../../src/orchestrator/ports.ts';
import { beginNight, gatherNight } from '../../src/orchestrator/steps/lifecycle.ts';
import { nightDeps } from '../../src/orchestrator/wiring.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { openVersionStore, seedInitialVersions } from '../../src/versions/seed.ts';

const DAY = 86_400_000;
const NIGHT = Date.UTC(2026, 2, 4, 3, 0);
const log = createLogger({ level: 'silent' });

let dir: string;
let db: Db;
const clock = simulatedClock(NIGHT - 10 * DAY);

function deps() {
  const dbPath = join(dir, 'brain.db');
  const config = ConfigSchema.parse({});
  const ports = evolutionPorts({ db, dbPath, config, clock, repoRoot: PROJECT_ROOT, filesRoot: dir, log });
  return nightDeps({ db, dbPath, config, clock, log, repoRoot: PROJECT_ROOT, ports });
}

/** The label of the market_analysis version a night started at `startAt` reports from, gathered at `gatherAt`. */
async function reportedBy(startAt: number, gatherAt = startAt): Promise<string> {
  clock.set(startAt);
  const d = deps();
  const night = beginNight(d, 'slot', startAt);
  clock.set(gatherAt);
  await gatherNight(d, night.cycleId);
  const bundle = d.cycles.get(night.cycleId)!.context as unknown as ContextBundle;
  d.cycles.finish(night.cycleId, 'no_change', null, gatherAt);
  const section = bundle.sections.find((s) => s.kind === 'statistics_reports')!.body;
  return /## market_analysis (v\d+)/.exec(section)![1]!;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'brain-stats-next-night-'));
  db = openDatabase({ path: join(dir, 'brain.db') });
  await seedInitialVersions(openVersionStore({ db, clock, repoRoot: PROJECT_ROOT, filesRoot: dir }), PROJECT_ROOT);
  // Night N writes a new market_analysis module and the pipeline accepts it twenty minutes in.
  clock.set(NIGHT + 20 * 60_000);
  const parent = db.prepare("SELECT version_id FROM active_versions WHERE slot = 'statistics:market_analysis'").get<{ version_id: string }>()!.version_id;
  const source = readFileSync(join(PROJECT_ROOT, 'statistics/active/market_analysis.ts'), 'utf8').replace("version: 'v001'", "version: 'v002'");
  const outcome = await deps().ports.submitCandidate({
    kind: 'statistics',
    name: 'market_analysis',
    source,
    parentVersionId: parent,
    hypothesis: 'the same report, renamed',
    origin: { kind: 'model', model: 'm', promptHash: 'p'.repeat(64), cycleId: 'night-n' },
  });
  expect(outcome).toMatchObject({ status: 'accepted', effectiveFrom: NIGHT - 3 * 3_600_000 + DAY });
}, 120_000);

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a statistics module accepted tonight', () => {
  it('is not read by another night the same UTC day', async () => {
    expect(await reportedBy(NIGHT + 12 * 3_600_000)).toBe('v001');
  }, 60_000);

  it('is not read by a night that started before midnight and gathered after it: the cycle reads its modules when it starts', async () => {
    expect(await reportedBy(NIGHT + 20 * 3_600_000 + 59 * 60_000, NIGHT + 21 * 3_600_000 + 60_000)).toBe('v001');
  }, 60_000);

  it('is read from the following night on', async () => {
    expect(await reportedBy(NIGHT + DAY)).toBe('v002');
  }, 60_000);
});
