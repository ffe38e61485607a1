/**
 * Another process holding the daemon's database: an exclusive transaction on its own connection from the
 * test process, for `ms` of real time (the fault is its duration). The daemon's writes wait on SQLite's
 * busy timeout meanwhile.
 */
import { openDatabase } from '../../../src/db/index.ts';

/** Takes the write lock now; resolves once it is released. */
export function lockDatabase(path: string, ms: number): Promise<void> {
  const db = openDatabase({ path, busyTimeoutMs: 10_000 });
  db.exec('BEGIN EXCLUSIVE');
  return new Promise((resolve) => {
    setTimeout(() => {
      db.exec('COMMIT');
      db.close();
      resolve();
    }, ms);
  });
}
