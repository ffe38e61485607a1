/** Issue 12: the daemon's store step — the database's own lock, its stale takeover in the log, and a database it cannot use. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { closeStore, openStore, type StoreDeps } from '../../../actors/supervisor/store.ts';
import { simulatedClock } from '../../../src/clock/simulated.ts';
import { ConfigSchema } from '../../../src/config/index.ts';
import type { Runtime } from '../../../src/daemon/runtime.ts';
import { openDatabase } from '../../../src/db/index.ts';
import { krakenRateRepo } from '../../../src/db/kraken-rate.repo.ts';
import { KrakenClient } from '../../../src/kraken/client.ts';
import { databaseLockPath } from '../../../src/lock/index.ts';
import { krakenKeyHash } from '../../../src/lock/key-lease.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function deps(dbPath: string, extra: Partial<StoreDeps> = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const rt: Runtime = {};
  return { d: { dbPath, log, rt, config: ConfigSchema.parse({}), ...extra } as unknown as StoreDeps, rt, lines, log };
}

describe('the store step of boot', () => {
  it('takes over the lock of a daemon that died and says so in the log', async () => {
    dir = mkdtempSync(join(tmpdir(), 'brain-store-'));
    const db = join(dir, 'data', 'brain.db');
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(databaseLockPath(db), `${dead}\nold\n`);
    const { d, rt, lines, log } = deps(db);
    openStore(d);
    expect(
      lines.find((l) => l['msg'] === 'taking over a stale lock: the daemon that held it is gone (killed or crashed); its orders in flight are reconciled now'),
    ).toMatchObject({ level: 40, stalePid: dead });
    await closeStore(rt, log);
    expect(existsSync(databaseLockPath(db))).toBe(false);
  });

  it('a database it cannot use fails naming data.dbPath, and the lock it took is released', () => {
    dir = mkdtempSync(join(tmpdir(), 'brain-store-'));
    mkdirSync(join(dir, 'data'));
    const db = join(dir, 'data', 'brain.db');
    writeFileSync(db, 'garbage'.repeat(1000));
    const { d, rt } = deps(db);
    expect(() => openStore(d)).toThrow(/cannot use database .*brain\.db: .*check config data\.dbPath/);
    expect(rt.lock).toBeUndefined();
    expect(existsSync(databaseLockPath(db))).toBe(false);
  });

  it("with a Kraken key, hands the client the call counter this database saved for it (Kraken's did not restart)", async () => {
    dir = mkdtempSync(join(tmpdir(), 'brain-store-'));
    mkdirSync(join(dir, 'data'));
    const db = join(dir, 'data', 'brain.db');
    const before = openDatabase({ path: db });
    krakenRateRepo(before, krakenKeyHash('the-key')).save(12, 1_000);
    krakenRateRepo(before, krakenKeyHash('another-key')).save(3, 1_000);
    before.close();
    const clock = simulatedClock(4_000);
    const client = new KrakenClient({ baseUrl: 'http://127.0.0.1:1', clock, fallbackFees: { maker: 0.0025, taker: 0.004 } });
    const config = ConfigSchema.parse({ secrets: { krakenApiKey: 'the-key', krakenApiSecret: 'c2VjcmV0' } });
    const { d, rt, log } = deps(db, { config, client });
    openStore(d);
    // 3 s at the starter tier's 0.33 per second since the last run saved 12.
    expect(client.rest.rateLevel()).toBeCloseTo(12 - 0.99, 6);
    await closeStore(rt, log);
  });
});
