/**
 * One trader per Kraken key: the lease in the database (two processes on one database file) and in
 * Redis (two machines, two databases, one Redis). Times are injected; the heartbeat runs on fake timers.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../../src/db/index.ts';
import { keyLeasesRepo } from '../../src/db/key-leases.repo.ts';
import { dbLeaseStore, KeyLeaseRefused, krakenKeyHash, takeKeyLease, type LeaseStore } from '../../src/lock/key-lease.ts';
import { redisLeaseStore } from '../../src/lock/key-lease-redis.ts';
import { connectRedis } from '../../src/redis/connect.ts';
import { REDIS_SKIP, testRedis } from '../redis-server.ts';

const KEY = 'kraken-api-key-of-the-account-0123456789';
const TTL = 60_000;
const T0 = Date.UTC(2025, 0, 1);
const log = pino({ level: 'silent' });

let dir: string;
const dbs: Db[] = [];
beforeAll(() => void (dir = mkdtempSync(join(tmpdir(), 'brain-lease-'))));
afterAll(() => {
  for (const db of dbs) db.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => void vi.useRealTimers());

/** A connection to the database file `name`, as a second daemon process would open it. */
function dbStore(name: string): LeaseStore {
  const db = openDatabase({ path: join(dir, name) });
  dbs.push(db);
  return dbLeaseStore(keyLeasesRepo(db), `database ${name}`);
}

/** A trader process: this one by default; `pid` plays another daemon of this host (alive unless said). */
const take = (stores: LeaseStore[], now: () => number, o: { onLost?: (m: string) => void; pid?: number; alive?: boolean } = {}) =>
  takeKeyLease({
    apiKey: KEY,
    stores,
    ttlMs: TTL,
    log,
    onLost: o.onLost ?? (() => undefined),
    now,
    ...(o.pid ? { pid: o.pid, isAlive: () => o.alive ?? true } : {}),
  });
const OTHER = 99_999;

describe('the Kraken key lease in the database', () => {
  it('refuses a second trader on the same database, naming the holder, its heartbeat and how to take over safely', async () => {
    const first = await take([dbStore('one.db')], () => T0);
    const err = await take([dbStore('one.db')], () => T0 + 20_000, { pid: OTHER }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyLeaseRefused);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^Kraken API key ${krakenKeyHash(KEY).slice(0, 12)}… is leased by another trader: .+ pid ${process.pid} \\(database one\\.db\\), last heartbeat 20 s ago, its lease expires in 40 s\\..*stop it first.*once its lease has expired; never run both`,
      ),
    );
    await first.release();
    const second = await take([dbStore('one.db')], () => T0 + 21_000, { pid: OTHER });
    await second.release();
  });

  it('takes over at once the lease of a daemon of this host that is gone (killed, crashed), so a restart does not wait for its TTL', async () => {
    await take([dbStore('dead.db')], () => T0, { pid: OTHER });
    const restarted = await take([dbStore('dead.db')], () => T0 + 1000, { pid: OTHER + 1, alive: false });
    await restarted.release();
  });

  it('lets a trader take over a lease whose holder stopped renewing it (crashed) once it has expired', async () => {
    await take([dbStore('two.db')], () => T0);
    const late = await take([dbStore('two.db')], () => T0 + TTL + 1, { pid: OTHER });
    await late.release();
  });

  it('names a hash of the key, never the key', async () => {
    const lease = await take([dbStore('three.db')], () => T0);
    expect(lease.keyHash).toBe(krakenKeyHash(KEY));
    expect(lease.keyHash).not.toContain(KEY);
    expect(readFileSync(join(dir, 'three.db')).includes(KEY)).toBe(false);
    await lease.release();
  });

  it('renews every third of its TTL, and a lease taken over after it lapsed is reported lost once', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let now = T0;
    const lost: string[] = [];
    const lease = await take([dbStore('four.db')], () => now, { onLost: (m) => void lost.push(m) });
    now += TTL / 3;
    await vi.advanceTimersByTimeAsync(TTL / 3);
    // Still renewed: a rival is refused well after the original expiry would have been.
    now = T0 + TTL + 5_000;
    await expect(take([dbStore('four.db')], () => now, { pid: OTHER })).rejects.toBeInstanceOf(KeyLeaseRefused);
    // The holder stalls past its TTL; a rival takes the key; the holder's next heartbeat finds it gone.
    now = T0 + 3 * TTL;
    const rival = await take([dbStore('four.db')], () => now, { pid: OTHER });
    await vi.advanceTimersByTimeAsync(TTL);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/in database four\.db is now held by .+ pid \d+: another trader uses this key, so this daemon stops trading/);
    await lease.release();
    await rival.release();
  });
});

describe.skipIf(REDIS_SKIP)(`the Kraken key lease in Redis ${REDIS_SKIP ?? ''}`, () => {
  let url = '';
  let stop: () => Promise<void> = async () => undefined;
  beforeAll(async () => ({ url, stop } = await testRedis()));
  afterAll(() => stop());
  // Each test its own key, so files sharing one Redis never meet.
  const key = (tag: string) => `${KEY}-${tag}-${process.pid}`;
  const redisStore = async () => redisLeaseStore(await connectRedis({ url }, 'lease test'), 'Redis at test');

  it('refuses a trader on another machine with another database, and frees the key when the holder stops', async () => {
    const apiKey = key('machines');
    const first = await takeKeyLease({ apiKey, stores: [dbStore('machine-a.db'), await redisStore()], ttlMs: TTL, log, onLost: () => undefined });
    const machineB = { host: 'box-b', pid: 4242 };
    const err = await takeKeyLease({
      apiKey,
      stores: [dbStore('machine-b.db'), await redisStore()],
      ttlMs: TTL,
      log,
      onLost: () => undefined,
      ...machineB,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyLeaseRefused);
    expect((err as KeyLeaseRefused).where).toBe('Redis at test');
    // Refused in Redis, machine B gave its database lease back.
    expect(keyLeasesRepo(dbs.at(-1)!).get(krakenKeyHash(apiKey))).toBeUndefined();
    await first.release();
    const second = await takeKeyLease({ apiKey, stores: [dbStore('machine-b.db'), await redisStore()], ttlMs: TTL, log, onLost: () => undefined, ...machineB });
    await second.release();
  });

  it("takes over at once the Redis lease of this host's dead daemon, and only with its token", async () => {
    const apiKey = key('dead');
    const dead = await takeKeyLease({ apiKey, stores: [await redisStore()], ttlMs: TTL, log, onLost: () => undefined, pid: OTHER });
    const restarted = await takeKeyLease({
      apiKey,
      stores: [await redisStore()],
      ttlMs: TTL,
      log,
      onLost: () => undefined,
      pid: OTHER + 1,
      isAlive: () => false,
    });
    // The dead daemon's token no longer holds it: its late release leaves the new lease in place.
    await dead.release();
    await expect(
      takeKeyLease({ apiKey, stores: [await redisStore()], ttlMs: TTL, log, onLost: () => undefined, host: 'box-c', pid: 7 }),
    ).rejects.toBeInstanceOf(KeyLeaseRefused);
    await restarted.release();
  });

  it('reports the lease lost when another trader holds it at the next heartbeat', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const apiKey = key('lost');
    const lost: string[] = [];
    const lease = await takeKeyLease({ apiKey, stores: [await redisStore()], ttlMs: TTL, log, onLost: (m) => void lost.push(m) });
    const admin = await connectRedis({ url }, 'admin');
    await admin.set(
      `brain:lease:${krakenKeyHash(apiKey)}`,
      JSON.stringify({ holder: 'other', host: 'box-b', pid: 42, heartbeatAt: Date.now(), expiresAt: Date.now() + TTL }),
    );
    await vi.advanceTimersByTimeAsync(TTL / 3);
    await vi.waitFor(() => expect(lost).toHaveLength(1), { timeout: 10_000 });
    expect(lost[0]).toMatch(/in Redis at test is now held by box-b pid 42/);
    await lease.release();
    expect(await admin.get(`brain:lease:${krakenKeyHash(apiKey)}`)).toContain('box-b');
    admin.disconnect();
  });
});
