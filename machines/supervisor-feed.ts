/**
 * The supervisor's market and account lines (issue 17.1), decided purely: the public and private
 * connection machines are its children, and this says what their reports do.
 * - A line that gave up (`connection.failed`) is started again after a capped backoff, forever. An outage
 *   is alerted once, when the line first gives up, and again when it is back; a short drop alerts nobody.
 *   While the public line is down no entry is accepted (inv. 5).
 * - Closed candles reach the scanners once each and in order: a repeat (a snapshot after a reconnect) is
 *   dropped; a hole (a gap report, or a candle that does not follow the last one) is back-filled by REST
 *   first while the pair's later candles wait. Each candle heard closed is written to the candle store.
 * - A forming candle is a price: the paper venue hears it first, then the positions (market.price).
 * - A private execution report becomes a booked fill or an order update (src/trading/executions.ts).
 */
import type { EventObject } from 'xstate';
import { FEED_NOT_CONNECTED, timeframeMs, type Candle, type Pair, type Timeframe } from '../src/contract/index.ts';
import { executionEvent } from '../src/trading/executions.ts';
import type { ConnectionInput, ConnectionReport, Endpoint, FeedCandleReport } from './connection.machine.ts';
import { describeError, type ErrorInfo } from '../src/contract/errors.ts';
import type { AlertBody } from './failure-alert.ts';
import { lineChange, lineHealth, type FeedLineChange, type LineReport, type LineState } from './supervisor-feed-line.ts';

/** Connection tuning (tests and stepped replays); the connection machine's defaults otherwise. */
export type ConnectionTuning = Pick<ConnectionInput, 'maxAttempts' | 'backoff' | 'seed' | 'timeouts'>;

export interface FeedSettings {
  /** live: a private executions line too; paper: prices go to the paper venue. */
  mode: 'paper' | 'live';
  connection?: ConnectionTuning;
  /** Delay before a line that gave up is started again: baseMs × 2^restarts, at most maxMs. */
  restart?: { baseMs: number; maxMs: number };
}

export interface PairCandles {
  /** Open time of the last closed candle handed to the scanners (or in the store at boot). */
  last: number | null;
  /** The hole being back-filled, [from, to); the pair's candles wait in `queue` meanwhile. */
  filling: { from: number; to: number } | null;
  queue: Candle[];
}

export interface FeedState {
  settings: FeedSettings;
  lines: Partial<Record<Endpoint, LineState>>;
  candles: Partial<Record<Pair, PairCandles>>;
}

export interface BackfillRequest {
  pair: Pair;
  timeframe: Timeframe;
  from: number;
  to: number;
}

/** What the back-fill child reports: the pair's stored candles in [from, to) once REST has filled the hole. */
export type BackfillEvent =
  | { type: 'market.candles.backfilled'; pair: Pair; from: number; to: number; candles: Candle[] }
  | { type: 'market.candles.backfillFailed'; pair: Pair; from: number; to: number; error: ErrorInfo };

export type FeedReport = ConnectionReport | BackfillEvent;

/** An event the plan asks the supervisor to take (to itself or raised), typed loosely so this file need not import the supervisor's union. */
type Own = EventObject & Record<string, unknown>;

export interface FeedPlan {
  feed: FeedState;
  venueHealthy?: boolean;
  /** Sent to the supervisor itself, in order (accepted candles: visible to the inspector and the log). */
  own: Own[];
  /** Taken at once, before anything queued (a fill from the executions line, a price). */
  raise: Own[];
  /** To a child by id; skipped when that child is not running. */
  to: Array<{ id: string; event: Own; delayMs?: number }>;
  backfill: BackfillRequest[];
  stop: string[];
  alerts: AlertBody[];
  /** A line went up or down (for the log and the operator's view; alerts are separate). */
  line: FeedLineChange | null;
}

export const connectionId = (endpoint: Endpoint): string => `connection.${endpoint}`;
export const backfillId = (pair: Pair): string => `backfill.${pair}`;
const DEFAULT_RESTART = { baseMs: 1_000, maxMs: 60_000 };
const FEED_REPORTS = new Set([
  'connection.up',
  'connection.down',
  'connection.failed',
  'feed.candle',
  'market.candles.gap',
  'market.candles.backfilled',
  'market.candles.backfillFailed',
  'account.execution',
]);

export const isFeedReport = (e: EventObject): e is FeedReport => FEED_REPORTS.has(e.type);

export function initialFeed(settings: FeedSettings, pairs: readonly Pair[], storedUntil: Partial<Record<Pair, number>> = {}): FeedState {
  const candles = Object.fromEntries(pairs.map((p) => [p, { last: storedUntil[p] ?? null, filling: null, queue: [] } satisfies PairCandles]));
  return { settings, lines: {}, candles };
}

/** The connection children to spawn, with their inputs. */
export function linesOf(feed: FeedState, pairs: Pair[], timeframe: Timeframe): Array<{ id: string; input: ConnectionInput }> {
  const tuning = feed.settings.connection ?? {};
  const lines: Array<{ id: string; input: ConnectionInput }> = [
    { id: connectionId('public'), input: { endpoint: 'public', subscriptions: [{ channel: 'ohlc', pairs, timeframe }], ...tuning } },
  ];
  if (feed.settings.mode === 'live')
    lines.push({ id: connectionId('private'), input: { endpoint: 'private', subscriptions: [{ channel: 'executions' }], ...tuning } });
  return lines;
}

export function restartDelay(restarts: number, restart = DEFAULT_RESTART): number {
  return Math.min(restart.maxMs, restart.baseMs * 2 ** restarts);
}

const LINE_NAME: Record<Endpoint, string> = { public: 'public market feed', private: 'private executions feed' };
const LINE_EFFECT: Record<Endpoint, string> = { public: 'no new entries until it is back', private: 'fills are recovered by cl_ord_id when it is back' };

function emptyPlan(feed: FeedState): FeedPlan {
  return { feed, own: [], raise: [], to: [], backfill: [], stop: [], alerts: [], line: null };
}

/** What one report of a line or of a back-fill does; null for reports the supervisor leaves alone (tickers, books, status). */
export function feedPlan(feed: FeedState, timeframe: Timeframe, e: FeedReport): FeedPlan | null {
  switch (e.type) {
    case 'connection.up':
    case 'connection.down':
    case 'connection.failed':
      return lineReport(feed, e);
    case 'feed.candle':
      return e.closed ? closedCandle(feed, timeframe, e) : price(feed, e);
    case 'market.candles.gap':
      return e.timeframe === timeframe ? gapReported(feed, timeframe, e.pair, e.to) : null;
    case 'market.candles.backfilled':
    case 'market.candles.backfillFailed':
      return backfillDone(feed, e);
    case 'account.execution': {
      const outcome = executionEvent(e.report);
      return outcome ? { ...emptyPlan(feed), raise: [outcome] } : null;
    }
    default:
      return null;
  }
}

function lineReport(feed: FeedState, e: LineReport): FeedPlan {
  const prior = feed.lines[e.endpoint];
  const was = prior ?? { up: false, reason: FEED_NOT_CONNECTED, health: FEED_NOT_CONNECTED, alerted: false, restarts: 0 };
  const plan = emptyPlan(feed);
  const health = lineHealth(e, prior);
  let line: LineState;
  if (e.type === 'connection.up') {
    line = { up: true, reason: null, health, alerted: false, restarts: 0 };
    if (was.alerted) plan.alerts.push({ message: `${LINE_NAME[e.endpoint]} back after ${was.restarts} restart${was.restarts === 1 ? '' : 's'}` });
    // The executions line lost whatever was published while it was down: the account watch sweeps by cl_ord_id.
    if (e.endpoint === 'private') plan.to.push({ id: 'venueWatch', event: { type: 'venue.sweep' } });
  } else if (e.type === 'connection.down') {
    line = { ...was, up: false, reason: e.error, health };
  } else {
    line = { up: false, reason: e.error, health, alerted: true, restarts: was.restarts + 1 };
    const delayMs = restartDelay(was.restarts, feed.settings.restart);
    if (!was.alerted) {
      const retrying = `retrying every ${Math.round(delayMs / 1000)}–${Math.round((feed.settings.restart ?? DEFAULT_RESTART).maxMs / 1000)} s; ${LINE_EFFECT[e.endpoint]}`;
      plan.alerts.push({ message: `${LINE_NAME[e.endpoint]} down: ${e.attempts} reconnects failed (${describeError(e.error)}); ${retrying}`, error: e.error });
    }
    plan.to.push({ id: connectionId(e.endpoint), event: { type: 'connection.start' }, delayMs });
  }
  plan.feed = { ...feed, lines: { ...feed.lines, [e.endpoint]: line } };
  plan.line = lineChange(e.endpoint, prior, line);
  if (e.endpoint === 'public') plan.venueHealthy = line.up;
  return plan;
}

/** A forming candle's close is the pair's last trade: the paper venue first (a waiting order fills on it), then the marks and positions. */
function price(feed: FeedState, e: FeedCandleReport): FeedPlan {
  const plan = emptyPlan(feed);
  if (feed.settings.mode === 'paper') plan.to.push({ id: 'venueWatch', event: { type: 'venue.price', pair: e.pair, price: e.candle.close } });
  plan.raise.push({ type: 'market.price', pair: e.pair, price: e.candle.close, time: e.candle.time });
  return plan;
}

const pairOf = (feed: FeedState, pair: Pair): PairCandles => feed.candles[pair] ?? { last: null, filling: null, queue: [] };
const withPair = (feed: FeedState, pair: Pair, pc: PairCandles): FeedState => ({ ...feed, candles: { ...feed.candles, [pair]: pc } });
const accepted = (pair: Pair, candle: Candle): Own => ({ type: 'market.candle', pair, candle });

/**
 * Open time of the newest closed candle the pair's line has delivered (handed to its scanner, or waiting
 * behind a back-fill); null before any. A scanner's decision on an older candle is a catch-up one.
 */
export function newestClosed(feed: FeedState | null, pair: Pair): number | null {
  const pc = feed ? pairOf(feed, pair) : null;
  return pc ? (pc.queue.at(-1)?.time ?? pc.last) : null;
}

function closedCandle(feed: FeedState, timeframe: Timeframe, e: FeedCandleReport): FeedPlan | null {
  if (e.timeframe !== timeframe) return null;
  const pc = pairOf(feed, e.pair);
  const newest = newestClosed(feed, e.pair);
  if (newest !== null && e.candle.time <= newest) return null;
  const plan = emptyPlan(feed);
  plan.to.push({ id: 'journal', event: { type: 'journal.candle', pair: e.pair, timeframe, candle: e.candle } });
  const step = timeframeMs(timeframe);
  if (pc.filling) {
    plan.feed = withPair(feed, e.pair, { ...pc, queue: [...pc.queue, e.candle] });
  } else if (pc.last === null || e.candle.time === pc.last + step) {
    plan.feed = withPair(feed, e.pair, { ...pc, last: e.candle.time });
    plan.own.push(accepted(e.pair, e.candle));
  } else {
    const hole = { from: pc.last + step, to: e.candle.time };
    plan.feed = withPair(feed, e.pair, { ...pc, filling: hole, queue: [e.candle] });
    plan.backfill.push({ pair: e.pair, timeframe, ...hole });
  }
  return plan;
}

/** The line came back and its first candle opens at `to`: what closed in between is asked of REST now. */
function gapReported(feed: FeedState, timeframe: Timeframe, pair: Pair, to: number): FeedPlan | null {
  const pc = pairOf(feed, pair);
  const step = timeframeMs(timeframe);
  if (pc.filling || pc.last === null || to <= pc.last + step) return null;
  const hole = { from: pc.last + step, to };
  return { ...emptyPlan(withPair(feed, pair, { ...pc, filling: hole })), backfill: [{ pair, timeframe, ...hole }] };
}

/** The hole's candles in order, then the candles that waited; a failed back-fill leaves the hole and lets them through. */
function backfillDone(feed: FeedState, e: BackfillEvent): FeedPlan | null {
  const pc = pairOf(feed, e.pair);
  if (!pc.filling || pc.filling.from !== e.from || pc.filling.to !== e.to) return null;
  const filled = e.type === 'market.candles.backfilled' ? e.candles.filter((c) => c.time >= e.from && c.time < e.to) : [];
  // A candle of the hole may also have come from the line while REST was asked (a snapshot): once each, in order.
  const byTime = new Map([...filled, ...pc.queue].map((c) => [c.time, c] as const));
  const candles = [...byTime.values()].sort((a, b) => a.time - b.time);
  const plan = emptyPlan(withPair(feed, e.pair, { last: candles.at(-1)?.time ?? pc.last, filling: null, queue: [] }));
  plan.own.push(...candles.map((c) => accepted(e.pair, c)));
  plan.stop.push(backfillId(e.pair));
  if (e.type === 'market.candles.backfillFailed') {
    const hole = `${e.pair} candles ${new Date(e.from).toISOString()} → ${new Date(e.to).toISOString()}`;
    plan.alerts.push({
      message: `${hole} could not be back-filled (${describeError(e.error)}): the scanners go on without them; the nightly candle maintenance tries again`,
      error: e.error,
    });
  }
  return plan;
}
