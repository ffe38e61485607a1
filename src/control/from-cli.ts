/**
 * One operation asked from the `brain` CLI: sent to the running daemon over its control socket, so it is
 * the same function the Telegram bot runs (a deploy, a rollback, a paper test: one event to the
 * supervisor); when no daemon answers, run here against the database — read-only commands on a
 * read-only connection, the breaker and the evolution use cases under the single-instance lock.
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { openDatabase, createRepositories, type AuditEntry, type Db } from '../db/index.ts';
import { modeRequestsRepo } from '../db/mode-requests.repo.ts';
import { modePort } from './mode-port.ts';
import { appVersion } from './about.ts';
import { PROJECT_ROOT } from '../paths.ts';
import { offlineBreaker } from './breaker-offline.ts';
import { offlineEvolution } from './evolution-offline.ts';
import { execute, type Execution } from './execute.ts';
import type { PaperTestCommand } from '../evolution/paper-tests.ts';
import type { ChartRenderer, ControlDeps } from './operation.ts';
import { findOperation } from './registry.ts';
import { callDaemon, controlError } from './socket/client.ts';
import { replyFromWire } from './socket/protocol.ts';
import { ConfigError } from '../config/errors.ts';

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

/** One write on a short-lived writable connection (the CLI's own is read-only). */
function withWriter<T>(dbPath: string, log: Logger, use: (db: Db) => T): T {
  const db = openDatabase({ path: dbPath, logger: log });
  try {
    return use(db);
  } finally {
    db.close();
  }
}

/** Audit rows of control commands run without a daemon; read-only commands leave none (they may run on a read-only database). */
function auditLocally(dbPath: string, log: Logger): (entry: AuditEntry) => void {
  return (entry) => void withWriter(dbPath, log, (db) => createRepositories(db).audit.record(entry));
}

export async function runFromCli(o: FromCliOptions): Promise<FromCliResult> {
  const socket = resolve(o.cwd, o.config.control.socketPath);
  const timeoutMs = (o.config.control.timeoutSeconds + 10) * 1000;
  const answer = await callDaemon(socket, { name: o.name, words: [...o.words], user: o.user, confirmed: o.confirmed }, timeoutMs);
  if (answer?.kind === 'error') throw controlError('refused', `the daemon refused the request: ${answer.message}`, false);
  if (answer)
    return {
      via: 'daemon',
      execution:
        answer.kind === 'confirm'
          ? { kind: 'confirm', op: findOperation(o.name)!, question: answer.question }
          : { kind: 'reply', op: findOperation(o.name) ?? null, reply: replyFromWire(answer.reply) },
    };
  const dbPath = resolve(o.cwd, o.config.data.dbPath);
  if (o.config.data.dbPath === ':memory:')
    throw new ConfigError([
      'data.dbPath must be a file for commands run beside a daemon, got ":memory:": an in-memory database cannot be read from another process',
    ]);
  const clock = o.clock ?? systemClock;
  const db = openDatabase({ path: dbPath, readonly: true, logger: o.log });
  try {
    const deps: ControlDeps = {
      config: o.config,
      clock,
      db,
      supervisor: null,
      lifecycle: null,
      logs: null,
      outboxBacklog: null,
      telegramWebhook: null,
      charts: o.charts,
      mode: modePort({
        running: null,
        read: db,
        clock,
        isolation: o.config.isolation,
        write: (use) => withWriter(dbPath, o.log, (w) => use(modeRequestsRepo(w))),
      }),
      offlineBreaker: offlineBreaker({ dbPath, limits: o.config.risk, clock, log: o.log }),
      evolution: offlineEvolution({ dbPath, config: o.config, clock, log: o.log, repoRoot: PROJECT_ROOT, filesRoot: o.cwd }),
      about: { version: appVersion(), startedAt: null, pid: process.pid },
    };
    const op = findOperation(o.name);
    const audit = op?.role === 'admin' ? auditLocally(dbPath, o.log) : undefined;
    const execution = await execute(
      deps,
      { name: o.name, words: o.words, caller: { who: `cli:${o.user}`, role: 'admin' }, confirmed: o.confirmed },
      { log: o.log, prefix: 'brain ctl ', ...(audit ? { audit } : {}) },
    );
    return { via: 'database', execution };
  } finally {
    db.close();
  }
}

/**
 * How a use case run in the CLI (brain evolve, brain strategy submit) tells a running daemon about a
 * paper test it scheduled: over the control socket (startpapertest), once the work is done. With no
 * daemon the row waits for its next boot. `flush` returns what to print.
 */
export function daemonAnnouncer(o: { config: Config; cwd: string; user: string }): { notify: (c: PaperTestCommand) => void; flush: () => Promise<string[]> } {
  const scheduled: string[] = [];
  return {
    notify: (c) => {
      if (c.type === 'paperTest.scheduled') scheduled.push(c.paperTestId);
    },
    flush: () =>
      Promise.all(
        scheduled.map(async (id) => {
          const socket = resolve(o.cwd, o.config.control.socketPath);
          const answer = await callDaemon(
            socket,
            { name: 'startpapertest', words: [id], user: o.user, confirmed: true },
            (o.config.control.timeoutSeconds + 10) * 1000,
          ).catch((err: unknown) => err as Error);
          if (answer === null) return `paper test ${id}: no daemon runs; it starts at the daemon's next boot`;
          if (answer instanceof Error || answer.kind !== 'reply')
            return `paper test ${id}: the daemon did not take it (${answer instanceof Error ? answer.message : answer.kind}); it starts at the daemon's next boot`;
          return (
            answer.reply.blocks
              .map((b) => ('text' in b ? b.text : ''))
              .join(' ')
              .trim() || `paper test ${id} handed to the daemon`
          );
        }),
      ),
  };
}
