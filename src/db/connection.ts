/**
 * The libsql connection wrapped in a small synchronous API. Every row leaves through this file, so the
 * `_metadata` key libsql adds to `get()` rows is stripped here and nowhere else.
 */
import type Database from 'libsql';
import type { Logger } from 'pino';
import { DbError } from './errors.ts';

type RawDatabase = InstanceType<typeof Database>;
type RawStatement = ReturnType<RawDatabase['prepare']>;

export type SqlValue = string | number | bigint | Uint8Array | null;
/** Positional (`?`) values as an array, or named (`:name`) values as an object. */
export type BindParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

export interface RunResult {
  readonly changes: number;
  readonly lastInsertRowid: number;
}

export interface Statement {
  readonly sql: string;
  /**
   * True when the statement returns rows (SELECT, read PRAGMAs). Guest SQL must be a reader: a read-only
   * connection still lets ATTACH create an empty file, and query_only can be switched off by a PRAGMA.
   */
  readonly reader: boolean;
  run(params?: BindParams): RunResult;
  /** The first row, or undefined when there is none. */
  get<R extends object>(params?: BindParams): R | undefined;
  all<R extends object>(params?: BindParams): R[];
  iterate<R extends object>(params?: BindParams): IterableIterator<R>;
  /** Rows as positional arrays in column order: no per-row object (bulk reads). */
  values(params?: BindParams): SqlValue[][];
}

export interface Db {
  readonly path: string;
  readonly readonly: boolean;
  readonly logger: Logger | undefined;
  prepare(sql: string): Statement;
  /** Runs one or more statements without results (DDL, PRAGMA writes). */
  exec(sql: string): void;
  /** The value of a PRAGMA that returns one value, e.g. pragma('journal_mode') → 'wal'. */
  pragma(name: string): SqlValue | undefined;
  /**
   * Runs `fn` in a transaction (a savepoint when already inside one) and commits, or rolls back and
   * rethrows. `fn` must be synchronous: an await inside would let other work interleave the transaction.
   */
  transaction<T>(fn: () => T): T;
  readonly inTransaction: boolean;
  close(): void;
}

function stripMetadata<R extends object>(row: R | undefined): R | undefined {
  if (row !== undefined && row !== null && '_metadata' in row) delete (row as { _metadata?: unknown })._metadata;
  return row;
}

// libsql binds a single array or object as the full parameter list; a bare `null` would be misread.
const NO_PARAMS: readonly SqlValue[] = [];

function wrapStatement(raw: RawDatabase, stmt: RawStatement, sql: string): Statement {
  let rawTwin: RawStatement | undefined;
  return {
    sql,
    reader: stmt.reader,
    run: (params = NO_PARAMS) => {
      const r = stmt.run(params);
      return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
    },
    get: <R extends object>(params: BindParams = NO_PARAMS) => stripMetadata(stmt.get(params) as R | undefined),
    all: <R extends object>(params: BindParams = NO_PARAMS) => {
      const rows = stmt.all(params) as R[];
      for (const row of rows) stripMetadata(row);
      return rows;
    },
    iterate: function* <R extends object>(params: BindParams = NO_PARAMS) {
      for (const row of stmt.iterate(params)) yield stripMetadata(row as R) as R;
    },
    values: (params = NO_PARAMS) => {
      // raw() switches a statement for good, so positional reads get their own prepared twin.
      rawTwin ??= raw.prepare(sql).raw(true);
      return rawTwin.all(params) as SqlValue[][];
    },
  };
}

function prepareOrExplain(raw: RawDatabase, sql: string): RawStatement {
  try {
    return raw.prepare(sql);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    throw new DbError('bad_sql', `cannot prepare SQL (${msg}): ${sql.slice(0, 200)}`, { cause: err });
  }
}

function isThenable(value: unknown): boolean {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function wrapConnection(raw: RawDatabase, path: string, readonly: boolean, logger?: Logger): Db {
  let depth = 0;
  const db: Db = {
    path,
    readonly,
    logger,
    prepare: (sql) => wrapStatement(raw, prepareOrExplain(raw, sql), sql),
    exec: (sql) => void raw.exec(sql),
    pragma: (name) => {
      const row = stripMetadata(raw.prepare(`PRAGMA ${name}`).get([]) as Record<string, SqlValue> | undefined);
      return row === undefined ? undefined : Object.values(row)[0];
    },
    get inTransaction() {
      return raw.inTransaction;
    },
    transaction: <T>(fn: () => T): T => {
      const savepoint = depth > 0 ? `sp_${depth}` : undefined;
      // IMMEDIATE takes the write lock up front, so a WAL reader never fails upgrading mid-transaction.
      raw.exec(savepoint ? `SAVEPOINT ${savepoint}` : readonly ? 'BEGIN' : 'BEGIN IMMEDIATE');
      depth++;
      try {
        const result = fn();
        if (isThenable(result)) {
          throw new DbError('async_transaction', 'transaction(fn) got an async fn; do the awaiting outside and pass a synchronous fn');
        }
        raw.exec(savepoint ? `RELEASE ${savepoint}` : 'COMMIT');
        return result;
      } catch (err) {
        // SQLite may already have rolled back on its own (e.g. SQLITE_FULL); a second ROLLBACK would mask err.
        if (raw.inTransaction) raw.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : 'ROLLBACK');
        throw err;
      } finally {
        depth--;
      }
    },
    close: () => raw.close(),
  };
  return db;
}
