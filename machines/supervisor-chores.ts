/**
 * The supervisor's scheduled work: housekeeping chores (one run of each at a time, fees adopted, a failed
 * self-audit holding the breaker) and the nightly orchestrator cycle (its slot, run-now, its reports).
 */
import { BREAKER_ACTOR_ID } from './breaker.machine.ts';
import type { CycleEmitted } from './orchestrator-cycle.machine.ts';
import { cycleAlertOf, cycleEventOf, CYCLE_CHILD_ID } from './supervisor-orchestrator.ts';
import * as logic from './supervisor-logic.ts';
import { auditFailed } from './supervisor-audit.ts';
import { supervisorBase } from './supervisor-children.ts';
import type { Chore } from './supervisor-types.ts';

const choreId = (chore: Chore): string => `chore-${chore}`;

export const choreActions = {
  /**
   * One run of a chore at a time, so its report names its child: a slot that fires while the last run
   * still works is skipped (the next slot runs it) — and said, since a run that outlasts its period is stuck.
   */
  startChore: supervisorBase.enqueueActions(({ context: c, event, enqueue, self }) => {
    const chore = logic.choreOf(event);
    if (chore && self.getSnapshot().children[choreId(chore)]) enqueue.emit({ type: 'supervisor.alert', message: logic.choreSkippedAlert(chore), at: c.now });
    else if (chore) enqueue.spawnChild('runChore', { id: choreId(chore), input: { chore, now: Math.max(c.now, (event as { time: number }).time) } });
    enqueue.assign({ seq: c.seq + 1 });
  }),
  /** A chore's child reports by event and never completes: stopped once it has reported, or every run stays in memory. */
  endChore: supervisorBase.enqueueActions(({ event, enqueue }) => {
    if (event.type === 'chore.done' || event.type === 'chore.failed') enqueue.stopChild(choreId(event.chore));
  }),
  /** A failed self-audit holds the breaker at reducing until an operator resumes (the alert is raised by 'alert'). */
  holdOnFailedAudit: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    if (event.type === 'chore.done' && event.audit) enqueue.emit({ type: 'audit.finished', ...event.audit, at: c.now });
    if (event.type === 'chore.done' && auditFailed(event)) enqueue.sendTo(BREAKER_ACTOR_ID, { type: 'breaker.hold', reason: 'audit_failed', time: c.now });
  }),
  adoptFees: supervisorBase.assign({
    settings: ({ context: c, event }) => (event.type === 'chore.done' && event.fees ? logic.settingsWithFees(c, event.fees) : c.settings),
  }),
  announceOrchestratorSlot: supervisorBase.enqueueActions(({ event, enqueue }) => {
    if (event.type === 'schedule.orchestrator') enqueue.emit({ type: 'orchestrator.slot', due: event.due, at: event.time });
  }),
  /** The scheduler's slot or a run-now request goes to the cycle child; without one, run-now is an alert. */
  forwardToCycle: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    const e = cycleEventOf(event);
    if (!e) return;
    if (c.orchestrator) enqueue.sendTo(CYCLE_CHILD_ID, e);
    else if (e.type === 'orchestrator.runNow')
      enqueue.emit({ type: 'supervisor.alert', message: 'no nightly orchestrator runs in this daemon (orchestrator.enabled = false)', at: c.now });
  }),
  /** The cycle's reports are announced; a failed night is an alert, and trading goes on. */
  followCycle: supervisorBase.enqueueActions(({ context: c, event, enqueue }) => {
    const report = event as CycleEmitted;
    enqueue.emit(report);
    const alert = cycleAlertOf(report);
    if (alert) enqueue.emit({ type: 'supervisor.alert', ...alert, at: c.now });
  }),
};
