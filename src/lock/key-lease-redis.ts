/**
 * The Kraken key lease in Redis, for traders on different machines with different databases: one key
 * `brain:lease:<keyHash>` holding the holder as JSON, expiring by itself (PX) unless renewed. Taking
 * is SET NX; renewing and releasing are scripts that check the holder first, so a trader whose lease
 * lapsed and was taken can never extend or delete its successor's.
 */
import type { Redis } from '../redis/connect.ts';
import type { LeaseHolder, LeaseIdentity, LeaseStore, Renewal } from './key-lease.ts';

type Stored = LeaseHolder & { holder: string };

/** Extends the lease if it is ours, takes it again if it lapsed untaken; else returns the holder's JSON. */
const RENEW = `local v = redis.call('GET', KEYS[1])
if (not v) or cjson.decode(v).holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return v`;

const RELEASE = `local v = redis.call('GET', KEYS[1])
if v and cjson.decode(v).holder == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export function redisLeaseStore(client: Redis, where: string): LeaseStore {
  const key = (me: LeaseIdentity) => `brain:lease:${me.keyHash}`;
  const value = (me: LeaseIdentity, now: number, ttlMs: number): string =>
    JSON.stringify({ holder: me.holder, host: me.host, pid: me.pid, heartbeatAt: now, expiresAt: now + ttlMs } satisfies Stored);
  const holderOf = (text: string): LeaseHolder => {
    const s = JSON.parse(text) as Stored;
    return { host: s.host, pid: s.pid, heartbeatAt: s.heartbeatAt, expiresAt: s.expiresAt };
  };
  return {
    where,
    async take(me, now, ttlMs) {
      if ((await client.set(key(me), value(me, now, ttlMs), 'PX', ttlMs, 'NX')) === 'OK') return { ok: true };
      const r = await this.renew(me, now, ttlMs);
      return r.ok ? r : { ok: false, holder: r.holder! };
    },
    async renew(me, now, ttlMs): Promise<Renewal> {
      const r = (await client.eval(RENEW, 1, key(me), me.holder, value(me, now, ttlMs), String(ttlMs))) as number | string;
      return r === 1 ? { ok: true } : { ok: false, holder: holderOf(String(r)) };
    },
    async release(me) {
      await client.eval(RELEASE, 1, key(me), me.holder);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
