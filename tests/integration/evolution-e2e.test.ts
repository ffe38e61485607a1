/**
 * The evolution pipeline end to end against the Kraken simulator (live mode, loopback): the offline
 * evolver finds a candidate on the bundled real candles before the replay window → its gates → a paper
 * test over simulated hours beside the incumbent → deploy with a hot swap → an adverse stretch (the
 * venue rejects the new version's orders) trips the rollback watch → the parent trades again. Audited
 * from the database: every step in the ledger, no order lost or duplicated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { ConfigSchema } from '../../src/config/index.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { openDatabase } from '../../src/db/index.ts';
import type { EvolverReport } from '../../src/evolution/evolver.ts';
import { evolve } from '../../src/evolution/setup.ts';
import { createLogger } from '../../src/log/index.ts';
import { loadCandleDir } from '../../src/sim/candles-csv.ts';
import { DEFAULT_SIM_DATA_DIR } from '../../src/sim/index.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DAY = 86_400_000;
const WARMUP_DAYS = 12;
const PAIRS = ['BTC/USD', 'ETH/USD', 'SOL/USD'] as const;
const SETTINGS = {
  risk: { resume: 'auto', autoResumeAfterMinutes: 360 },
  rollback: { minOrdersForRates: 1, maxRejectShare: 0.2, cooldownHours: 0 },
  evolution: {
    policy: { holdoutDays: 2, minTrades: 1, minDsr: 0, minEdge: -0.01, jitterMinShare: 0, bootstrapRuns: 200 },
    screen: { days: 2, minTrades: 0, maxLoss: 1 },
    paper: { minDays: 0.25, maxDays: 1, minTrades: 0, maxUnderperformance: 1, maxDriftShare: 1 },
    evolver: { rungSize: 6, fullGates: 1 },
  },
};

let workDir: string;
let replay: Replay;
let report: EvolverReport;
const seen: string[] = [];
let rolledBackAt = 0;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-evolution-e2e-'));
  const series = loadCandleDir(DEFAULT_SIM_DATA_DIR, PAIRS);
  const from = Math.max(...series.map((s) => s.time[0]!)) + WARMUP_DAYS * DAY;
  const config = ConfigSchema.parse(SETTINGS);
  const db = openDatabase({ path: join(workDir, 'brain.db') });
  try {
    // The evolver judges on the candles before the replay window: nothing it chose on is traded on.
    report = await evolve(
      {
        db,
        config,
        clock: systemClock,
        repoRoot: REPO_ROOT,
        filesRoot: workDir,
        candles: { dir: DEFAULT_SIM_DATA_DIR, pairs: series.map((s) => s.pair), to: from },
      },
      { ms: 60_000, maxCandidates: 6, seed: 5 },
    );
  } finally {
    db.close();
  }
  const candidate = (report.outcome as { versionId?: string } | null)?.versionId;
  replay = await startReplay({
    workDir,
    repoRoot: REPO_ROOT,
    log: createLogger({ level: 'silent' }),
    mode: 'live',
    pairs: [...PAIRS],
    warmupDays: WARMUP_DAYS,
    days: 2,
    settings: SETTINGS,
    onEvent: (e) => {
      seen.push(e.type);
      // The adverse stretch: once the candidate is live, the venue refuses its orders.
      if (e.type === 'strategy.activated' && e.versionId === candidate)
        replay.sim.faults.failApi('EOrder:Insufficient funds', { method: 'AddOrder', times: 50 });
      if (e.type === 'strategy.rollingBack') rolledBackAt = e.at;
    },
  });
  await replay.run();
}, 240_000);

afterAll(async () => {
  await replay?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('evolution end to end against the simulator', () => {
  it('the evolver found a candidate that passed its gates and scheduled its paper test', () => {
    expect(report.outcome?.status).toBe('paperTest');
  });

  it('the paper test ran beside the incumbent, passed, and the candidate was deployed by a hot swap', () => {
    expect(seen).toContain('paperTest.started');
    expect(seen).toContain('paperTest.passed');
    expect(seen).toContain('strategy.activated');
  });

  it('the venue rejecting the new version tripped the rollback watch, and the parent trades again', () => {
    expect(rolledBackAt).toBeGreaterThan(0);
    const repos = replay.daemon.runtime.repos!;
    const parent = repos.ledger.byId((report.outcome as { ledgerId: number }).ledgerId)!.parentVersionId!;
    expect(repos.db.prepare('SELECT version_id FROM active_versions WHERE slot = ?').get<{ version_id: string }>(['strategy'])?.version_id).toBe(parent);
    const later = repos.db
      .prepare('SELECT COUNT(*) AS n FROM scan_results WHERE strategy_version = ? AND candle_time > ?')
      .get<{ n: number }>([parent, rolledBackAt]);
    expect(later!.n).toBeGreaterThan(0);
  });

  it('every step is in the ledger, the trigger with its numbers', () => {
    const repos = replay.daemon.runtime.repos!;
    const id = (report.outcome as { ledgerId: number }).ledgerId;
    expect(repos.ledger.byId(id)).toMatchObject({ stage: 'rolledBack' });
    const kinds = repos.ledger.events(id).map((e) => e.kind);
    expect(kinds).toEqual(['stored', 'evolver.winner', 'paperTest.scheduled', 'paperTest.passed', 'deployed', 'rolledBack']);
    const rolled = repos.ledger.events(id).at(-1)!.details as { trigger: { rung: string; trigger: string; value: number } };
    expect(rolled.trigger).toMatchObject({ rung: 'operational', trigger: 'rejectShare' });
  });

  it('inv. 4: no order lost or duplicated: every fill has its order row, one entry order per position', () => {
    const repos = replay.daemon.runtime.repos!;
    for (const f of repos.fills.inRange(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)) expect(repos.orders.byClOrdId(f.clOrdId)).toBeDefined();
    const orders = repos.orders.byStatus('intent', 'sent', 'open', 'partial', 'filled', 'canceled', 'expired', 'rejected', 'unknown');
    const entries = new Map<string, number>();
    for (const o of orders) if (o.side === 'buy') entries.set(o.positionId!, (entries.get(o.positionId!) ?? 0) + 1);
    expect([...entries.values()].every((n) => n === 1)).toBe(true);
  });
});
