/**
 * One operation asked from the `brain` CLI: sent to the running daemon over its control socket, so it is
 * the same function the Telegram bot runs; when no daemon answers, run here against the database —
 * read-only commands on a read-only connection, the breaker through its persisted row under the lock.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { openDatabase, createRepositories, type AuditEntry } from '../db/index.ts';
import { appVersion } from './about.ts';
import { offlineBreaker } from './breaker-offline.ts';
import { execute, type Execution } from './execute.ts';
import type { ChartRenderer, ControlDeps } from './operation.ts';
import { findOperation } from './registry.ts';
import { callDaemon } from './socket/client.ts';
import { replyFromWire } from './socket/protocol.ts';

export interface FromCliOptions {
  config: Config;
  cwd: string;
  /** The OS user, for the audit log. */
  user: string;
  name: string;
  words: readonly string[];
  confirmed: boolean;
  log: Logger;
  charts: ChartRenderer | null;
  clock?: Clock;
}

export interface FromCliResult {
  via: 'daemon' | 'database';
  execution: Execution;
}

/** Audit rows of control commands run without a daemon; read-only commands leave none (they may run on a read-only database). */
function auditLocally(dbPath: string, log: Logger): (entry: AuditEntry) => void {
  return (entry) => {
    const db = openDatabase({ path: dbPath, logger: log });
    try {
      createRepositories(db).audit.record(entry);
    } finally {
      db.close();
    }
  };
}

export async function runFromCli(o: FromCliOptions): Promise<FromCliResult> {
  const socket = resolve(o.cwd, o.config.control.socketPath);
  const timeoutMs = (o.config.control.timeoutSeconds + 10) * 1000;
  const answer = await callDaemon(socket, { name: o.name, words: [...o.words], user: o.user, confirmed: o.confirmed }, timeoutMs);
  if (answer?.kind === 'error') throw new Error(`the daemon refused the request: ${answer.message}`);
  if (answer) return { via: 'daemon', execution: answer.kind === 'confirm' ? { kind: 'confirm', op: findOperation(o.name)!, question: answer.question } : { kind: 'reply', op: findOperation(o.name) ?? null, reply: replyFromWire(answer.reply) } };
  const dbPath = resolve(o.cwd, o.config.data.dbPath);
  if (o.config.data.dbPath === ':memory:') throw new Error('data.dbPath is ":memory:": a daemon\'s in-memory database cannot be read from another process');
  const clock = o.clock ?? systemClock;
  const db = openDatabase({ path: dbPath, readonly: true, logger: o.log });
  try {
    const deps: ControlDeps = {
      config: o.config, clock, db, supervisor: null, lifecycle: null, evolution: null, orchestrator: null, logs: null, outboxBacklog: null, charts: o.charts,
      offlineBreaker: offlineBreaker({ dbPath, limits: o.config.risk, clock, log: o.log }),
      about: { version: appVersion(), startedAt: null, pid: process.pid },
    };
    const op = findOperation(o.name);
    const audit = op?.role === 'admin' ? auditLocally(dbPath, o.log) : undefined;
    const execution = await execute(deps, { name: o.name, words: o.words, caller: { who: `cli:${o.user}`, role: 'admin' }, confirmed: o.confirmed }, { log: o.log, prefix: 'brain ctl ', ...(audit ? { audit } : {}) });
    return { via: 'database', execution };
  } finally {
    db.close();
  }
}
