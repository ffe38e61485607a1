/**
 * Health and metrics for a running daemon, started with one call from the entry point: the observer of
 * the actor tree (metrics + feed freshness), the loopback HTTP endpoint (/livez, /readyz, /metrics) when
 * `health.port` is not 0, and the systemd notifications (READY, the watchdog fed while the loop turns,
 * STOPPING) when systemd started us with Type=notify. A port that cannot be bound is logged and the daemon
 * trades on: observability must never stop the money path.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { listBackups } from '../backup/backup.ts';
import type { Clock } from '../clock/clock.ts';
import type { Config } from '../config/index.ts';
import type { Daemon } from '../daemon/daemon.ts';
import { liveness, monitorLoopLag } from './liveness.ts';
import { createMetrics, type DaemonView } from './metrics.ts';
import { newFeedState, observeDaemon } from './observe.ts';
import { readiness, type ComponentHealth, type SupervisorView } from './readiness.ts';
import { json, startHealthServer, type HealthRoutes, type HealthServer } from './server.ts';
import { startWatchdog, systemdNotifier, watchdogIntervalMs } from './watchdog.ts';

export interface HealthOptions {
  daemon: Pick<Daemon, 'actor' | 'runtime' | 'done'>;
  config: Pick<Config, 'mode' | 'health' | 'backup'>;
  /** The daemon's working directory (backup.dir resolves against it); default: backups are not looked up. */
  filesRoot?: string;
  /** The daemon's clock (the feed's age is measured on it). */
  clock: Clock;
  log: Logger;
  env: Readonly<Record<string, string | undefined>>;
  /** Overrides config health.port (tests use 0 for a free port). */
  port?: number;
  /** Webhook mode: the Telegram webhook's last check (the operator console's); null without a webhook. */
  telegram?: () => ComponentHealth | null;
}

export interface Health {
  /** The bound port, or null when the endpoint is off or could not bind. */
  readonly port: number | null;
  close(): Promise<void>;
}

type Snapshot = ReturnType<Daemon['actor']['getSnapshot']>;

const topState = (s: Snapshot): string => (typeof s.value === 'string' ? s.value : (Object.keys(s.value)[0] ?? 'unknown'));

function supervisorView(s: Snapshot): SupervisorView {
  return { state: topState(s), error: s.context.error, breaker: s.context.breaker, venueHealthy: s.context.venueHealthy };
}

function daemonView(s: Snapshot): DaemonView | null {
  if (topState(s) === 'booting' || s.context.settings === null) return null;
  const l = s.context.ledger;
  return { breaker: s.context.breaker, equity: l.lastEquity, peakEquity: l.peakEquity, openPositions: s.context.slots.length };
}

export async function startHealth(o: HealthOptions): Promise<Health> {
  const { actor, runtime } = o.daemon;
  const metrics = createMetrics({ daemon: () => daemonView(actor.getSnapshot()), db: () => runtime.db });
  const newest = o.filesRoot ? listBackups(resolve(o.filesRoot, o.config.backup.dir)).at(-1) : undefined;
  // A restart must not look like a missing backup: the newest file on disk is the last success until the next one.
  if (newest) metrics.backupTime.set(statSync(newest).mtimeMs / 1000);
  const feed = newFeedState();
  const unobserve = observeDaemon(actor, metrics, feed, o.clock);
  const loop = monitorLoopLag();
  const live = () => liveness(loop.lagMs(), o.config.health.maxEventLoopLagMs, actor.getSnapshot().status);
  const ready = () =>
    readiness({
      mode: o.config.mode,
      supervisor: () => supervisorView(actor.getSnapshot()),
      db: () => runtime.db,
      feed,
      clock: o.clock,
      feedStaleMs: o.config.health.feedStaleSeconds * 1000,
      ...(o.telegram ? { telegram: o.telegram } : {}),
    });
  const routes: HealthRoutes = {
    '/livez': () => {
      const l = live();
      return json(l.status === 'alive' ? 200 : 503, l);
    },
    '/readyz': () => {
      const r = ready();
      return json(r.status === 'ready' ? 200 : 503, r);
    },
    '/metrics': async () => ({ code: 200, contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
  };
  const port = o.port ?? o.config.health.port;
  let server: HealthServer | null = null;
  if (port > 0 || o.port === 0) {
    try {
      server = await startHealthServer(port, routes);
      o.log.info({ url: `http://127.0.0.1:${server.port}`, paths: Object.keys(routes) }, 'health endpoint listening');
    } catch (err) {
      o.log.error({ err, port }, `health endpoint not started: cannot listen on 127.0.0.1:${port}; set health.port to a free port (0 turns it off)`);
    }
  }
  const notify = systemdNotifier(o.env, o.log.child({ component: 'systemd' }));
  const statusLine = () => {
    const r = ready();
    const why = (names: string[]) => names.map((n) => `${n}: ${r.checks[n]?.detail}`).join('; ');
    if (r.status !== 'ready') return `${o.config.mode}: not ready (${why(r.failing)})`;
    return r.degraded.length === 0 ? `${o.config.mode}: ready` : `${o.config.mode}: ready, degraded (${why(r.degraded)})`;
  };
  const watchdog = notify
    ? startWatchdog({
        notify,
        intervalMs: watchdogIntervalMs(o.env, process.pid),
        alive: () => live().status === 'alive',
        status: statusLine,
        pid: process.pid,
      })
    : null;
  let announced = false;
  const announceReady = (s: Snapshot) => {
    if (announced || topState(s) !== 'running') return;
    announced = true;
    watchdog?.ready();
  };
  const running = actor.subscribe(announceReady);
  announceReady(actor.getSnapshot());
  return {
    port: server?.port ?? null,
    close: async () => {
      watchdog?.stopping();
      watchdog?.stop();
      running.unsubscribe();
      unobserve();
      loop.stop();
      await server?.close();
    },
  };
}
