/**
 * A backup taken while the daemon trades, restored after it stopped: the daemon boots from the restored
 * database, reconciles (ledger rebuilt from the backup's fills, open positions re-spawned from their rows,
 * paper venue rebuilt from its orders and fills), passes its self-audit and trades on.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { backupDatabase } from '../../src/backup/backup.ts';
import { restoreDatabase } from '../../src/backup/restore.ts';
import { ledgerFromFills } from '../../actors/supervisor/reconcile.ts';
import { startReplay, type Replay } from '../../src/daemon/replay.ts';
import { createRepositories, openDatabase } from '../../src/db/index.ts';
import { createLogger } from '../../src/log/index.ts';
import { failedChecks, runAuditChore } from '../audit/audit-chore.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DAY = 86_400_000;
const ALL: [number, number] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
const PAIRS = ['BTC/USD', 'ETH/USD', 'SOL/USD'] as const;
const workDir = mkdtempSync(join(tmpdir(), 'brain-restore-'));
const log = createLogger({ level: 'silent', pretty: false, secrets: [] });
let second: Replay | undefined;

afterAll(async () => {
  await second?.close();
  rmSync(workDir, { recursive: true, force: true });
});

describe('restore a backup taken mid-run', () => {
  it('the daemon boots from it, reconciles to what the backup held, passes its audit and trades on', async () => {
    let taken: { file: string; time: number } | null = null;
    const first: Replay = await startReplay({
      workDir,
      repoRoot: REPO_ROOT,
      log,
      pairs: [...PAIRS],
      days: 1.5,
      onStep: (time) => {
        const { db, repos } = first.daemon.runtime;
        // Mid-run, at a step where something is held: the backup must carry open positions, not only history.
        if (taken || time < first.from + DAY / 2 || repos!.positions.open().length === 0) return;
        taken = { file: backupDatabase({ db: db!, dir: join(workDir, 'backups'), keep: 3, now: time }).file, time };
      },
    });
    await first.run();
    const lastFillsOfFirstRun = first.daemon.runtime.repos!.fills.inRange(...ALL).length;
    await first.close();
    expect(taken).not.toBeNull();
    const { file, time } = taken!;

    const backup = openDatabase({ path: file, readonly: true });
    const held = createRepositories(backup);
    const expected = { fills: held.fills.inRange(...ALL).length, open: held.positions.open().map((p) => p.id), cash: ledgerFromFills(held, 10_000).cash };
    backup.close();
    expect(expected.open.length).toBeGreaterThan(0);
    expect(lastFillsOfFirstRun).toBeGreaterThan(expected.fills);

    const restored = restoreDatabase({ file, dbPath: join(workDir, 'brain.db'), now: time });
    expect(existsSync(restored.replacedAside!)).toBe(true);

    // The market starts again where the backup was taken.
    second = await startReplay({ workDir, repoRoot: REPO_ROOT, log, pairs: [...PAIRS], warmupDays: (time - (first.from - 2 * DAY)) / DAY, days: 0.25 });
    const { actor, runtime } = second.daemon;
    const c = actor.getSnapshot().context;
    expect(actor.getSnapshot().matches('running')).toBe(true);
    expect(runtime.repos!.fills.inRange(...ALL)).toHaveLength(expected.fills);
    expect(c.ledger.cash).toBeCloseTo(expected.cash, 6);
    expect(c.slots.map((s) => s.positionId).sort()).toEqual([...expected.open].sort());

    const audit = await runAuditChore(second.daemon, second.sim.clock.now());
    expect(failedChecks(audit.report)).toEqual([]);
    expect(await second.run()).toBeGreaterThan(50);
    expect(actor.getSnapshot().matches('running')).toBe(true);
  }, 180_000);
});
