/**
 * Screens one guest SQL statement before it runs, with SQLite itself as the parser (no regex filtering):
 * one statement only (a lexer finds a `;` outside strings, identifiers and comments followed by more
 * code, because libsql silently ignores a tail); `Statement.reader` must be true (ATTACH, VACUUM INTO and
 * PRAGMA writes return no rows); and the statement's EXPLAIN program must hold no write opcode
 * (INSERT … RETURNING is a reader). The connection is read-only besides; this is the second wall.
 */
import type { Db, Statement } from '../../db/connection.ts';
import { DbError } from '../../db/errors.ts';

export type Refusal = { code: 'query_refused'; message: string };

/** Opcodes that only a writing program contains (ephemeral tables use OpenEphemeral, never these). */
const WRITE_OPCODES = new Set([
  'OpenWrite',
  'VUpdate',
  'JournalMode',
  'Vacuum',
  'IncrVacuum',
  'CreateBtree',
  'Destroy',
  'Clear',
  'ParseSchema',
  'SetCookie',
  'DropTable',
  'DropIndex',
  'DropTrigger',
]);
const REFUSED_FUNCTIONS = ['sqlite_attach', 'sqlite_detach', 'load_extension'];

/** Index just past the end of the first statement's `;`, or -1 when the text has no top-level `;`. */
function firstTerminator(sql: string): number {
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const close = c === "'" ? "'" : c === '"' ? '"' : c === '`' ? '`' : c === '[' ? ']' : null;
    if (close) {
      i = sql.indexOf(close, i + 1);
      if (i < 0) return -1;
      i += 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      i = nl < 0 ? sql.length : nl + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === ';') {
      return i + 1;
    } else i += 1;
  }
  return -1;
}

/** True when only whitespace and comments remain. */
function isBlank(sql: string): boolean {
  const rest = sql.replace(/--[^\n]*(\n|$)/g, '').replace(/\/\*[\s\S]*?(\*\/|$)/g, '');
  return rest.trim() === '';
}

/** Returns a prepared reader statement, or a refusal naming why. */
export function screen(db: Db, sql: string): Statement | Refusal {
  const end = firstTerminator(sql);
  if (end >= 0 && !isBlank(sql.slice(end))) return refuse('holds more than one statement; send one SELECT per query key');
  let stmt: Statement;
  let program: Array<{ opcode: string; p2: number; p4: unknown }>;
  try {
    stmt = db.prepare(sql);
    program = db.prepare(`EXPLAIN ${sql}`).all();
  } catch (err) {
    return refuse(err instanceof DbError ? err.message : String(err));
  }
  if (!stmt.reader) return refuse('returns no rows (ATTACH, PRAGMA writes, DDL and DML are refused); use a SELECT');
  for (const op of program) {
    if (WRITE_OPCODES.has(op.opcode) || (op.opcode === 'Transaction' && op.p2 !== 0))
      return refuse(`would write (opcode ${op.opcode}); statistics queries only read`);
    if (typeof op.p4 === 'string' && REFUSED_FUNCTIONS.some((f) => op.p4 === f || (op.p4 as string).startsWith(`${f}(`)))
      return refuse(`calls ${op.p4}, which is refused`);
  }
  return stmt;
}

function refuse(message: string): Refusal {
  return { code: 'query_refused', message };
}
