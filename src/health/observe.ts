/**
 * The one subscriber: it listens to the supervisor's emitted events (`actor.on('*')`) and to the
 * inspection stream of the whole actor tree (`actor.system.inspect`, the stream the transition log and
 * the Stately inspector read) and turns them into metrics and, for /readyz, into the feed's freshness and
 * its lines' health (the supervisor's own `feed.line` announcements, a closed feed.* code each).
 * Nothing in the trading code knows it exists.
 */
import type { AnyActorRef, EventObject, InspectionEvent, Subscription } from 'xstate';
import type { Clock } from '../clock/clock.ts';
import type { Metrics } from './metrics.ts';
import type { ErrorInfo } from '../contract/errors.ts';
import { FEED_NOT_CONNECTED, type FeedHealthReason } from '../contract/feed.ts';
import type { FeedLineChange } from '../../machines/supervisor-feed-line.ts';

export type FeedEndpoint = 'public' | 'private';

export interface FeedState {
  /** Daemon-clock time of the last market update (price or closed candle); null before the first. */
  lastMarketAt: number | null;
  /** null until the endpoint first reports. */
  up: Record<FeedEndpoint, boolean | null>;
  /** Why the endpoint is down (null while up): the line's closed feed.* code, the connection's own failure in the words. */
  reason: Record<FeedEndpoint, ErrorInfo | null>;
}

export function newFeedState(): FeedState {
  return { lastMarketAt: null, up: { public: null, private: null }, reason: { public: FEED_NOT_CONNECTED, private: FEED_NOT_CONNECTED } };
}

/** The parts of the supervisor actor observed: its emitted events and its system's inspection stream. */
export interface Observable {
  on(type: '*', handler: (e: EventObject) => void): Subscription;
  readonly system: { inspect(observer: (e: InspectionEvent) => void): Subscription };
}

/** A label value from code (a reason, a stage) kept to a closed shape, so a free-text value cannot explode the series. */
const label = (v: unknown) => (typeof v === 'string' && /^[a-z][a-z0-9_]{0,39}$/i.test(v) ? v : 'other');

const pairLabel = (v: unknown) => (typeof v === 'string' && /^[A-Z0-9]{1,10}\/[A-Z]{3}$/.test(v) ? v : 'other');

type Ev = EventObject & Record<string, unknown>;

/** A line's state as the supervisor decided it (its `feed.line`, or its line state at start); a line is retried until it is back. */
function feedReport(feed: FeedState, metrics: Metrics, endpoint: FeedEndpoint, up: boolean, health: FeedHealthReason): void {
  if (up && feed.up[endpoint] === false) metrics.reconnects.inc({ endpoint });
  feed.up[endpoint] = up;
  feed.reason[endpoint] = up ? null : { ...health, retryable: true };
  metrics.feedUp.set({ endpoint }, up ? 1 : 0);
}

/** Events the supervisor received (the market, the feeds, its children's reports). */
function onSupervisorEvent(e: Ev, feed: FeedState, metrics: Metrics, clock: Clock): void {
  switch (e.type) {
    case 'market.candle':
      metrics.candles.inc({ pair: pairLabel(e['pair']) });
      feed.lastMarketAt = clock.now();
      return;
    case 'market.price':
    case 'feed.candle':
      feed.lastMarketAt = clock.now();
      return;
    case 'scanner.failed':
      metrics.scanFailures.inc({ stage: label(e['stage']) });
      return;
    case 'chore.done':
      if (e['chore'] === 'backup') metrics.backupTime.set(clock.now() / 1000);
      return;
    default:
      return;
  }
}

/** Events any actor of the tree received: the results of its invoked work. */
function onTreeEvent(e: Ev, target: { getSnapshot(): unknown }, metrics: Metrics): void {
  if (e.type === 'xstate.done.actor.evaluate') {
    const ms = (e['output'] as { durationMs?: unknown } | undefined)?.durationMs;
    if (typeof ms === 'number' && Number.isFinite(ms)) metrics.scanSeconds.observe(ms / 1000);
    return;
  }
  if (e.type !== 'xstate.done.actor.submitOrder' && e.type !== 'xstate.error.actor.submitOrder') return;
  // The position still holds the order it was sending when the result arrives (inspection runs before the transition).
  const side = label((target.getSnapshot() as { context?: { order?: { side?: string } } }).context?.order?.side);
  const status = (e['output'] as { status?: string } | undefined)?.status;
  const result = e.type === 'xstate.error.actor.submitOrder' ? 'unknown_outcome' : status === 'rejected' ? 'rejected' : 'accepted';
  metrics.orders.inc({ side, result });
}

/** What the supervisor announced (verdicts, fills, alerts, its feed lines). */
function onEmitted(e: Ev, feed: FeedState, metrics: Metrics): void {
  if (e.type === 'feed.line') {
    const line = e as unknown as FeedLineChange;
    feedReport(feed, metrics, line.endpoint, line.up, line.health);
  } else if (e.type === 'intent.accepted' || e.type === 'intent.rejected') {
    const action = label((e['intent'] as { decision?: { action?: string } } | undefined)?.decision?.action);
    metrics.intents.inc({ action, outcome: e.type === 'intent.accepted' ? 'accepted' : 'rejected' });
    if (e.type === 'intent.rejected') metrics.rejections.inc({ reason: label(e['reason']) });
  } else if (e.type === 'order.filled') {
    const f = e['fill'] as { side?: string; liquidity?: string };
    metrics.fills.inc({ side: label(f.side), liquidity: label(f.liquidity) });
  } else if (e.type === 'supervisor.alert') {
    metrics.alerts.inc();
  }
}

/**
 * The lines as the supervisor already knows them: a health server started after a line came up would
 * otherwise wait for its next report and call it down meanwhile (a live replay that starts once both
 * lines are up, then starts its health server, showed it: /readyz 503 on a connected executions line).
 */
function seedLines(actor: AnyActorRef, metrics: Metrics, feed: FeedState): void {
  const snapshot = actor.getSnapshot() as { context?: { feed?: { lines?: Partial<Record<FeedEndpoint, { up: boolean; health: FeedHealthReason }>> } } };
  const lines = snapshot.context?.feed?.lines ?? {};
  for (const endpoint of ['public', 'private'] as const) {
    const line = lines[endpoint];
    if (line) feedReport(feed, metrics, endpoint, line.up, line.health);
  }
}

/** Subscribes; returns the unsubscribe. */
export function observeDaemon(actor: Observable & AnyActorRef, metrics: Metrics, feed: FeedState, clock: Clock): () => void {
  seedLines(actor, metrics, feed);
  const inspection = actor.system.inspect((i) => {
    if (i.type !== '@xstate.event') return;
    const e = i.event as Ev;
    if (i.actorRef === actor) onSupervisorEvent(e, feed, metrics, clock);
    onTreeEvent(e, i.actorRef, metrics);
  });
  const emitted = actor.on('*', (e) => onEmitted(e as Ev, feed, metrics));
  return () => {
    inspection.unsubscribe();
    emitted.unsubscribe();
  };
}
