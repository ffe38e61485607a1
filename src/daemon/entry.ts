/**
 * The entry point's five steps (style.md): (1) config, (2) logger — both done by the caller —, (3) the
 * dependencies: clock and Kraken endpoints (the real exchange, or with `sim` a loopback simulator whose
 * clock is the market's), (4) the supervisor (startDaemon), (5) a signal → one shutdown event → wait for
 * the final state within a deadline → exit code. A second signal exits at once (the CLI's io does that).
 */
import { connect } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { waitFor } from 'xstate';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import { scheduleFromConfig } from '../scheduler/jobs.ts';
import { startKrakenSim, type KrakenSim } from '../sim/index.ts';
import type { LogTail } from '../control/ports.ts';
import { attachConsole } from './console.ts';
import { startDaemon, type Endpoints } from './daemon.ts';

export const KRAKEN_ENDPOINTS: Endpoints = { rest: 'https://api.kraken.com', wsPublic: 'wss://ws.kraken.com/v2', wsPrivate: 'wss://ws-auth.kraken.com/v2' };
/** The Stately inspector server the `--inspect` flag connects to: loopback only, never the sky inspector. */
export const INSPECT_URL = 'ws://127.0.0.1:8080';

export interface RunDaemonOptions {
  config: Config;
  log: Logger;
  cwd: string;
  repoRoot: string;
  /** Resolves with the signal name on the first SIGINT/SIGTERM. */
  waitForShutdown: () => Promise<string>;
  inspect: boolean;
  /** Run against the loopback simulator replaying data/sample at this speed (1 = real time). */
  sim: number | null;
  shutdownTimeoutMs?: number;
  /** The log lines kept for /logs. */
  logs?: LogTail;
}

export type RunOutcome = { kind: 'stopped'; signal: string } | { kind: 'failed'; message: string };

/**
 * Whether something listens on the inspector port. The WebSocket inspector retries a refused connection
 * every 5 s for ever (even after stop), which would keep the process alive after shutdown: attach only
 * to a server that is there.
 */
function listening(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

async function marketFor(o: RunDaemonOptions): Promise<{ clock: Clock; endpoints: Endpoints; sim: KrakenSim | null }> {
  if (o.sim === null) return { clock: systemClock, endpoints: KRAKEN_ENDPOINTS, sim: null };
  const sim = await startKrakenSim({ speed: o.sim, logger: o.log.child({ component: 'sim' }) });
  return { clock: sim.clock, endpoints: { rest: sim.restUrl, wsPublic: sim.wsPublicUrl, wsPrivate: sim.wsPrivateUrl }, sim };
}

export async function runDaemon(o: RunDaemonOptions): Promise<RunOutcome> {
  // Listen before booting, so a stop request during boot is not missed.
  const firstSignal = o.waitForShutdown();
  const { clock, endpoints, sim } = await marketFor(o);
  const inspect = o.inspect && (await listening(INSPECT_URL));
  if (o.inspect && !inspect) o.log.warn({ url: INSPECT_URL }, 'inspector not attached: nothing listens there; start a Stately inspector server on that loopback port and restart with --inspect');
  const config = sim ? { ...o.config, pairs: o.config.pairs.filter((p) => sim.pairs.includes(p)) } : o.config;
  const daemon = startDaemon({
    config, log: o.log, clock, endpoints, dbPath: resolve(o.cwd, config.data.dbPath), lockPath: resolve(o.cwd, config.data.lockPath),
    repoRoot: o.repoRoot, filesRoot: o.cwd, ...(inspect ? { inspectUrl: INSPECT_URL } : {}),
    // Scans follow the closed candles the feed delivers; the other slots are the daemon's housekeeping.
    schedule: scheduleFromConfig(config).filter((job) => job.name !== 'schedule.scan'),
  });
  // The operator's console: the control socket for the brain CLI and the Telegram bot (README: Telegram).
  const operatorConsole = attachConsole({
    daemon, config, log: o.log, clock: systemClock, dbPath: resolve(o.cwd, config.data.dbPath), socketPath: resolve(o.cwd, config.control.socketPath), ...(o.logs ? { logs: o.logs } : {}),
  });
  if (inspect) o.log.info({ url: INSPECT_URL }, 'inspector attached');
  o.log.info({ mode: config.mode, pairs: config.pairs, timeframe: config.market.timeframe, db: resolve(o.cwd, config.data.dbPath), market: sim ? 'simulator' : 'kraken' }, 'brain started');
  void waitFor(daemon.actor, (x) => x.matches('running') || x.status === 'done', { timeout: Infinity }).then((x) => {
    if (x.matches('running')) o.log.info({ lock: resolve(o.cwd, config.data.lockPath) }, 'brain running');
  });
  try {
    const outcome = await Promise.race([daemon.done.then(() => null), firstSignal, operatorConsole.stopRequested]);
    await operatorConsole.close(outcome ?? 'failure');
    if (outcome === null) {
      const snap = daemon.actor.getSnapshot();
      return { kind: 'failed', message: snap.context.error ?? `supervisor ended in ${JSON.stringify(snap.value)}` };
    }
    o.log.info({ signal: outcome }, 'shutdown requested');
    const final = await daemon.stop(outcome, o.shutdownTimeoutMs ?? 30_000);
    if (final.value === 'stopped' && !final.context.error) return { kind: 'stopped', signal: outcome };
    return { kind: 'failed', message: `shutdown ended in ${JSON.stringify(final.value)}: ${final.context.error ?? 'unknown'}` };
  } finally {
    await operatorConsole.close('exit');
    await sim?.close();
  }
}
