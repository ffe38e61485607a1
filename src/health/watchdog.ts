/**
 * systemd's Type=notify protocol (READY=1, WATCHDOG=1, STATUS=, STOPPING=1). It needs a datagram on the
 * unix socket in $NOTIFY_SOCKET, and Node has no unix datagram sockets (nodejs/node#30059). The native
 * addons that add them (sd-notify, unix-dgram) need a compiler at install time; `systemd-notify`, which
 * ships with systemd wherever the unit can run, needs nothing. It is spawned per message, fire and forget
 * (a hung spawn must not block the loop), and without --no-block it waits until systemd has taken the
 * message, so the message is never lost to the sender exiting first. The unit sets NotifyAccess=all
 * because the sender is this process's child.
 */
import { execFile } from 'node:child_process';
import type { Logger } from 'pino';

/** Sends one notification (lines of KEY=VALUE). */
export type Notify = (lines: readonly string[]) => void;

/** The notifier for this process, or null when not started by systemd with Type=notify. */
export function systemdNotifier(env: Readonly<Record<string, string | undefined>>, log: Logger): Notify | null {
  if (!env['NOTIFY_SOCKET']) return null;
  let warned = false;
  return (lines) => {
    execFile('systemd-notify', [...lines], { timeout: 10_000 }, (err) => {
      if (!err || warned) return;
      warned = true;
      log.warn({ err }, 'systemd-notify failed: the watchdog may restart the daemon; is systemd-notify installed and NotifyAccess=all set in the unit?');
    });
  };
}

/** Half the watchdog period systemd asked for ($WATCHDOG_USEC), or null when no watchdog is set for this process. */
export function watchdogIntervalMs(env: Readonly<Record<string, string | undefined>>, pid: number): number | null {
  const usec = Number(env['WATCHDOG_USEC']);
  if (!(usec > 0)) return null;
  const forPid = env['WATCHDOG_PID'];
  if (forPid && Number(forPid) !== pid) return null;
  return Math.max(500, Math.floor(usec / 2000));
}

export interface WatchdogDeps {
  notify: Notify;
  intervalMs: number | null;
  /** Whether the process loop is healthy (liveness, not readiness: a Kraken outage must not restart us). */
  alive: () => boolean;
  /** One line for `systemctl status`. */
  status: () => string;
  pid: number;
}

export interface Watchdog {
  ready(): void;
  stopping(): void;
  stop(): void;
}

/** Pings WATCHDOG=1 from the main loop's timer only while alive; a stuck loop sends nothing and systemd restarts it. */
export function startWatchdog(d: WatchdogDeps): Watchdog {
  const timer =
    d.intervalMs === null
      ? null
      : setInterval(() => {
          if (d.alive()) d.notify(['WATCHDOG=1', `STATUS=${d.status()}`]);
        }, d.intervalMs);
  timer?.unref();
  return {
    ready: () => d.notify([`--pid=${d.pid}`, 'READY=1', `STATUS=${d.status()}`]),
    stopping: () => d.notify(['STOPPING=1', 'STATUS=stopping']),
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
