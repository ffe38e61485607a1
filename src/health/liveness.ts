/**
 * /livez: does the process still turn? Only local facts: the event-loop lag over the last window and
 * whether the supervisor actor is still alive. No dependency is checked here — a Kraken outage must not
 * make a supervisor (systemd, Docker) restart a healthy daemon; that is /readyz's business.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoopLag {
  /** The worst event-loop delay of the current or the last full window, ms. */
  lagMs(): number;
  stop(): void;
}

/** Samples the event loop (libuv timer drift) in windows of `windowMs` of real time. */
export function monitorLoopLag(windowMs = 5000): LoopLag {
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  let lastWindow = 0;
  const current = () => (histogram.count > 0 ? histogram.max / 1e6 : 0);
  const timer = setInterval(() => {
    lastWindow = current();
    histogram.reset();
  }, windowMs);
  // Sampling must never keep the process alive after shutdown.
  timer.unref();
  return {
    lagMs: () => Math.max(lastWindow, current()),
    stop: () => {
      clearInterval(timer);
      histogram.disable();
    },
  };
}

export interface Liveness {
  readonly status: 'alive' | 'stuck';
  readonly eventLoopLagMs: number;
  readonly limitMs: number;
  /** The supervisor actor's status: active, done (stopped or failed boot) or error (crashed). */
  readonly supervisor: string;
}

export function liveness(lagMs: number, limitMs: number, supervisorStatus: string): Liveness {
  const ok = lagMs <= limitMs && supervisorStatus !== 'error';
  return { status: ok ? 'alive' : 'stuck', eventLoopLagMs: Math.round(lagMs * 10) / 10, limitMs, supervisor: supervisorStatus };
}
