/**
 * The daemon's boot in live mode takes the Kraken key's lease after opening its database and before
 * anything reaches the venue: another trader holding it stops boot with a message naming it (the venue
 * there is an address nothing listens on, so any venue call would fail differently); a running live
 * daemon (against the simulator) holds it and gives it back when it stops.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { ConfigSchema, type Config } from '../../src/config/index.ts';
import { startDaemon } from '../../src/daemon/daemon.ts';
import { openDatabase } from '../../src/db/index.ts';
import { keyLeasesRepo } from '../../src/db/key-leases.repo.ts';
import { krakenKeyHash } from '../../src/lock/key-lease.ts';
import { PROJECT_ROOT } from '../../src/paths.ts';
import { startReplay } from '../../src/daemon/replay.ts';
import type { Runtime } from '../../src/daemon/runtime.ts';
import { takeTradingLease, type StoreDeps } from '../../actors/supervisor/store.ts';
import { SIM_TEST_ACCOUNT } from '../../src/sim/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'brain-lease-boot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KEY = 'live-account-api-key-1234567890';
const NOWHERE = 'http://127.0.0.1:1';

function boot(mode: 'live' | 'paper', dbPath: string) {
  const config = ConfigSchema.parse({ mode, pairs: ['BTC/USD'], secrets: { krakenApiKey: KEY, krakenApiSecret: 'c2VjcmV0' } }) as Config;
  return startDaemon({
    config,
    log: pino({ level: 'silent' }),
    clock: systemClock,
    endpoints: { rest: NOWHERE, wsPublic: 'ws://127.0.0.1:1', wsPrivate: 'ws://127.0.0.1:1' },
    dbPath,
    repoRoot: PROJECT_ROOT,
    filesRoot: dir,
  });
}

describe('the Kraken key lease at boot', () => {
  it('a live daemon whose key another trader holds fails boot naming that trader, and never reaches the venue', async () => {
    const dbPath = join(dir, 'held.db');
    const db = openDatabase({ path: dbPath });
    const now = Date.now();
    keyLeasesRepo(db).take(
      { keyHash: krakenKeyHash(KEY), holder: 'box-b:4242:abcd', host: 'box-b', pid: 4242, acquiredAt: now, heartbeatAt: now, expiresAt: now + 60_000 },
      now,
    );
    db.close();
    const final = await boot('live', dbPath).done;
    expect(final.value).toBe('failed');
    expect(final.context.error?.code).toBe('lock.key_leased');
    expect(final.context.error?.message).toMatch(
      /Kraken API key [0-9a-f]{12}… is leased by another trader: box-b pid 4242 \(database .*held\.db\), last heartbeat \d+ s ago/,
    );
  });

  it('a live daemon holds the lease of its key while it runs and gives it back when it stops', async () => {
    const workDir = join(dir, 'replay');
    const replay = await startReplay({ workDir, repoRoot: PROJECT_ROOT, log: pino({ level: 'silent' }), mode: 'live', pairs: ['BTC/USD'], days: 1 });
    const reader = openDatabase({ path: join(workDir, 'brain.db') });
    try {
      expect(keyLeasesRepo(reader).get(krakenKeyHash(SIM_TEST_ACCOUNT.key))).toMatchObject({ host: hostname(), pid: process.pid });
      await replay.close();
      expect(keyLeasesRepo(reader).get(krakenKeyHash(SIM_TEST_ACCOUNT.key))).toBeUndefined();
    } finally {
      reader.close();
    }
  }, 60_000);

  it('paper mode takes no lease: it sends no orders with the key', async () => {
    const rt: Runtime = { db: openDatabase({ path: ':memory:' }) };
    const config = ConfigSchema.parse({ mode: 'paper', secrets: { krakenApiKey: KEY, krakenApiSecret: 'c2VjcmV0' } }) as Config;
    await takeTradingLease({ config, rt, dbPath: ':memory:', log: pino({ level: 'silent' }) } as unknown as StoreDeps, () => undefined);
    expect(rt.lease).toBeUndefined();
    rt.db!.close();
  });
});
