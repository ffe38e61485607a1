/**
 * The supervisor's handling of the operator's commands that reach a child (the breaker, the positions)
 * and the feed-health announcement, pure: each returns what to send or emit, or nothing. The console
 * (src/control) sends these events; the children still hear only events, never a reach into context.
 */
import type { BreakerEvent } from './breaker.machine.ts';
import type { PositionEvent } from './position.machine.ts';
import type { FeedPlan } from './supervisor-feed.ts';
import type { SupervisorContext, SupervisorEmitted, SupervisorEvent } from './supervisor-types.ts';

/** The breaker command for an operator's resume/halt, stamped with the supervisor's time (the breaker reads no clock). */
export function breakerCommand(event: SupervisorEvent, now: number): BreakerEvent | null {
  if (event.type === 'supervisor.breakerResume') return { type: 'breaker.resume', by: event.by, time: now };
  if (event.type === 'supervisor.breakerHalt') return { type: 'breaker.halt', by: event.by, time: now };
  return null;
}

/** One manual close per working position of the pair (every pair when `pair` is null). */
export function forcedExits(c: SupervisorContext, event: SupervisorEvent): Array<{ positionId: string; event: PositionEvent }> {
  if (event.type !== 'supervisor.forceExit') return [];
  return c.slots
    .filter((s) => event.pair === null || s.pair === event.pair)
    .map((s) => ({ positionId: s.positionId, event: { type: 'position.close', reason: 'manual', time: c.now } }));
}

/**
 * The market line's health as an announcement, when a feed report flips whether entries are accepted:
 * once per real transition (a second down, or a reconnect that fails while down, says nothing). The
 * console notifies the feed going down and coming back.
 */
export function healthChange(
  c: SupervisorContext,
  plan: Pick<FeedPlan, 'feed' | 'venueHealthy'>,
): Extract<SupervisorEmitted, { type: 'venue.healthChanged' }> | null {
  const health = plan.feed.lines.public?.health;
  if (plan.venueHealthy === undefined || plan.venueHealthy === c.venueHealthy || !health) return null;
  return { type: 'venue.healthChanged', healthy: plan.venueHealthy, reason: health, at: c.now };
}
