/**
 * The nightly cycle's vocabulary: the stub actors its I/O arrives through (persist, restore, the five
 * steps, the offline evolver, finish), its guards (outcome of a step, repairs left, room in the night's
 * window for a retry) and its context updates (a night started, a repair taken, a retry scheduled, a
 * failure closed with its ErrorInfo, the announcements). The chart that uses them is
 * orchestrator-cycle.machine.ts.
 */
import { assign, enqueueActions, fromCallback, fromPromise, setup, type EventObject } from 'xstate';
import {
  bounded,
  failureOf,
  type Began,
  type CycleContext,
  type CycleEmitted,
  type CycleEvent,
  type CycleInput,
  type CycleRecord,
  type CycleStep,
  type CycleTrigger,
  type NightOutcome,
  type StepOutcome,
} from './orchestrator-cycle-types.ts';
import { announceTo, notProvided, untilDeadline, type StoreInput } from './shared.ts';
import { describeError, readErrorInfo, toErrorInfo } from '../src/contract/errors.ts';

export type StepInput = { cycleId: string; attempt: number; feedback: string | null };
const outputOf = (e: unknown) => (e as { output: StepOutcome }).output;

/** What a night starts from: nothing begun, no repair, no retry, no outcome (the first context and every new night). */
export const FRESH_NIGHT = {
  cycleId: null,
  mode: null,
  startedAt: null,
  windowEndsAt: null,
  attempt: 1,
  feedback: null,
  retryAt: null,
  retryStep: null,
  retries: 0,
  outcome: null,
  reason: null,
  error: null,
  offlineAlongside: false,
} as const satisfies Partial<CycleContext>;

export const cycleSetup = setup({
  types: { context: {} as CycleContext, events: {} as CycleEvent, input: {} as CycleInput, emitted: {} as CycleEmitted },
  actors: {
    /** Saves value and context whenever they change (machine_snapshots), except while resuming. */
    persistState: fromCallback<EventObject, StoreInput>(notProvided('orchestrator-cycle.persistState')),
    /** The persisted record of this machine, or null on a first start. */
    restore: fromPromise<CycleRecord | null, void>(notProvided('orchestrator-cycle.restore')),
    begin: fromPromise<Began, { trigger: CycleTrigger; at: number }>(notProvided('orchestrator-cycle.begin')),
    gather: fromPromise<StepOutcome, StepInput>(notProvided('orchestrator-cycle.gather')),
    analyse: fromPromise<StepOutcome, StepInput>(notProvided('orchestrator-cycle.analyse')),
    generate: fromPromise<StepOutcome, StepInput>(notProvided('orchestrator-cycle.generate')),
    review: fromPromise<StepOutcome, StepInput>(notProvided('orchestrator-cycle.review')),
    submit: fromPromise<StepOutcome, StepInput>(notProvided('orchestrator-cycle.submit')),
    /** The offline evolver's night (no model key, or alongside the model with offlineAlongside). */
    runOffline: fromPromise<StepOutcome, { cycleId: string; trigger: CycleTrigger }>(notProvided('orchestrator-cycle.runOffline')),
    /** The offline evolver beside the model (offlineAlongside): records its own result and never throws. */
    runOfflineAlongside: fromPromise<void, { cycleId: string; trigger: CycleTrigger }>(notProvided('orchestrator-cycle.runOfflineAlongside')),
    /** Records how the night ended (outcome and reason, inv. 5). */
    finish: fromPromise<void, { cycleId: string; outcome: NightOutcome; reason: string | null }>(notProvided('orchestrator-cycle.finish')),
  },
  delays: {
    untilRetry: ({ context }) => untilDeadline(context.retryAt, context.now),
  },
  guards: {
    resumingTo: ({ context }, p: { state: string }) => context.resumeTo === p.state,
    isOffline: ({ event }) => (event as unknown as { output: Began }).output.mode === 'offline',
    outcomeIs: ({ event }, p: { kind: StepOutcome['kind'] }) => outputOf(event).kind === p.kind,
    /** `attempt` already counts the repair about to be made. */
    repairsLeft: ({ context }) => context.attempt <= context.maxAttempts,
    canRetryLater: ({ context, event }) => {
      const f = failureOf((event as { error?: unknown }).error);
      const at = Math.max(context.now, f.at ?? context.now);
      return f.error.retryable && context.windowEndsAt !== null && at + Math.max(context.retryDelayMs, f.retryAfterMs ?? 0) < context.windowEndsAt;
    },
    retryStepIs: ({ context }, p: { step: CycleStep }) => context.retryStep === p.step,
    nightFailed: ({ context }) => context.outcome === 'failed',
  },
  actions: {
    /** The restored context, its clock moved on to the restart (deadlines re-arm from `retryAt − now`). */
    adoptRecord: assign(({ context, event }) => {
      const r = (event as unknown as { output: CycleRecord | null }).output;
      // Rows written before failures had a shape carry no `error`; a stored one is read back whatever its form.
      return r
        ? { ...r.context, error: r.context.error ? readErrorInfo(r.context.error) : null, now: Math.max(r.context.now, context.now), resumeTo: r.value }
        : {};
    }),
    clearResumeTo: assign({ resumeTo: null }),
    startNight: assign(({ event }) => {
      const e = event as Extract<CycleEvent, { type: 'orchestrator.slot' | 'orchestrator.runNow' }>;
      return {
        ...FRESH_NIGHT,
        trigger: (e.type === 'orchestrator.slot' ? 'slot' : 'now') as CycleTrigger,
        now: e.at,
      };
    }),
    adoptBegan: enqueueActions(({ context, event, enqueue, self }) => {
      const b = (event as unknown as { output: Began }).output;
      enqueue.assign({
        cycleId: b.cycleId,
        mode: b.mode,
        startedAt: b.startedAt,
        windowEndsAt: b.windowEndsAt,
        offlineAlongside: b.offlineAlongside,
        now: Math.max(context.now, b.startedAt),
      });
      announceTo<CycleEmitted>(self, enqueue, {
        type: 'orchestrator.cycleStarted',
        cycleId: b.cycleId,
        mode: b.mode,
        trigger: context.trigger ?? 'now',
        at: b.startedAt,
      });
      if (b.mode === 'model' && b.offlineAlongside)
        enqueue.spawnChild('runOfflineAlongside', { id: 'offlineAlongside', input: { cycleId: b.cycleId, trigger: context.trigger ?? 'now' } });
    }),
    tick: assign({ now: ({ context, event }) => Math.max(context.now, outputOf(event).at) }),
    /** The candidate goes back to the generator with the reason (attempt + 1). */
    takeRepair: assign(({ context, event }) => {
      const o = outputOf(event) as Extract<StepOutcome, { kind: 'repair' }>;
      return { attempt: context.attempt + 1, feedback: bounded(o.reason), now: Math.max(context.now, o.at) };
    }),
    endWith: assign(({ context, event }, p: { outcome: NightOutcome }) => {
      const o = outputOf(event) as { at: number; reason?: string; summary?: string };
      const why = o.reason ?? o.summary ?? null;
      return { outcome: p.outcome, reason: why === null ? null : bounded(why), now: Math.max(context.now, o.at) };
    }),
    endExhausted: assign({
      outcome: 'refused' as const,
      reason: ({ context }) => bounded(`${context.feedback ?? ''} (no repairs left after ${context.attempt - 1} attempts: orchestrator.cycle.maxRepairs)`),
    }),
    failClosed: assign(({ context, event }) => {
      const f = failureOf((event as { error?: unknown }).error);
      const late = f.error.retryable ? " (retryable, but the night's window has no room for another try: orchestrator.cycle.windowMinutes)" : '';
      return {
        outcome: 'failed' as const,
        reason: bounded(`${describeError(f.error)}${late}`),
        error: f.error,
        now: Math.max(context.now, f.at ?? context.now),
      };
    }),
    scheduleRetry: assign(({ context, event }, p: { step: CycleStep }) => {
      const f = failureOf((event as { error?: unknown }).error);
      const now = Math.max(context.now, f.at ?? context.now);
      return {
        now,
        retryAt: now + Math.max(context.retryDelayMs, f.retryAfterMs ?? 0),
        retryStep: p.step,
        retries: context.retries + 1,
        reason: bounded(describeError(f.error)),
        error: f.error,
      };
    }),
    loseRetry: assign({ outcome: 'failed' as const, reason: 'a retry was due but the step to retry was not recorded' }),
    reachRetry: assign({ now: ({ context }) => Math.max(context.now, context.retryAt ?? context.now), retryAt: null }),
    announceFinished: enqueueActions(({ context, enqueue, self }) => {
      announceTo<CycleEmitted>(self, enqueue, {
        type: 'orchestrator.cycleFinished',
        cycleId: context.cycleId ?? 'none',
        outcome: context.outcome ?? 'failed',
        reason: context.reason,
        error: context.outcome === 'failed' ? (context.error ?? null) : null,
        at: context.now,
      });
    }),
    announceBusy: enqueueActions(({ context, enqueue, self }) => {
      announceTo<CycleEmitted>(self, enqueue, { type: 'orchestrator.busy', cycleId: context.cycleId, at: context.now });
    }),
    reportPersistFailure: enqueueActions(({ context, event, enqueue, self }) => {
      announceTo<CycleEmitted>(self, enqueue, {
        type: 'orchestrator.persistFailed',
        error: toErrorInfo((event as { error?: unknown }).error),
        at: context.now,
      });
    }),
  },
});
