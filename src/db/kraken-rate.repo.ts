/** kraken_rate_counter (owned by src/kraken/rate.ts): the REST call counter of one API key, saved at every booking. */
import type { Db } from './connection.ts';

export interface KrakenRateRepo {
  load(): { level: number; at: number } | null;
  save(level: number, at: number): void;
}

/** The counter row of the key with this hash (src/lock/key-lease.ts krakenKeyHash). */
export function krakenRateRepo(db: Db, keyHash: string): KrakenRateRepo {
  const get = db.prepare('SELECT level, at FROM kraken_rate_counter WHERE key_hash = ?');
  const upsert = db.prepare(
    'INSERT INTO kraken_rate_counter (key_hash, level, at) VALUES (?, ?, ?) ON CONFLICT (key_hash) DO UPDATE SET level = excluded.level, at = excluded.at',
  );
  return {
    load: () => {
      const r = get.get([keyHash]) as { level: number; at: number } | undefined;
      return r ? { level: r.level, at: r.at } : null;
    },
    save: (level, at) => void upsert.run([keyHash, level, Math.round(at)]),
  };
}
