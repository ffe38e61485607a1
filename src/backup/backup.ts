/**
 * Online backups: `VACUUM INTO` a new file while the daemon keeps writing (WAL: the copy is one consistent
 * read transaction, the writer is not blocked). libsql's better-sqlite3-style `backup()` throws "not
 * implemented", so VACUUM INTO is the way; it also compacts. The copy is written under a `.partial` name
 * and renamed, so a file with the backup name is always complete; then all but the newest `keep` go.
 * One use case, called by the daemon's daily chore and by `brain backup`.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/index.ts';
import { BrainError } from '../contract/errors.ts';

const NAME = /^brain-\d{8}T\d{9}Z\.db$/;

export interface BackupDeps {
  /** An open connection to the database to copy (the daemon's, or the CLI's). */
  db: Db;
  /** Absolute folder of the backups (config backup.dir). */
  dir: string;
  /** Backups kept (config backup.keep). */
  keep: number;
  now: number;
}

export interface BackupResult {
  readonly file: string;
  readonly bytes: number;
  /** Older backups deleted to keep `keep`. */
  readonly pruned: readonly string[];
}

/** brain-20260105T004500123Z.db: sorts by time as text. */
export function backupName(now: number): string {
  return `brain-${new Date(now).toISOString().replace(/[-:.]/g, '')}.db`;
}

/** The backups in `dir`, oldest first (absolute paths). */
export function listBackups(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => NAME.test(n))
    .sort()
    .map((n) => join(dir, n));
}

export function backupDatabase(d: BackupDeps): BackupResult {
  if (!Number.isInteger(d.keep) || d.keep < 1) throw new RangeError(`backup.keep must be a whole number ≥ 1, got ${d.keep}`);
  mkdirSync(d.dir, { recursive: true });
  const file = join(d.dir, backupName(d.now));
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  try {
    d.db.prepare('VACUUM INTO ?').run([partial]);
  } catch (err) {
    rmSync(partial, { force: true });
    const msg = err instanceof Error ? err.message : String(err);
    throw new BrainError(`backup of ${d.db.path} into ${d.dir} failed: ${msg}; check free space and permissions there (config backup.dir)`, {
      domain: 'backup',
      code: 'write_failed',
      retryable: false,
      cause: err,
    });
  }
  renameSync(partial, file);
  const all = listBackups(d.dir);
  const pruned = all.slice(0, Math.max(0, all.length - d.keep));
  for (const old of pruned) rmSync(old, { force: true });
  return { file, bytes: statSync(file).size, pruned };
}
