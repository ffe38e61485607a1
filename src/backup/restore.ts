/**
 * Restoring a backup, the one use case behind `brain restore FILE`. It holds the single-instance lock for
 * the whole operation, so it refuses while a daemon runs and no daemon can start half-way. Before
 * anything is replaced the file must pass SQLite's integrity check and carry a migration history this
 * build knows (an older history is fine: the next open migrates it; a newer or edited one is refused).
 * The replaced database (with its -wal and -shm) is moved aside, never deleted, and the backup is copied
 * into place under a temporary name and renamed, so the data path never holds half a file.
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkMigrationHistory, loadMigrations, openDatabase, type Migration } from '../db/index.ts';
import { acquirePidLock, databaseLockPath, LockError } from '../lock/index.ts';
import { BrainError } from '../contract/errors.ts';

export interface RestoreDeps {
  /** The backup to restore. */
  file: string;
  /** config data.dbPath, absolute. */
  dbPath: string;
  now: number;
  /** The migrations this build knows (default: src/db/migrations). */
  migrations?: readonly Migration[];
  /** Our pid for the lock (tests play a second process with it). */
  pid?: number;
}

export interface RestoreResult {
  readonly restored: string;
  /** Where the replaced database went, or null when there was none. */
  readonly replacedAside: string | null;
  /** Migration versions the backup holds; the next open applies the newer ones. */
  readonly versions: readonly number[];
  readonly pending: number;
}

export type RestoreErrorCode = 'daemon_running' | 'not_found' | 'not_a_brain_db' | 'same_file';

export class RestoreError extends BrainError<RestoreErrorCode> {
  override readonly name = 'RestoreError';
  constructor(code: RestoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, { domain: 'backup', code, retryable: false, cause: options?.cause });
  }
}

/** Opens the file read-only and checks it is a whole, known Trading Brain database; returns its versions. */
export function verifyBackup(file: string, migrations: readonly Migration[]): number[] {
  if (!existsSync(file)) throw new RestoreError('not_found', `no backup at ${file}; list them with \`ls data/backups\` (config backup.dir)`);
  let db: ReturnType<typeof openDatabase>;
  try {
    db = openDatabase({ path: file, readonly: true });
  } catch (cause) {
    throw new RestoreError('not_a_brain_db', `${file} cannot be opened as an SQLite database: ${(cause as Error).message}`, { cause });
  }
  try {
    const integrity = String(db.pragma('integrity_check'));
    if (integrity !== 'ok')
      throw new RestoreError('not_a_brain_db', `${file} fails SQLite's integrity check (${integrity.slice(0, 200)}): take another backup`);
    const versions = checkMigrationHistory(db, migrations);
    if (!versions.includes(1)) throw new RestoreError('not_a_brain_db', `${file} has an empty migration history: it is not a Trading Brain database`);
    return versions;
  } catch (cause) {
    if (cause instanceof RestoreError) throw cause;
    const msg = cause instanceof Error ? cause.message : String(cause);
    throw new RestoreError('not_a_brain_db', `${file} is not a database this build can run: ${msg}`, { cause });
  } finally {
    db.close();
  }
}

/** Moves the database and its WAL files aside; returns the new name, or null when there was no database. */
function moveAside(dbPath: string, now: number): string | null {
  if (!existsSync(dbPath)) return null;
  const aside = `${dbPath}.replaced-${new Date(now).toISOString().replace(/[-:.]/g, '')}`;
  renameSync(dbPath, aside);
  for (const suffix of ['-wal', '-shm']) if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, aside + suffix);
  return aside;
}

export function restoreDatabase(d: RestoreDeps): RestoreResult {
  const file = resolve(d.file);
  if (file === resolve(d.dbPath)) throw new RestoreError('same_file', `${file} is the live database itself: restore a file from the backup folder`);
  let lock: ReturnType<typeof acquirePidLock>;
  try {
    lock = acquirePidLock({ path: databaseLockPath(d.dbPath), ...(d.pid ? { pid: d.pid } : {}) });
  } catch (cause) {
    if (!(cause instanceof LockError)) throw cause;
    throw new RestoreError('daemon_running', `restore refused: ${cause.message}; nothing was changed`, { cause });
  }
  try {
    const migrations = d.migrations ?? loadMigrations();
    const versions = verifyBackup(file, migrations);
    const staged = `${d.dbPath}.restoring`;
    copyFileSync(file, staged);
    const replacedAside = moveAside(d.dbPath, d.now);
    renameSync(staged, d.dbPath);
    rmSync(`${d.dbPath}-wal`, { force: true });
    rmSync(`${d.dbPath}-shm`, { force: true });
    return { restored: file, replacedAside, versions, pending: migrations.filter((m) => !versions.includes(m.version)).length };
  } finally {
    lock.release();
  }
}
