/**
 * Entry of the query process the host forks for statistics modules (trusted code, untrusted SQL). It
 * opens the database read-only (mode=ro + query_only) and answers one query per IPC message. A separate
 * process, not a worker thread: a long SQLite step is native code that Worker.terminate() cannot stop,
 * while SIGKILL on the deadline always can. Argument: the database path.
 */
import { openDatabase } from '../../db/open.ts';
import type { Db } from '../../db/connection.ts';
import { screen } from './sql-screen.ts';
import type { QueryReply, QueryRequest } from './query-protocol.ts';

function isQueryOnly(db: Db): boolean {
  return db.pragma('query_only') === 1;
}

function answer(db: Db, req: QueryRequest): QueryReply {
  const stmt = screen(db, req.sql);
  // Some PRAGMAs take effect while being prepared: check the guard still holds before stepping.
  if (!isQueryOnly(db)) return { id: req.id, ok: false, code: 'query_refused', message: 'changed connection settings while being prepared', fatal: true };
  if (!('reader' in stmt)) return { id: req.id, ok: false, code: stmt.code, message: stmt.message, fatal: true };
  const rows: Array<Record<string, string | number | null>> = [];
  for (const row of stmt.iterate<Record<string, unknown>>(req.params)) {
    if (rows.length === req.maxRows)
      return {
        id: req.id,
        ok: false,
        code: 'too_many_rows',
        message: `returned more than ${req.maxRows} rows; aggregate in SQL (GROUP BY) or lower the range`,
        fatal: false,
      };
    const out: Record<string, string | number | null> = {};
    for (const [k, v] of Object.entries(row)) {
      if (typeof v === 'bigint') out[k] = Number(v);
      else if (v === null || typeof v === 'string' || typeof v === 'number') out[k] = v;
      else return { id: req.id, ok: false, code: 'query_failed', message: `column ${k} is a BLOB; select text or numbers`, fatal: false };
    }
    rows.push(out);
  }
  return { id: req.id, ok: true, rows };
}

function main(): void {
  const db = openDatabase({ path: process.argv[2]!, readonly: true });
  process.on('message', (msg: QueryRequest) => {
    let reply: QueryReply;
    try {
      reply = answer(db, msg);
    } catch (err) {
      reply = { id: msg.id, ok: false, code: 'query_failed', message: err instanceof Error ? err.message.slice(0, 300) : String(err), fatal: false };
    }
    process.send!(reply);
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ id: 0, ok: true, rows: [] } satisfies QueryReply);
}

main();
