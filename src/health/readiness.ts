/**
 * /readyz: can the daemon do its job right now? One probe per concern — the database takes a write, the
 * market feed is fresh, the private feed is up (live), boot reconciliation is done, the breaker is not
 * halted — each timed, so the answer says which check failed, why and how long it took. Only local
 * facts are read: the feed's freshness is what the daemon heard, not a call to Kraken.
 */
import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock/clock.ts';
import type { Db } from '../db/index.ts';
import type { BreakerLevel } from '../trading/breaker.ts';
import type { FeedState } from './observe.ts';

export interface CheckResult {
  readonly status: 'pass' | 'fail';
  readonly detail: string;
  readonly took_ms: number;
}

export interface Readiness {
  readonly status: 'ready' | 'not_ready';
  /** Names of the failing checks, in check order. */
  readonly failing: string[];
  readonly checks: Record<string, CheckResult>;
}

/** What the checks read from the supervisor. */
export interface SupervisorView {
  /** Top-level state: booting, running, emergencyStop, halted, shuttingDown, stopped, failed. */
  readonly state: string;
  readonly error: string | null;
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
}

type Verdict = { ok: boolean; detail: string };
type Probe = (s: ReadinessSources) => Verdict;

const pass = (detail: string): Verdict => ({ ok: true, detail });
const fail = (detail: string): Verdict => ({ ok: false, detail });

const database: Probe = (s) => {
  const db = s.db();
  if (!db) return fail('database not open (booting or shutting down)');
  try {
    db.prepare('INSERT INTO health_probe (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at').run([s.clock.now()]);
    return pass('write ok');
  } catch (err) {
    return fail(`write failed: ${err instanceof Error ? err.message : String(err)}; check disk space and permissions of ${db.path}`);
  }
};

const feed: Probe = (s) => {
  if (!s.supervisor().venueHealthy || s.feed.up.public === false)
    return fail(`market feed down: ${s.feed.reason.public || 'venue unhealthy'}; no new entries until it is back`);
  if (s.feed.lastMarketAt === null) return fail('no market update received yet');
  const age = s.clock.now() - s.feed.lastMarketAt;
  const seconds = Math.round(age / 1000);
  if (age > s.feedStaleMs) return fail(`no market update for ${seconds} s (limit ${s.feedStaleMs / 1000} s): the feed is stale`);
  return pass(`last market update ${seconds} s ago`);
};

const privateFeed: Probe = (s) =>
  s.feed.up.private === true
    ? pass('executions channel connected')
    : fail(`private feed down: ${s.feed.reason.private}; fills are found by reconciling by cl_ord_id until it is back`);

const reconciliation: Probe = (s) => {
  const { state, error } = s.supervisor();
  if (state === 'booting') return fail('booting: venue reconciliation not finished');
  if (state === 'failed') return fail(`boot failed: ${error ?? 'unknown'}`);
  if (state === 'shuttingDown' || state === 'stopped') return fail('shutting down');
  return pass(`reconciled; supervisor ${state}`);
};

const breaker: Probe = (s) => {
  const level = s.supervisor().breaker;
  if (level === 'halted') return fail('breaker halted: no new entries until an operator resumes (or the auto cool-down)');
  return pass(level === 'reducing' ? 'reducing: entries at half size' : 'active');
};

function probesFor(mode: 'paper' | 'live'): Array<[string, Probe]> {
  const all: Array<[string, Probe]> = [
    ['database', database],
    ['feed', feed],
    ['privateFeed', privateFeed],
    ['reconciliation', reconciliation],
    ['breaker', breaker],
  ];
  return mode === 'live' ? all : all.filter(([name]) => name !== 'privateFeed');
}

export function readiness(s: ReadinessSources): Readiness {
  const checks: Record<string, CheckResult> = {};
  const failing: string[] = [];
  for (const [name, probe] of probesFor(s.mode)) {
    const start = performance.now();
    const v = probe(s);
    checks[name] = { status: v.ok ? 'pass' : 'fail', detail: v.detail, took_ms: Math.round((performance.now() - start) * 1000) / 1000 };
    if (!v.ok) failing.push(name);
  }
  return { status: failing.length === 0 ? 'ready' : 'not_ready', failing, checks };
}
