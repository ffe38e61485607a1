/**
 * Opening the database: a file (default data/brain.db, WAL) or ':memory:' for tests. A writable
 * connection is migrated on open; a read-only one is opened with mode=ro AND query_only, because the
 * sandbox answers untrusted statistics queries through it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'libsql';
import type { Logger } from 'pino';
import { systemClock } from '../clock/clock.ts';
import { type Db, wrapConnection } from './connection.ts';
import { DbError } from './errors.ts';
import { applyMigrations, loadMigrations, type Migration } from './migrate.ts';

export const DEFAULT_DB_PATH = 'data/brain.db';

export interface OpenDatabaseOptions {
  /** File path, or ':memory:'. Default data/brain.db (its folder is created). */
  path?: string;
  readonly?: boolean;
  /** How long a statement waits for another connection's lock before SQLITE_BUSY. Default 5000. */
  busyTimeoutMs?: number;
  logger?: Logger;
  /** Override the migration set (tests); default: the files in src/db/migrations. */
  migrations?: readonly Migration[];
  /** Source of applied_at for schema_version. Default: system time. */
  now?: () => number;
}

function openRaw(path: string, readonly: boolean): InstanceType<typeof Database> {
  try {
    if (!readonly) {
      if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
      return new Database(path);
    }
    // libsql ignores the `readonly` constructor option; an SQLite URI with mode=ro is honoured.
    const url = pathToFileURL(resolve(path)).href;
    const db = new Database(`${url}?mode=ro`);
    try {
      db.prepare('SELECT count(*) FROM sqlite_master').get([]);
      return db;
    } catch {
      // A WAL database whose -shm file is gone (no daemon has it open) in a folder we may not write: SQLite
      // cannot create the -shm. With no writer there, reading it as immutable is safe.
      db.close();
      return new Database(`${url}?mode=ro&immutable=1`);
    }
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const hint = readonly
      ? 'a read-only open needs an existing database: start the daemon once to create it'
      : 'check the path and its permissions (config data.dbPath, flag --db)';
    throw new DbError('open_failed', `cannot open database ${path}${readonly ? ' read-only' : ''}: ${msg}; ${hint}`, {
      cause: err,
    });
  }
}

function configure(db: Db, busyTimeoutMs: number): void {
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  db.exec('PRAGMA foreign_keys = ON');
  if (db.readonly) {
    db.exec('PRAGMA query_only = 1');
    return;
  }
  if (db.path !== ':memory:') {
    const mode = db.pragma('journal_mode = WAL');
    if (mode !== 'wal') db.logger?.warn({ path: db.path, mode }, 'WAL not available; readers may block the writer');
  }
  db.exec('PRAGMA synchronous = NORMAL');
}

export function openDatabase(opts: OpenDatabaseOptions = {}): Db {
  const path = opts.path ?? DEFAULT_DB_PATH;
  const readonly = opts.readonly ?? false;
  if (readonly && path === ':memory:') {
    throw new DbError('open_failed', "a read-only ':memory:' database would always be empty; open a file path read-only");
  }
  const logger = opts.logger?.child({ component: 'db' });
  const db = wrapConnection(openRaw(path, readonly), path, readonly, logger);
  try {
    configure(db, opts.busyTimeoutMs ?? 5000);
    if (!readonly) applyMigrations(db, opts.migrations ?? loadMigrations(), opts.now ?? systemClock.now);
  } catch (err) {
    db.close();
    if (err instanceof DbError) throw err;
    // SQLite opens lazily: a corrupt or read-only file only fails at the first statement.
    const msg = err instanceof Error ? err.message : String(err);
    throw new DbError(
      'open_failed',
      `cannot use database ${path}${readonly ? ' read-only' : ''}: ${msg}; check config data.dbPath (flag --db): a corrupt file must be restored from a backup, a read-only one needs write permission for the daemon`,
      { cause: err },
    );
  }
  logger?.debug({ path, readonly }, 'database open');
  return db;
}
