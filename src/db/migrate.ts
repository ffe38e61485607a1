/**
 * Numbered migrations: src/db/migrations/NNNN_name.sql, applied in order, each in its own transaction
 * and recorded in schema_version with a checksum. An applied file that changed, or a database that
 * knows a migration this build does not, stops the open: silently diverging schemas lose money.
 */
import { sha256 } from '../hash.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './connection.ts';
import { DbError } from './errors.ts';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** sha256 of the SQL with line endings normalised, so a CRLF checkout does not look tampered. */
export function migrationChecksum(sql: string): string {
  return sha256(sql.replace(/\r\n/g, '\n'));
}

export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations = files.map((file): Migration => {
    const m = FILE_PATTERN.exec(file);
    if (!m) {
      throw new DbError('migration_files', `migration file ${file} in ${dir} is misnamed; use NNNN_lower_snake_name.sql`);
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    return { version: Number(m[1]), name: m[2] ?? '', sql, checksum: migrationChecksum(sql) };
  });
  migrations.forEach((mig, i) => {
    if (mig.version !== i + 1) {
      throw new DbError(
        'migration_files',
        `migration ${files[i]} in ${dir} should be number ${String(i + 1).padStart(4, '0')}: ` +
          'numbers start at 0001 with no gaps or duplicates; renumber the newest file',
      );
    }
  });
  return migrations;
}

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

/**
 * Throws DbError when the database's recorded history holds a migration this build does not know or one
 * whose file changed; returns the versions recorded. A database without schema_version is not ours.
 */
export function checkMigrationHistory(db: Db, known: readonly Migration[]): number[] {
  const table = db.prepare("SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) throw new DbError('migration_unknown', `${db.path} has no schema_version table: it is not a Trading Brain database`);
  const applied = db.prepare('SELECT version, name, checksum FROM schema_version ORDER BY version').all<AppliedRow>();
  checkApplied(applied, known);
  return applied.map((r) => r.version);
}

function checkApplied(applied: readonly AppliedRow[], known: readonly Migration[]): void {
  for (const row of applied) {
    const mig = known.find((m) => m.version === row.version);
    if (!mig) {
      throw new DbError(
        'migration_unknown',
        `database has migration ${row.version} (${row.name}) that this build does not know; ` +
          'it was written by a newer version: run that version or restore a matching backup',
      );
    }
    if (mig.checksum !== row.checksum) {
      throw new DbError(
        'migration_checksum',
        `migration ${row.version} (${row.name}) was changed after it was applied ` +
          `(recorded checksum ${row.checksum.slice(0, 12)}…, file ${mig.checksum.slice(0, 12)}…); ` +
          'never edit an applied migration: restore the file and add a new numbered one',
      );
    }
  }
}

/** Applies what is missing; returns the versions applied now (empty when the schema is current). */
export function applyMigrations(db: Db, migrations: readonly Migration[], now: () => number): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL, checksum TEXT NOT NULL)`);
  const selectApplied = db.prepare('SELECT version, name, checksum FROM schema_version ORDER BY version');
  checkApplied(selectApplied.all<AppliedRow>(), migrations);
  const isApplied = db.prepare('SELECT 1 AS one FROM schema_version WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_version (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)');
  const done: number[] = [];
  for (const mig of migrations) {
    db.transaction(() => {
      // Re-checked inside the write lock: another process may have migrated since we looked.
      if (isApplied.get([mig.version])) return;
      try {
        db.exec(mig.sql);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        throw new DbError('migration_failed', `migration ${mig.version} (${mig.name}) failed: ${msg}`, { cause: err });
      }
      record.run([mig.version, mig.name, now(), mig.checksum]);
      done.push(mig.version);
      db.logger?.info({ version: mig.version, name: mig.name }, 'migration applied');
    });
  }
  return done;
}
