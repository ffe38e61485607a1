/**
 * One feed line as the supervisor keeps it, and its health: the closed feed.* code (src/contract/feed.ts)
 * is decided here, once, from the connection's own reports. The line's `feed.line` announcement, the
 * market line's `venue.healthChanged`, /readyz and the operator's "feed down / back" message all carry
 * it; the connection's failure (kraken.ws_closed, …) stays in `reason` and in the words.
 */
import type { ErrorInfo } from '../src/contract/errors.ts';
import type { FeedHealthReason } from '../src/contract/feed.ts';
import type { ConnectionReport, Endpoint } from './connection.machine.ts';

export interface LineState {
  up: boolean;
  /** Why the line is down, as its connection reported it (code, words, retry verdict); null while up. */
  reason: ErrorInfo | null;
  /** The line's health as a closed feed.* code, for /readyz and the operator. */
  health: FeedHealthReason;
  /** The outage was alerted (the line gave up at least once since it was last up). */
  alerted: boolean;
  /** Restarts since the line was last up. */
  restarts: number;
}

/** A line went up or down, or its health changed while down (it gave up): for the log, /readyz and the operator's view (alerts are separate). */
export interface FeedLineChange {
  type: 'feed.line';
  endpoint: Endpoint;
  up: boolean;
  reason: ErrorInfo | null;
  health: FeedHealthReason;
}

/** A connection's report of its own state (up, down, gave up). */
export type LineReport = Extract<ConnectionReport, { type: 'connection.up' | 'connection.down' | 'connection.failed' }>;

/** The connection machine's code for a line it dropped because it went silent (stale, then dead), not because the socket closed. */
const SILENT_LINE = 'kraken.ws_timeout';

/** The line's health after `e`; `was` is its state before (undefined before its first report). */
export function lineHealth(e: LineReport, was: LineState | undefined): FeedHealthReason {
  if (e.type === 'connection.up')
    return was && !was.up
      ? { code: 'feed.resubscribed', message: 'reconnected and subscribed again' }
      : { code: 'feed.connected', message: 'connected and subscribed' };
  const cause = `${e.error.code}: ${e.error.message}`;
  if (e.type === 'connection.failed') return { code: 'feed.gave_up', message: `gave up after ${e.attempts} reconnects (${cause}); restarted after a backoff` };
  return e.error.code === SILENT_LINE ? { code: 'feed.stale', message: `went silent (${cause})` } : { code: 'feed.disconnected', message: cause };
}

/** The announcement of a report that changed the line (its first report, up or down, or a new health code); null for one that changed nothing. */
export function lineChange(endpoint: Endpoint, was: LineState | undefined, line: LineState): FeedLineChange | null {
  if (was && was.up === line.up && was.health.code === line.health.code) return null;
  return { type: 'feed.line', endpoint, up: line.up, reason: line.reason, health: line.health };
}
