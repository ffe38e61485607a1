/**
 * One nightly path: a daemon with orchestrator.enabled and no ANTHROPIC_API_KEY takes the scheduler's
 * nightly slot in its cycle child, which runs the offline evolver through the real pipeline; the night
 * is recorded, and the evolver's winner reaches the supervisor as a paper test that starts at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SupervisorEmitted } from '../../machines/supervisor.machine.ts';
import { DEMO_EVOLUTION } from '../../src/daemon/demo-night.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { orchestratorCyclesRepo } from '../../src/db/orchestrator-cycles.repo.ts';
import { createLogger } from '../../src/log/index.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { Gates } from '../../src/sandbox/gates/index.ts';
import { DEFAULT_SIM_DATA_DIR } from '../../src/sim/index.ts';

const PAIRS = ['BTC/USD', 'ETH/USD'] as const;
let workDir: string;
let replay: Replay;
const seen: SupervisorEmitted[] = [];

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-nightly-offline-'));
  replay = await startReplay({
    workDir,
    repoRoot: PROJECT_ROOT,
    log: createLogger({ level: 'silent' }),
    pairs: [...PAIRS],
    days: 0.25,
    settings: { orchestrator: { enabled: true }, evolution: { ...DEMO_EVOLUTION, evolver: { budgetMinutes: 0.01, rungSize: 4, fullGates: 1 } } },
    orchestrator: { candles: { dir: DEFAULT_SIM_DATA_DIR, pairs: [...PAIRS] } },
    // As `brain run` gates (startDaemon's default); a replay gates in-process unless told.
    gates: new Gates(PROJECT_ROOT, { process: {} }),
    onEvent: (e) => seen.push(e),
  });
  await replay.run();
  const started = new Promise<void>((resolve) => replay.daemon.actor.on('paperTest.started', () => resolve()));
  const finished = new Promise<void>((resolve) => replay.daemon.actor.on('orchestrator.cycleFinished', () => resolve()));
  const now = replay.daemon.actor.getSnapshot().context.now;
  // The scheduler's nightly slot, as the daemon's timetable raises it.
  replay.daemon.actor.send({ type: 'schedule.orchestrator', due: now, time: now });
  await finished;
  await started;
}, 240_000);

afterAll(async () => {
  await replay?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the nightly slot without a model key', () => {
  it('runs the offline evolver in the cycle child and records the night', () => {
    const cycles = orchestratorCyclesRepo(replay.daemon.runtime.db!).recent(5);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ trigger: 'slot', mode: 'offline', outcome: 'offline' });
    expect(cycles[0]!.reason).toMatch(
      /^offline evolver: \d+ drawn, \d+ screened, [1-9]\d* through the full gates, [1-9]\d* passed in \d+ s: winner \w{12} stored as sha256:\w+, paper test pt-\S+ scheduled/,
    );
  });

  it("gated the seed and the night's candidates in a gate process: the daemon's own process never loaded TypeScript", () => {
    expect(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/typescript/'))).toEqual([]);
  });

  it('starts no chore for the slot: the cycle is the one nightly mechanism', () => {
    expect(seen.filter((e) => e.type === 'orchestrator.cycleStarted')).toHaveLength(1);
    expect(seen.some((e) => e.type === 'supervisor.alert')).toBe(false);
  });

  it("the winner's paper test reaches the supervisor at once and starts beside the incumbent", () => {
    const repos = replay.daemon.runtime.repos!;
    const started = seen.find((e) => e.type === 'paperTest.started') as Extract<SupervisorEmitted, { type: 'paperTest.started' }>;
    expect(repos.paperTests.byId(started.paperTestId)).toMatchObject({ status: 'running', versionId: started.versionId });
    const row = repos.ledger.byVersion(started.versionId)!;
    expect(row).toMatchObject({ originKind: 'offline', stage: 'paper', verdict: 'pending' });
    expect(repos.ledger.events(row.id).map((e) => e.kind)).toEqual(['stored', 'evolver.winner', 'paperTest.scheduled']);
  });
});
