/**
 * Host side of statistics queries: a forked query process with its own read-only connection, one
 * query at a time, a deadline over the whole set (SIGKILL on expiry, so a runaway recursive CTE costs
 * nothing after it), a row cap per query, and a fresh process after any refused statement.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AnalysisQuery, Row } from '../../contract/analysis.ts';
import { StatisticsError } from '../errors.ts';
import type { QueryReply, QueryRequest } from './query-protocol.ts';
import { PROJECT_ROOT } from '../../paths.ts';

export interface QueryLimits {
  /** Wall time for all of a module's queries together. */
  deadlineMs: number;
  /** The host's own row cap; a query's maxRows can only lower it. */
  maxRows: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { deadlineMs: 5_000, maxRows: 20_000 };

const ENTRY = fileURLToPath(new URL('./query-process.ts', import.meta.url));
const BOOT_MS = 15_000;

export class QueryRunner {
  private proc: ChildProcess | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly waiters = new Map<number, { proc: ChildProcess; settle: (r: QueryReply) => void }>();

  constructor(
    private readonly dbPath: string,
    private readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  ) {}

  /** Runs every query in key order; the result maps each key to its rows. */
  async run(queries: Readonly<Record<string, AnalysisQuery>>): Promise<Record<string, Row[]>> {
    // Booting the query process is the host's cost, so the guest's clock starts per query after it.
    const budget = { leftMs: this.limits.deadlineMs };
    const out: Record<string, Row[]> = {};
    for (const key of Object.keys(queries).sort()) {
      const q = queries[key]!;
      const maxRows = Math.min(q.maxRows, this.limits.maxRows);
      out[key] = await this.one(key, { id: this.nextId++, sql: q.sql, params: [...q.params], maxRows }, budget);
    }
    return out;
  }

  async close(): Promise<void> {
    const p = this.proc;
    this.proc = null;
    this.ready = null;
    if (p && p.exitCode === null && p.signalCode === null) {
      const exited = new Promise<void>((r) => p.once('exit', () => r()));
      p.kill('SIGKILL');
      await exited;
    }
  }

  private async one(key: string, req: QueryRequest, budget: { leftMs: number }): Promise<Row[]> {
    await this.boot(key);
    const t0 = Date.now();
    const reply = await this.send(key, req, budget.leftMs);
    budget.leftMs -= Date.now() - t0;
    if (reply.ok) return reply.rows;
    if (reply.fatal) await this.close();
    throw new StatisticsError(reply.code, key, `query '${key}' ${reply.code === 'query_refused' ? 'refused' : 'failed'}: ${reply.message}`);
  }

  private boot(key: string): Promise<void> {
    if (this.ready) return this.ready;
    const proc = fork(ENTRY, [this.dbPath], {
      cwd: PROJECT_ROOT,
      execArgv: ['--import', 'tsx'],
      env: {},
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString('utf8')).slice(-2000)));
    proc.on('message', (m: QueryReply) => this.waiters.get(m.id)?.settle(m));
    proc.on('exit', () => {
      if (this.proc === proc) (this.proc = null), (this.ready = null);
      for (const [id, w] of this.waiters)
        if (w.proc === proc)
          w.settle({ id, ok: false, code: 'query_failed', message: `query process exited: ${stderr.trim().split('\n').slice(-2).join(' | ')}`, fatal: true });
    });
    this.proc = proc;
    this.ready = this.await(proc, key, 0, BOOT_MS).then((r) => {
      if (!r.ok) throw new StatisticsError('query_process', key, `query process did not start: ${r.message}`);
    });
    this.ready.catch(() => this.close());
    return this.ready;
  }

  private send(key: string, req: QueryRequest, budgetMs: number): Promise<QueryReply> {
    const proc = this.proc!;
    const reply = this.await(proc, key, req.id, budgetMs);
    proc.send(req);
    return reply;
  }

  private await(proc: ChildProcess, key: string, id: number, budgetMs: number): Promise<QueryReply> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(id);
          reject(
            new StatisticsError(
              'query_timeout',
              key,
              `query '${key}' missed the ${this.limits.deadlineMs} ms statistics deadline; the query process was killed`,
            ),
          );
          void this.close();
        },
        Math.max(0, budgetMs),
      );
      const settle = (r: QueryReply): void => {
        clearTimeout(timer);
        this.waiters.delete(id);
        resolve(r);
      };
      this.waiters.set(id, { proc, settle });
    });
  }
}
