/**
 * One trader per Kraken API key (Kraken's nonce must only increase per key; two traders on one key
 * break it and can double orders). A live daemon takes a lease named by a hash of the key — never the
 * key — before it trades, renews it every third of its TTL, and gives it back when it stops. Where the
 * lease can see a rival (docs/scale-out.md):
 * - in the database: every process that opens this database file, whatever the host (the pid lock
 *   beside it cannot tell a live pid on another host sharing the file from a dead one);
 * - in Redis (evolution.redisUrl): every trader configured with that Redis, on any machine, whatever
 *   database it uses. Nothing can see a trader that shares neither.
 * A refusal names the holder and how to take over safely; a lease lost while running (taken by
 * another trader after ours lapsed) stops this daemon.
 */
import { randomUUID } from 'node:crypto';
import { sha256 } from '../hash.ts';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { KeyLeaseRow, KeyLeasesRepo } from '../db/key-leases.repo.ts';
import { isProcessAlive } from './pid-lock.ts';
import { BrainError } from '../contract/errors.ts';

export interface LeaseIdentity {
  readonly keyHash: string;
  /** Unique per process: host:pid:random. */
  readonly holder: string;
  readonly host: string;
  readonly pid: number;
}

export interface LeaseHolder {
  /** The holding process's token (LeaseIdentity.holder). */
  readonly token: string;
  readonly host: string;
  readonly pid: number;
  readonly heartbeatAt: number;
  readonly expiresAt: number;
}

export type Renewal = { ok: true } | { ok: false; holder: LeaseHolder | null };

/** Where leases are kept: this database, or a Redis shared by the traders of several machines. */
export interface LeaseStore {
  /** For messages: "database /opt/trading-brain/data/brain.db", "Redis at redis://10.0.0.5:6379". */
  readonly where: string;
  /** Takes the lease if it is free, lapsed, ours, or held by the `stale` token (a holder known dead). */
  take(me: LeaseIdentity, now: number, ttlMs: number, stale?: string): Promise<{ ok: true } | { ok: false; holder: LeaseHolder }>;
  renew(me: LeaseIdentity, now: number, ttlMs: number): Promise<Renewal>;
  release(me: LeaseIdentity): Promise<void>;
  close(): Promise<void>;
}

/** sha256 of the key under a label of its own: the same key always gives the same lease, and the lease never reveals it. */
export function krakenKeyHash(apiKey: string): string {
  return sha256(`kraken-api-key\n${apiKey}`);
}

export class KeyLeaseRefused extends BrainError<'key_leased'> {
  override readonly name = 'KeyLeaseRefused';
  constructor(
    readonly holder: LeaseHolder,
    readonly where: string,
    message: string,
  ) {
    super(message, { domain: 'lock', code: 'key_leased', retryable: false, details: { where, host: holder.host, pid: holder.pid } });
  }
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

export function refusalMessage(keyHash: string, h: LeaseHolder, where: string, now: number): string {
  return (
    `Kraken API key ${keyHash.slice(0, 12)}… is leased by another trader: ${h.host} pid ${h.pid} (${where}), last heartbeat ${seconds(now - h.heartbeatAt)} s ago, ` +
    `its lease expires in ${seconds(h.expiresAt - now)} s. Two traders on one key break Kraken's nonce order and can double orders, so this daemon does not trade. ` +
    `If that trader still runs, stop it first (it gives the lease back as it stops). If it is gone (crashed, machine down), start this one again once its lease has expired; never run both. ` +
    '(The lease names a hash of the key, never the key.)'
  );
}

const holderOf = (r: KeyLeaseRow): LeaseHolder => ({ token: r.holder, host: r.host, pid: r.pid, heartbeatAt: r.heartbeatAt, expiresAt: r.expiresAt });

export function dbLeaseStore(repo: KeyLeasesRepo, where: string): LeaseStore {
  return {
    where,
    take: async (me, now, ttlMs, stale) => {
      const r = repo.take({ ...me, acquiredAt: now, heartbeatAt: now, expiresAt: now + ttlMs }, now, stale);
      return r.ok ? r : { ok: false, holder: holderOf(r.holder) };
    },
    renew: async (me, now, ttlMs) => {
      if (repo.renew(me.keyHash, me.holder, now, now + ttlMs)) return { ok: true };
      const row = repo.get(me.keyHash);
      return { ok: false, holder: row ? holderOf(row) : null };
    },
    release: async (me) => repo.release(me.keyHash, me.holder),
    close: async () => undefined,
  };
}

export interface KeyLease {
  readonly keyHash: string;
  /** Stops the heartbeat, gives the lease back and closes the stores. Safe to call twice. */
  release(): Promise<void>;
}

export interface TakeKeyLeaseOptions {
  readonly apiKey: string;
  readonly stores: readonly LeaseStore[];
  readonly ttlMs: number;
  readonly log: Logger;
  /** Called once if another trader takes the lease while this one runs (the daemon stops). */
  readonly onLost: (message: string) => void;
  /** Wall-clock ms (leases are compared across processes and machines); default Date.now. */
  readonly now?: () => number;
  /** This process as the lease names it (default hostname() and process.pid); tests play other processes. */
  readonly host?: string;
  readonly pid?: number;
  /** Whether a pid of this host runs (default: signal 0). */
  readonly isAlive?: (pid: number) => boolean;
}

/** Takes the lease in every store, or none: throws KeyLeaseRefused naming the holder. */
export async function takeKeyLease(o: TakeKeyLeaseOptions): Promise<KeyLease> {
  const now = o.now ?? Date.now;
  const host = o.host ?? hostname();
  const pid = o.pid ?? process.pid;
  const me: LeaseIdentity = { keyHash: krakenKeyHash(o.apiKey), holder: `${host}:${pid}:${randomUUID().slice(0, 8)}`, host, pid };
  const taken: LeaseStore[] = [];
  const giveBack = async () => {
    await Promise.allSettled(taken.map((s) => s.release(me)));
    await Promise.allSettled(o.stores.map((s) => s.close()));
  };
  for (const store of o.stores) {
    const at = now();
    const r = await takeOrTakeOver(store, me, at, o).catch(async (err: unknown) => {
      await giveBack();
      throw err;
    });
    if (!r.ok) {
      await giveBack();
      throw new KeyLeaseRefused(r.holder, store.where, refusalMessage(me.keyHash, r.holder, store.where, at));
    }
    taken.push(store);
  }
  o.log.info(
    { keyHash: me.keyHash.slice(0, 12), holder: me.holder, stores: o.stores.map((s) => s.where), ttlSeconds: o.ttlMs / 1000 },
    'Kraken key leased: no other trader may use it',
  );
  return heartbeat(me, o, now, giveBack);
}

/**
 * A lease held by a dead daemon of this host (killed, crashed, or this very pid in a previous life, as
 * pid 1 in a container) is taken over at once rather than after its TTL, so a restart after a crash
 * (systemd's Restart=) does not fail for a minute. Hosts must have distinct names for this to hold.
 */
async function takeOrTakeOver(store: LeaseStore, me: LeaseIdentity, at: number, o: TakeKeyLeaseOptions) {
  const r = await store.take(me, at, o.ttlMs);
  if (r.ok || r.holder.host !== me.host || (r.holder.pid !== me.pid && (o.isAlive ?? isProcessAlive)(r.holder.pid))) return r;
  o.log.warn({ store: store.where, stalePid: r.holder.pid }, 'taking over the Kraken key lease of a daemon of this host that is gone (killed or crashed)');
  return store.take(me, at, o.ttlMs, r.holder.token);
}

function heartbeat(me: LeaseIdentity, o: TakeKeyLeaseOptions, now: () => number, giveBack: () => Promise<void>): KeyLease {
  let stopped = false;
  const beat = async () => {
    for (const store of o.stores) {
      const r = await store.renew(me, now(), o.ttlMs).catch((err: unknown) => {
        o.log.warn({ err: (err as Error).message, store: store.where }, 'could not renew the Kraken key lease; trying again at the next heartbeat');
        return { ok: true } as Renewal;
      });
      if (r.ok || stopped) continue;
      stopped = true;
      clearInterval(timer);
      const by = r.holder ? `${r.holder.host} pid ${r.holder.pid}` : 'nobody (it was deleted)';
      o.onLost(
        `the lease of Kraken key ${me.keyHash.slice(0, 12)}… in ${store.where} is now held by ${by}: another trader uses this key, so this daemon stops trading`,
      );
      return;
    }
  };
  const timer = setInterval(() => void beat(), Math.max(1000, Math.floor(o.ttlMs / 3)));
  timer.unref();
  return {
    keyHash: me.keyHash,
    async release() {
      if (stopped) return giveBack();
      stopped = true;
      clearInterval(timer);
      await giveBack();
    },
  };
}
