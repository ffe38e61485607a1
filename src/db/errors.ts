/**
 * The database failure domain. A `duplicate` is how the storage layer reports that an id meant to be
 * unique (cl_ord_id, trade_id) already exists: callers branch on `code` (inv. 4: reconcile, never resend).
 */
import { BrainError } from '../contract/errors.ts';
export type DbErrorCode =
  | 'open_failed'
  | 'migration_failed'
  | 'migration_checksum'
  | 'migration_unknown'
  | 'migration_files'
  | 'duplicate'
  | 'not_found'
  | 'constraint'
  | 'bad_sql'
  | 'async_transaction'
  | 'corrupt_row';

export class DbError extends BrainError<DbErrorCode> {
  override readonly name = 'DbError';
  /** `retryable`: SQLite busy/locked errors are worth a retry; schema and constraint errors are not. */
  constructor(code: DbErrorCode, message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, { domain: 'db', code, retryable: options?.retryable ?? false, cause: options?.cause });
  }
}

/** The SQLite extended code of a libsql error, e.g. 'SQLITE_CONSTRAINT_UNIQUE', or undefined. */
export function sqliteCode(err: unknown): string | undefined {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** True for a UNIQUE or PRIMARY KEY violation: the caller's id already exists. */
export function isUniqueViolation(err: unknown): boolean {
  const code = sqliteCode(err);
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
