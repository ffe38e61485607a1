/**
 * The daily self-audit inside a running daemon, LIVE mode against the simulator (real Kraken orders on
 * the loopback venue): it passes on a clean day, and finds a planted mismatch — a fill deleted from the
 * database, a balance changed at the venue — stores a failed report with the numbers, alerts and holds
 * the breaker at reducing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { createLogger } from '../../src/log/index.ts';
import { failedChecks, runAuditChore } from './audit-chore.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ALL: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
let replay: Replay;
let workDir: string;
const alerts: string[] = [];

const audit = () => runAuditChore(replay.daemon, replay.sim.clock.now());
const failedNames = failedChecks;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'brain-audit-'));
  const log = createLogger({ level: 'silent', pretty: false, secrets: [] });
  replay = await startReplay({
    workDir,
    repoRoot: REPO_ROOT,
    log,
    mode: 'live',
    pairs: ['BTC/USD', 'ETH/USD', 'SOL/USD'],
    days: 2,
    settings: { risk: { resume: 'auto', autoResumeAfterMinutes: 360 } },
    onEvent: (e) => {
      if (e.type === 'supervisor.alert') alerts.push(e.message);
    },
  });
  await replay.run();
}, 120_000);

afterAll(async () => {
  await replay?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('the daily self-audit in a live daemon against the simulator', () => {
  it('passes after a day of real trading, comparing every check with numbers', async () => {
    const fills = replay.daemon.runtime.repos!.fills.inRange(...ALL);
    expect(fills.length).toBeGreaterThanOrEqual(4);
    const { event, report } = await audit();
    expect(failedNames(report)).toEqual([]);
    expect(event.audit).toEqual({ reportId: report.id, passed: true, failed: [] });
    expect(report).toMatchObject({ mode: 'live', trigger: 'schedule', passed: true });
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass']);
    expect(report.checks.find((c) => c.name === 'ledger.fillsVsBooked')!.numbers['fillsCash']).toBeCloseTo(replay.sim.engine.balances()['ZUSD']!.balance, 3);
    expect(replay.daemon.actor.getSnapshot().context.breaker).toBe('active');
  });

  it('finds a fill deleted from the database, alerts and holds the breaker at reducing', async () => {
    const { db, repos } = replay.daemon.runtime;
    const victim = repos!.fills.inRange(...ALL).at(-1)!;
    db!.prepare('DELETE FROM fills WHERE trade_id = ?').run([victim.tradeId]);
    const { event, report } = await audit();
    expect(report.passed).toBe(false);
    expect(failedNames(report)).toEqual(expect.arrayContaining(['pnl.fillsVsPositions', 'ledger.fillsVsBooked']));
    expect(event.audit!.failed).toEqual(failedNames(report));
    expect(replay.daemon.actor.getSnapshot().context.breaker).toBe('reducing');
    expect(alerts.at(-1)).toMatch(new RegExp(`^self-audit #${report.id} failed \\(.*ledger\\.fillsVsBooked.*\\): breaker held at reducing`));
    repos!.fills.insert(victim);
  });

  it('finds a balance changed at the venue (the simulated account), naming the asset and the difference', async () => {
    expect(failedNames((await audit()).report)).toEqual([]);
    replay.sim.engine.adjustBalance('ZUSD', -25);
    const { report } = await audit();
    expect(failedNames(report)).toEqual(['balances.venue']);
    const c = report.checks.find((x) => x.name === 'balances.venue')!;
    expect(c.detail).toMatch(/^USD: the ledger from the fills has [\d.]+ USD but the venue reports [\d.]+ USD$/);
    expect(c.numbers['ledgerCash']! - c.numbers['venueUsd']!).toBeCloseTo(25, 3);
  });
});
