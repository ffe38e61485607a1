/**
 * The supervisor's handling of the operator's commands that reach a child (the breaker, the positions)
 * and the feed-health announcement, pure: each returns what to send or emit, or nothing. The console
 * (src/control) sends these events; the children still hear only events, never a reach into context.
 */
import type { BreakerEvent } from './breaker.machine.ts';
import type { PositionEvent } from './position.machine.ts';
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

/** The feed's health as an announcement, only when it changes (the console notifies down and back). */
export function healthChange(c: SupervisorContext, event: SupervisorEvent): Extract<SupervisorEmitted, { type: 'venue.healthChanged' }> | null {
  if (event.type !== 'venue.health' || event.healthy === c.venueHealthy) return null;
  return { type: 'venue.healthChanged', healthy: event.healthy, reason: event.reason, at: c.now };
}
