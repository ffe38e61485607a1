/**
 * The Kraken key lease in Redis, for traders on different machines with different databases: one key
 * `brain:lease:<keyHash>` holding the holder as JSON, expiring by itself (PX) unless renewed. Taking,
 * renewing and releasing are scripts that check the holder first, so a trader whose lease lapsed and
 * was taken can never extend or delete its successor's.
 */
import type { Redis } from '../redis/connect.ts';
import type { LeaseHolder, LeaseIdentity, LeaseStore, Renewal } from './key-lease.ts';

type Stored = Omit<LeaseHolder, 'token'> & { holder: string };

/**
 * Sets the lease if it is free (lapsed, never taken), ours (ARGV[1]) or held by the stale token ARGV[4]
 * (a holder known dead); else returns the holder's JSON. Taking and renewing are both this.
 */
const SET_IF_OURS = `local v = redis.call('GET', KEYS[1])
if (not v) or cjson.decode(v).holder == ARGV[1] or cjson.decode(v).holder == ARGV[4] then
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
    return { token: s.holder, host: s.host, pid: s.pid, heartbeatAt: s.heartbeatAt, expiresAt: s.expiresAt };
  };
  const setIfOurs = async (me: LeaseIdentity, now: number, ttlMs: number, stale: string): Promise<Renewal> => {
    const r = (await client.eval(SET_IF_OURS, 1, key(me), me.holder, value(me, now, ttlMs), String(ttlMs), stale)) as number | string;
    return r === 1 ? { ok: true } : { ok: false, holder: holderOf(String(r)) };
  };
  return {
    where,
    async take(me, now, ttlMs, stale) {
      const r = await setIfOurs(me, now, ttlMs, stale ?? '');
      return r.ok ? r : { ok: false, holder: r.holder! };
    },
    renew: (me, now, ttlMs) => setIfOurs(me, now, ttlMs, ''),
    async release(me) {
      await client.eval(RELEASE, 1, key(me), me.holder);
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
