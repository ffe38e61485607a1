/**
 * The supervisor's side of the nightly cycle (orchestrator-cycle.machine.ts), pure: whether the daemon
 * runs one (SupervisorInput.orchestrator, absent in replays and tests), the child's input, the events the
 * supervisor forwards to it (the scheduler's slot, a run-now request), and the cycle reports that become
 * operator alerts. A failed night is an alert, never a reason to stop trading (inv. 5).
 */
import { ORCHESTRATOR_CYCLE_ACTOR_ID, type CycleEmitted, type CycleEvent, type CycleInput } from './orchestrator-cycle.machine.ts';
import { failureAlert, type AlertBody } from './failure-alert.ts';

export const CYCLE_CHILD_ID = ORCHESTRATOR_CYCLE_ACTOR_ID;

/** What the daemon's cycle child is started with (config orchestrator.cycle). */
export interface OrchestratorSettings {
  maxRepairs: number;
  retryDelaySeconds: number;
}

/** A request to run a night now (`brain orchestrate` in the daemon's process, Telegram /night). */
export type OrchestratorRunNow = { type: 'orchestrator.runNow'; by: string; at: number };

export function cycleInputOf(s: OrchestratorSettings, now: number): CycleInput {
  return { now, maxRepairs: s.maxRepairs, retryDelaySeconds: s.retryDelaySeconds };
}

/** The event the cycle child gets for a supervisor event, or null when it is not the cycle's. */
export function cycleEventOf(event: { type: string }): CycleEvent | null {
  const e = event as { type: string; due?: number; time?: number; by?: string; at?: number };
  if (e.type === 'schedule.orchestrator') return { type: 'orchestrator.slot', due: e.due!, at: e.time! };
  if (e.type === 'orchestrator.runNow') return { type: 'orchestrator.runNow', by: e.by ?? 'operator', at: e.at ?? 0 };
  return null;
}

export function cycleAlertOf(e: CycleEmitted): AlertBody | null {
  if (e.type === 'orchestrator.cycleFinished' && e.outcome === 'failed') {
    const what = `nightly orchestrator ${e.cycleId} failed closed, nothing deployed, the incumbent keeps trading`;
    // The reason already leads with the error's code (and says when a retry no longer fits the window).
    return { message: `${what}: ${e.reason ?? 'no reason'}`, ...(e.error ? { error: e.error } : {}) };
  }
  if (e.type === 'orchestrator.persistFailed') return failureAlert('nightly orchestrator could not persist its state', e.error);
  return null;
}
