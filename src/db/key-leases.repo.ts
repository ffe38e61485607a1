/** key_leases (owned by src/lock/key-lease.ts): who trades with which Kraken key, by the key's hash. */
import type { Db } from './connection.ts';

export interface KeyLeaseRow {
  keyHash: string;
  holder: string;
  host: string;
  pid: number;
  acquiredAt: number;
  heartbeatAt: number;
  expiresAt: number;
}

export interface KeyLeasesRepo {
  /**
   * Takes the lease unless another holder's is still live at `now` (a `stale` holder, known dead, is
   * taken over even so); returns the holder's row when refused.
   */
  take(row: KeyLeaseRow, now: number, stale?: string): { ok: true } | { ok: false; holder: KeyLeaseRow };
  /** Extends our lease; false when it is no longer ours (taken over after it expired, or deleted). */
  renew(keyHash: string, holder: string, heartbeatAt: number, expiresAt: number): boolean;
  release(keyHash: string, holder: string): void;
  get(keyHash: string): KeyLeaseRow | undefined;
}

type Row = { key_hash: string; holder: string; host: string; pid: number; acquired_at: number; heartbeat_at: number; expires_at: number };
const fromRow = (r: Row): KeyLeaseRow => ({
  keyHash: r.key_hash,
  holder: r.holder,
  host: r.host,
  pid: r.pid,
  acquiredAt: r.acquired_at,
  heartbeatAt: r.heartbeat_at,
  expiresAt: r.expires_at,
});

export function keyLeasesRepo(db: Db): KeyLeasesRepo {
  const get = db.prepare('SELECT * FROM key_leases WHERE key_hash = ?');
  const upsert = db.prepare(
    `INSERT INTO key_leases (key_hash, holder, host, pid, acquired_at, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (key_hash) DO UPDATE SET holder = excluded.holder, host = excluded.host, pid = excluded.pid,
       acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
  );
  const renew = db.prepare('UPDATE key_leases SET heartbeat_at = ?, expires_at = ? WHERE key_hash = ? AND holder = ?');
  const release = db.prepare('DELETE FROM key_leases WHERE key_hash = ? AND holder = ?');
  const one = (keyHash: string) => {
    const r = get.get([keyHash]) as Row | undefined;
    return r && fromRow(r);
  };
  return {
    take: (row, now, stale) =>
      db.transaction(() => {
        const current = one(row.keyHash);
        if (current && current.holder !== row.holder && current.holder !== stale && current.expiresAt > now) return { ok: false as const, holder: current };
        upsert.run([row.keyHash, row.holder, row.host, row.pid, row.acquiredAt, row.heartbeatAt, row.expiresAt]);
        return { ok: true as const };
      }),
    renew: (keyHash, holder, heartbeatAt, expiresAt) => renew.run([heartbeatAt, expiresAt, keyHash, holder]).changes === 1,
    release: (keyHash, holder) => void release.run([keyHash, holder]),
    get: one,
  };
}
