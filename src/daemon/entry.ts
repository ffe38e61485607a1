/**
 * The entry point's five steps (style.md): (1) config, (2) logger — both done by the caller —, (3) the
 * dependencies: clock and Kraken endpoints (config `kraken.*`: the real exchange or a `brain sim` started
 * apart; or with `sim` a loopback simulator in this process, whose clock is the market's, with its fault
 * plan), (4) the supervisor (startDaemon), (5) a signal → one shutdown event → wait for the final state
 * within a deadline → outcome. A failed boot resolves too (lock, database and strategy child released) and
 * stops waiting for signals, so the process exits with code 1 instead of hanging (issue 12).
 */
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { waitFor } from 'xstate';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { ErrorInfo } from '../contract/errors.ts';
import { secretValues, type Config } from '../config/index.ts';
import { startHealth } from '../health/index.ts';
import type { ComponentHealth } from '../health/readiness.ts';
import { checkIsolationAtBoot } from '../health/isolation.ts';
import { probeIsolation } from '../sandbox/host/spawn.ts';
import { scheduleFromConfig } from '../scheduler/jobs.ts';
import { applyFaultPlan, type FaultPlan } from '../sim/fault-plan.ts';
import { startKrakenSim, type KrakenSim } from '../sim/index.ts';
import type { LogTail } from '../control/ports.ts';
import { openInspector } from '../inspect/index.ts';
import { attachConsole } from './console.ts';
import { startDaemon, type Endpoints } from './daemon.ts';
import { daemonEvolutionPort } from './evolution.ts';

export interface RunDaemonOptions {
  config: Config;
  log: Logger;
  cwd: string;
  repoRoot: string;
  /** Resolves with the signal name on the first SIGINT/SIGTERM; stops listening when `stop` aborts. */
  waitForShutdown: (stop: AbortSignal) => Promise<string>;
  /** `--inspect [PORT]`: the inspector endpoint's port on 127.0.0.1 (0 = a free one); null = no inspector. */
  inspect: number | null;
  /** Run against the loopback simulator at this speed (1 = real time), with these faults, on data/sample or `dataDir` (`brain run --sim SPEED --data DIR`). */
  sim: { speed: number; faults: FaultPlan; dataDir?: string } | null;
  shutdownTimeoutMs?: number;
  /** The process environment (systemd's NOTIFY_SOCKET and WATCHDOG_USEC are read from it). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The log lines kept for /logs. */
  logs?: LogTail;
  /** The config layer that set the mode (src/daemon/boot-config.ts), shown by /mode. */
  modeSource?: string;
}

/** `restart`: an operator switched the mode (/mode); stopped cleanly, to be started again (exit 75). */
/** `failed` carries the failure's code and retry verdict as thrown, so the CLI line and the log lead with the code. */
export type RunOutcome = { kind: 'stopped'; signal: string } | { kind: 'restart'; by: string } | { kind: 'failed'; error: ErrorInfo };

interface Market {
  clock: Clock;
  endpoints: Endpoints;
  sim: KrakenSim | null;
  close: () => Promise<void>;
}

async function marketFor(o: RunDaemonOptions): Promise<Market> {
  if (o.sim === null) {
    const k = o.config.kraken;
    return { clock: systemClock, endpoints: { rest: k.restUrl, wsPublic: k.wsUrl, wsPrivate: k.wsAuthUrl }, sim: null, close: async () => undefined };
  }
  const log = o.log.child({ component: 'sim' });
  const sim = await startKrakenSim({ speed: o.sim.speed, logger: log, ...(o.sim.dataDir === undefined ? {} : { dataDir: o.sim.dataDir }) });
  const stopFaults = applyFaultPlan(sim, o.sim.faults, log);
  const close = async () => {
    stopFaults();
    await sim.close();
  };
  return { clock: sim.clock, endpoints: { rest: sim.restUrl, wsPublic: sim.wsPublicUrl, wsPrivate: sim.wsPrivateUrl }, sim, close };
}

export async function runDaemon(o: RunDaemonOptions): Promise<RunOutcome> {
  // Listen before booting, so a stop request during boot is not missed; stop listening whatever the outcome.
  const listening = new AbortController();
  const firstSignal = o.waitForShutdown(listening.signal);
  try {
    return await runUntilStopped(o, firstSignal);
  } finally {
    listening.abort();
  }
}

async function runUntilStopped(o: RunDaemonOptions, firstSignal: Promise<string>): Promise<RunOutcome> {
  const refused = checkIsolationAtBoot(o.config, () => probeIsolation(o.log), o.log.child({ component: 'sandbox' }));
  if (refused) return { kind: 'failed', error: { code: 'sandbox.isolation_refused', message: refused, retryable: false } };
  const { clock, endpoints, sim, close } = await marketFor(o);
  const inspector =
    o.inspect === null
      ? null
      : await openInspector({ port: o.inspect, secrets: secretValues(o.config), now: () => clock.now(), log: o.log.child({ component: 'inspector' }) });
  const config = sim ? { ...o.config, pairs: o.config.pairs.filter((p) => sim.pairs.includes(p)) } : o.config;
  let daemon: ReturnType<typeof startDaemon>;
  try {
    daemon = startDaemon({
      config,
      log: o.log,
      clock,
      endpoints,
      dbPath: resolve(o.cwd, config.data.dbPath),
      repoRoot: o.repoRoot,
      filesRoot: o.cwd,
      ...(inspector ? { inspector } : {}),
      orchestrator: config.orchestrator.enabled,
      // Scans follow the closed candles the feed delivers; the other slots are the daemon's housekeeping.
      schedule: scheduleFromConfig(config).filter((job) => job.name !== 'schedule.scan'),
    });
  } catch (err) {
    // A daemon that cannot even be wired must not leave the inspector listening (the process would never exit).
    await inspector?.close();
    throw err;
  }
  // The console starts after the health endpoint (it waits for the lock): /readyz asks it lazily for the webhook's check.
  let telegramHealth: () => ComponentHealth | null = () => null;
  const health = await startHealth({
    daemon,
    config,
    clock,
    filesRoot: o.cwd,
    log: o.log.child({ component: 'health' }),
    env: o.env ?? {},
    telegram: () => telegramHealth(),
  });
  // The operator's console: the control socket for the brain CLI and the Telegram bot (README: Telegram).
  const dbPath = resolve(o.cwd, config.data.dbPath);
  // Deploys, rollbacks, paper tests and /evolve: the evolution use cases as events to this supervisor.
  const evolution = daemonEvolutionPort({
    daemon,
    config,
    log: o.log,
    dbPath,
    repoRoot: o.repoRoot,
    filesRoot: o.cwd,
    clock: systemClock,
    announce: (n) => operatorConsole.notify(n),
  });
  const operatorConsole = attachConsole({
    daemon,
    config,
    log: o.log,
    clock: systemClock,
    dbPath,
    socketPath: resolve(o.cwd, config.control.socketPath),
    evolution,
    ...(o.logs ? { logs: o.logs } : {}),
    ...(o.modeSource ? { modeSource: o.modeSource } : {}),
  });
  telegramHealth = () => operatorConsole.telegramHealth();
  o.log.info(
    {
      mode: config.mode,
      pairs: config.pairs,
      timeframe: config.market.timeframe,
      db: resolve(o.cwd, config.data.dbPath),
      market: sim ? 'simulator' : endpoints.rest,
    },
    'brain started',
  );
  void waitFor(daemon.actor, (x) => x.matches('running') || x.status === 'done', { timeout: Infinity }).then((x) => {
    if (x.matches('running')) o.log.info({ lock: daemon.runtime.lock?.path ?? null }, 'brain running');
  });
  try {
    const restart = operatorConsole.restartRequested.then((by) => ({ restartBy: by }));
    const ended = await Promise.race([daemon.done.then(() => null), firstSignal, operatorConsole.stopRequested, restart]);
    const outcome = typeof ended === 'object' && ended !== null ? `restart requested by ${ended.restartBy}` : ended;
    await operatorConsole.close(outcome ?? 'failure');
    if (outcome === null) {
      const snap = daemon.actor.getSnapshot();
      return {
        kind: 'failed',
        error: snap.context.error ?? { code: 'daemon.ended', message: `supervisor ended in ${JSON.stringify(snap.value)}`, retryable: false },
      };
    }
    o.log.info({ signal: outcome }, 'shutdown requested');
    const final = await daemon.stop(outcome, o.shutdownTimeoutMs ?? 30_000);
    if (final.value === 'stopped' && !final.context.error)
      return typeof ended === 'object' && ended !== null ? { kind: 'restart', by: ended.restartBy } : { kind: 'stopped', signal: outcome };
    const why = final.context.error;
    return {
      kind: 'failed',
      error: {
        code: why?.code ?? 'daemon.shutdown_incomplete',
        message: `shutdown ended in ${JSON.stringify(final.value)}: ${why?.message ?? 'unknown'}`,
        retryable: false,
      },
    };
  } finally {
    await operatorConsole.close('exit');
    await health.close();
    await inspector?.close();
    await close();
  }
}
