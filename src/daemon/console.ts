/**
 * The operator's console attached to a running daemon: the local control socket (the `brain` CLI) and,
 * when TELEGRAM_BOT_TOKEN is set and telegram.enabled, the Telegram bot with its notifications from the
 * supervisor's announced events. Both run the same command layer over the supervisor port. It starts
 * only once the supervisor holds the single-instance lock (so a second daemon never touches the first
 * one's socket) and never blocks trading: without a token, or with Telegram unreachable, the daemon
 * trades the same after one warning. Its own database connections: a read-only one for the commands and
 * a writable one for the outbox, confirmations, update ids and the audit log.
 */
import type { Logger } from 'pino';
import { waitFor } from 'xstate';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { appVersion } from '../control/about.ts';
import type { ControlDeps } from '../control/operation.ts';
import { periodReport } from '../control/ops/reports.ts';
import { modePort } from '../control/mode-port.ts';
import type { ConsoleNotice, EvolutionPort, Lifecycle, LogTail } from '../control/ports.ts';
import { modeRequestsRepo } from '../db/mode-requests.repo.ts';
import { startControlServer, type ControlServer } from '../control/socket/server.ts';
import { supervisorPort } from '../control/supervisor-port.ts';
import { createRepositories, openDatabase, type Db } from '../db/index.ts';
import { telegramRepo } from '../db/telegram.repo.ts';
import { chartRenderer } from '../telegram/charts/render.ts';
import type { TelegramConsole } from '../telegram/start.ts';
import type { ComponentHealth } from '../health/readiness.ts';
import type { Daemon } from './daemon.ts';
import { need } from './runtime.ts';

const DAY_MS = 86_400_000;

export interface ConsoleOptions {
  daemon: Daemon;
  config: Config;
  log: Logger;
  /** Wall time: Telegram's pacing, confirmation expiry, control timeouts (the market clock may run faster). */
  clock: Clock;
  /** Absolute database path (or ':memory:') and control socket path. */
  dbPath: string;
  socketPath: string;
  logs?: LogTail;
  /** The evolution use cases through the supervisor (src/daemon/evolution.ts daemonEvolutionPort). */
  evolution?: EvolutionPort;
  /** The config layer that set the running mode (src/daemon/boot-config.ts); default "config". */
  modeSource?: string;
}

export interface Console {
  /** Resolves once the socket listens and the bot is started (or the console decided not to start). */
  readonly ready: Promise<void>;
  /** Resolves with who asked when an operator stops the daemon (/stop, brain ctl stop). */
  readonly stopRequested: Promise<string>;
  /** Resolves with who asked when an operator switched the mode (/mode): stop, then exit 75 to be started again. */
  readonly restartRequested: Promise<string>;
  /** Webhook mode: the Telegram webhook's last check, for /readyz; null with polling or no bot. */
  telegramHealth(): ComponentHealth | null;
  /** What the console itself announces (an evolver run started with /evolve ended). */
  notify(notice: ConsoleNotice): void;
  /** Says goodbye, sends what is due, closes the socket and the bot. Safe to call twice. */
  close(by: string): Promise<void>;
}

interface Parts {
  server: ControlServer;
  telegram: TelegramConsole | null;
  dbs: Db[];
  unsubscribe: () => void;
}

/** The bot, loaded only when it starts: grammy and the bot's features are ~5 MB of heap a daemon without a token never needs. */
async function telegramFor(o: ConsoleOptions, control: ControlDeps, writer: Db): Promise<TelegramConsole | null> {
  const token = o.config.secrets.telegramBotToken;
  if (!o.config.telegram.enabled) return null;
  if (!token) {
    o.log.warn('telegram: no TELEGRAM_BOT_TOKEN, the bot is off; the daemon trades the same (README: Telegram)');
    return null;
  }
  const t = o.config.telegram;
  if (t.admins.length + t.viewers.length === 0) o.log.warn('telegram: no telegram.admins or telegram.viewers, so nobody can use the bot or get notifications');
  const repo = telegramRepo(writer);
  const now = o.clock.now();
  repo.prune(now - 30 * DAY_MS);
  repo.pruneUpdates(now - 7 * DAY_MS);
  const audit = createRepositories(writer).audit;
  const { startTelegram } = await import('../telegram/start.ts');
  return startTelegram({
    config: o.config,
    token,
    log: o.log,
    clock: o.clock,
    control,
    repo,
    audit: (e) => void audit.record(e),
    dailyReport: async (end) => periodReport(control, 'daily', end),
  });
}

async function open(o: ConsoleOptions, lifecycle: Lifecycle): Promise<Parts | null> {
  const { actor } = o.daemon;
  const s = await waitFor(actor, (x) => x.status !== 'active' || !x.matches({ booting: 'openingStore' }), { timeout: Infinity }).catch(() =>
    actor.getSnapshot(),
  );
  // A boot that failed before the lock (another daemon runs) must not touch that daemon's socket.
  if (s.status !== 'active') return null;
  const memory = o.dbPath === ':memory:';
  const writer = memory ? need(o.daemon.runtime, 'db') : openDatabase({ path: o.dbPath, logger: o.log });
  const reader = memory ? writer : openDatabase({ path: o.dbPath, readonly: true, logger: o.log });
  let telegram: TelegramConsole | null = null;
  const control: ControlDeps = {
    config: o.config,
    clock: o.clock,
    db: reader,
    supervisor: supervisorPort(actor, o.clock),
    offlineBreaker: null,
    lifecycle,
    mode: modePort({
      running: { mode: o.config.mode, source: o.modeSource ?? 'config' },
      read: reader,
      clock: o.clock,
      isolation: o.config.isolation,
      write: (use) => use(modeRequestsRepo(writer)),
    }),
    evolution: o.evolution ?? null,
    logs: o.logs ?? null,
    about: { version: appVersion(), startedAt: o.clock.now(), pid: process.pid },
    outboxBacklog: () => telegram?.outbox.pending() ?? 0,
    telegramWebhook: () => telegram?.webhookHealth() ?? null,
    charts: chartRenderer(),
  };
  const audit = createRepositories(writer).audit;
  const server = await startControlServer({
    path: o.socketPath,
    deps: control,
    log: o.log.child({ component: 'control' }),
    audit: (e) => void audit.record(e),
  });
  telegram = await telegramFor(o, control, writer);
  const sub = telegram ? actor.on('*', (e) => telegram!.notifier.notify(e)) : null;
  if (telegram) {
    const tg = telegram;
    void waitFor(actor, (x) => x.matches('running') || x.status !== 'active', { timeout: Infinity }).then(
      (x) => {
        if (x.matches('running')) tg.notifier.notify({ type: 'console.startup', mode: o.config.mode, pairs: o.config.pairs, at: o.clock.now() });
      },
      () => undefined,
    );
  }
  return { server, telegram, dbs: memory ? [] : [writer, reader], unsubscribe: () => sub?.unsubscribe() };
}

/** Starts the console beside `o.daemon` (it waits for the lock by itself); close it before stopping the daemon. */
export function attachConsole(o: ConsoleOptions): Console {
  let requestStop: (by: string) => void = () => undefined;
  let requestRestart: (by: string) => void = () => undefined;
  const stopRequested = new Promise<string>((resolve) => (requestStop = resolve));
  const restartRequested = new Promise<string>((resolve) => (requestRestart = resolve));
  // After the reply is queued: the command answers first, then the daemon stops.
  const later = (what: string, request: (by: string) => void) => (by: string) => {
    o.log.info({ by }, `${what} requested by an operator`);
    setImmediate(() => request(by));
  };
  const started = open(o, { requestStop: later('stop', requestStop), requestRestart: later('restart', requestRestart) }).catch((err: unknown) => {
    o.log.error({ err }, 'the operator console did not start; the daemon trades the same');
    return null;
  });
  let closing: Promise<void> | null = null;
  let parts: Parts | null = null;
  void started.then((p) => {
    parts = p;
  });
  return {
    telegramHealth: () => parts?.telegram?.webhookHealth() ?? null,
    ready: started.then(() => undefined),
    stopRequested,
    restartRequested,
    notify: (notice) => void started.then((p) => p?.telegram?.notifier.notify(notice)),
    close: (by) =>
      (closing ??= started.then(async (p) => {
        if (!p) return;
        p.telegram?.notifier.notify({ type: 'console.shutdown', by, at: o.clock.now() });
        p.unsubscribe();
        await p.telegram?.stop();
        await p.server.close();
        for (const db of p.dbs) db.close();
      })),
  };
}
