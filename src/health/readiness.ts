/**
 * /readyz: can the daemon do its job right now? One probe per concern — the database takes a write, the
 * market feed is fresh, the private feed is up (live), boot reconciliation is done, the breaker is not
 * halted — each timed, so the answer says which check failed, why and how long it took. Only local
 * facts are read: the feed's freshness is what the daemon heard, not a call to Kraken.
 * A component the daemon trades without (the Telegram webhook) is `degraded`, never `fail`: it is listed
 * in `degraded` and the answer stays ready (200), so a monitor sees it without the daemon looking down.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock/clock.ts';
import type { Db } from '../db/index.ts';
import type { BreakerLevel } from '../trading/breaker.ts';
import { describeError, type ErrorInfo } from '../contract/errors.ts';
import type { FeedState } from './observe.ts';

/** A component's own verdict (the Telegram webhook's, from its last check), which a check reports as is. */
export interface ComponentHealth<C extends string = string> {
  readonly status: 'ok' | 'degraded';
  readonly code: C;
  /** The words, the component's own where it has them (Telegram's last_error_message). */
  readonly detail: string;
  /** When it was last checked (daemon clock, ms); null before the first check. */
  readonly checkedAt: number | null;
}

export interface CheckResult {
  readonly status: 'pass' | 'degraded' | 'fail';
  /** A failing or degraded check's code: the cause's own (the feed line's, the boot failure's, Telegram's) when known, else `health.<what>`. */
  readonly code?: string;
  readonly detail: string;
  readonly took_ms: number;
}

export interface Readiness {
  readonly status: 'ready' | 'not_ready';
  /** Names of the failing checks, in check order. */
  readonly failing: string[];
  /** Names of the degraded checks (the daemon trades the same), in check order. */
  readonly degraded: string[];
  readonly checks: Record<string, CheckResult>;
}

/** What the checks read from the supervisor. */
export interface SupervisorView {
  /** Top-level state: booting, running, emergencyStop, halted, shuttingDown, stopped, failed. */
  readonly state: string;
  readonly error: ErrorInfo | null;
  readonly breaker: BreakerLevel;
  readonly venueHealthy: boolean;
}

export interface ReadinessSources {
  readonly mode: 'paper' | 'live';
  readonly supervisor: () => SupervisorView;
  readonly db: () => Db | undefined;
  readonly feed: FeedState;
  /** The daemon's clock: the feed's age is measured on the clock its updates were stamped with. */
  readonly clock: Clock;
  readonly feedStaleMs: number;
  /** Webhook mode: the Telegram webhook's last check; absent or null = no webhook, no check. */
  readonly telegram?: () => ComponentHealth | null;
}

type Verdict = { status: CheckResult['status']; code?: string; detail: string };
/** A check's verdict, or null where it does not apply (the private feed in paper mode, Telegram without a webhook). */
type Probe = (s: ReadinessSources) => Verdict | null;

const pass = (detail: string): Verdict => ({ status: 'pass', detail });
const fail = (code: string, detail: string): Verdict => ({ status: 'fail', code, detail });
/** A line's failure as the check reports it: its own code, or `health.<fallback>` while nothing was heard. */
const lineFailure = (error: ErrorInfo | null, fallback: string, detail: (why: string) => string): Verdict =>
  fail(error?.code ?? `health.${fallback}`, detail(error ? describeError(error) : fallback.replace(/_/g, ' ')));

const database: Probe = (s) => {
  const db = s.db();
  if (!db) return fail('health.db_closed', 'database not open (booting or shutting down)');
  try {
    db.prepare('INSERT INTO health_probe (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at').run([s.clock.now()]);
    return pass('write ok');
  } catch (err) {
    return fail('health.db_write_failed', `write failed: ${err instanceof Error ? err.message : String(err)}; check disk space and permissions of ${db.path}`);
  }
};

const feed: Probe = (s) => {
  if (!s.supervisor().venueHealthy || s.feed.up.public === false)
    return lineFailure(s.feed.reason.public, 'venue_unhealthy', (why) => `market feed down: ${why}; no new entries until it is back`);
  if (s.feed.lastMarketAt === null) return fail('health.no_market_update', 'no market update received yet');
  const age = s.clock.now() - s.feed.lastMarketAt;
  const seconds = Math.round(age / 1000);
  if (age > s.feedStaleMs) return fail('health.feed_stale', `no market update for ${seconds} s (limit ${s.feedStaleMs / 1000} s): the feed is stale`);
  return pass(`last market update ${seconds} s ago`);
};

const privateFeed: Probe = (s) => {
  if (s.mode !== 'live') return null;
  return s.feed.up.private === true
    ? pass('executions channel connected')
    : lineFailure(s.feed.reason.private, 'not_connected', (why) => `private feed down: ${why}; fills are found by reconciling by cl_ord_id until it is back`);
};

const reconciliation: Probe = (s) => {
  const { state, error } = s.supervisor();
  if (state === 'booting') return fail('health.booting', 'booting: venue reconciliation not finished');
  if (state === 'failed') return fail(error?.code ?? 'health.boot_failed', `boot failed: ${error ? describeError(error) : 'unknown'}`);
  if (state === 'shuttingDown' || state === 'stopped') return fail('health.shutting_down', 'shutting down');
  return pass(`reconciled; supervisor ${state}`);
};

const breaker: Probe = (s) => {
  const level = s.supervisor().breaker;
  if (level === 'halted') return fail('health.breaker_halted', 'breaker halted: no new entries until an operator resumes (or the auto cool-down)');
  return pass(level === 'reducing' ? 'reducing: entries at half size' : 'active');
};

const telegram: Probe = (s) => {
  const h = s.telegram?.();
  if (!h) return null;
  return h.status === 'ok' ? pass(h.detail) : { status: 'degraded', code: h.code, detail: h.detail };
};

const CHECKS: ReadonlyArray<[string, Probe]> = [
  ['database', database],
  ['feed', feed],
  ['privateFeed', privateFeed],
  ['reconciliation', reconciliation],
  ['breaker', breaker],
  ['telegram', telegram],
];

export function readiness(s: ReadinessSources): Readiness {
  const checks: Record<string, CheckResult> = {};
  const failing: string[] = [];
  const degraded: string[] = [];
  for (const [name, probe] of CHECKS) {
    const start = performance.now();
    const v = probe(s);
    if (!v) continue;
    const took_ms = Math.round((performance.now() - start) * 1000) / 1000;
    checks[name] =
      v.status === 'pass' ? { status: 'pass', detail: v.detail, took_ms } : { status: v.status, code: v.code ?? 'health.failed', detail: v.detail, took_ms };
    if (v.status === 'fail') failing.push(name);
    if (v.status === 'degraded') degraded.push(name);
  }
  return { status: failing.length === 0 ? 'ready' : 'not_ready', failing, degraded, checks };
}
