/**
 * The nightly cycle machine's data (the machine is orchestrator-cycle.machine.ts): what its actors
 * return, the persisted context, events in and out. Pure types and the pure helpers its guards use.
 */
import type { DurableRecord, Resume } from './shared.ts';
import { BrainError, toErrorInfo, type ErrorInfo } from '../src/contract/errors.ts';

export type CycleTrigger = 'slot' | 'now';
export type NightOutcome = 'no_change' | 'submitted' | 'refused' | 'failed' | 'offline';
/** The steps a night can be interrupted in and resumed at. */
export type CycleStep = 'gathering' | 'analysing' | 'generating' | 'reviewing' | 'submitting';
export type CycleStateValue = 'resuming' | 'routing' | 'idle' | 'starting' | 'offline' | CycleStep | 'repairing' | 'waiting' | 'finishing' | 'done' | 'failed';

/** What `begin` decided: the cycle's id and row, and whether the model or the offline evolver runs it. */
export interface Began {
  cycleId: string;
  mode: 'model' | 'offline';
  startedAt: number;
  windowEndsAt: number;
  /** Also run the offline evolver in the slot (config orchestrator.cycle.offlineAlongside). */
  offlineAlongside: boolean;
}

/**
 * What a step reports. ok: the step is done, go on; noChange: the analysis decided nothing changes;
 * submitted: the pipeline took the candidate; repair: the candidate goes back to the generator with
 * the reason (if repairs are left); refused: the attempt ends, with the reason stored.
 */
export type StepOutcome =
  | { kind: 'ok'; at: number }
  | { kind: 'noChange'; at: number }
  | { kind: 'submitted'; at: number; summary: string }
  | { kind: 'repair'; at: number; reason: string }
  | { kind: 'refused'; at: number; reason: string };

/**
 * A step that threw (an API outage, a database error), keeping the thrown error's code and retry verdict:
 * retryable ones wait inside the night's window.
 */
export class StepFailure extends BrainError {
  override readonly name = 'StepFailure';
  constructor(
    readonly failure: ErrorInfo,
    readonly retryAfterMs: number | null,
    readonly at: number,
    options?: { cause?: unknown },
  ) {
    super(failure.message, { domain: 'orchestrator', code: 'step_failed', retryable: failure.retryable, cause: options?.cause });
  }

  /** The step's own failure travels, not the wrapper: `llm.overloaded`, not `orchestrator.step_failed`. */
  override toInfo(): ErrorInfo {
    return this.failure;
  }
}

/** The failure carried by an error event, whatever was thrown. */
export function failureOf(error: unknown): { error: ErrorInfo; retryAfterMs: number | null; at: number | null } {
  if (error instanceof StepFailure) return { error: error.failure, retryAfterMs: error.retryAfterMs, at: error.at };
  return { error: toErrorInfo(error), retryAfterMs: null, at: null };
}

export interface CycleContext {
  cycleId: string | null;
  trigger: CycleTrigger | null;
  mode: 'model' | 'offline' | null;
  startedAt: number | null;
  /** After this time a retry is no longer scheduled: the night fails closed. */
  windowEndsAt: number | null;
  /** The newest time heard (events and actor outputs carry it; the machine reads no clock). */
  now: number;
  /** Generation attempt: 1, then one more per repair. */
  attempt: number;
  maxAttempts: number;
  retryDelayMs: number;
  /** Why the previous attempt was refused, for the repair prompt (bounded). */
  feedback: string | null;
  retryAt: number | null;
  retryStep: CycleStep | null;
  retries: number;
  outcome: NightOutcome | null;
  reason: string | null;
  /** The failure behind a failed night or a pending retry, code and retry verdict intact. */
  error: ErrorInfo | null;
  offlineAlongside: boolean;
  /** Set from the restored record until `resuming` has routed it. */
  resumeTo: CycleStateValue | null;
}

export type CycleRecord = DurableRecord<CycleStateValue, CycleContext>;

export interface CycleInput {
  /** Time of creation, ms. */
  now: number;
  maxRepairs: number;
  retryDelaySeconds: number;
}

export type CycleEvent =
  | { type: 'orchestrator.slot'; due: number; at: number }
  | { type: 'orchestrator.runNow'; by: string; at: number }
  | { type: 'store.failed'; error: ErrorInfo };

export type CycleEmitted =
  | { type: 'orchestrator.cycleStarted'; cycleId: string; mode: 'model' | 'offline'; trigger: CycleTrigger; at: number }
  | { type: 'orchestrator.cycleFinished'; cycleId: string; outcome: NightOutcome; reason: string | null; error: ErrorInfo | null; at: number }
  | { type: 'orchestrator.busy'; cycleId: string | null; at: number }
  | { type: 'orchestrator.persistFailed'; error: ErrorInfo; at: number };

export type CycleResume = Resume<CycleStateValue, CycleContext>;

/** Reasons kept in context and fed back are bounded (the repair prompt's feedback, evolution.md §1.5.3). */
export const FEEDBACK_CHARS = 2_000;
export function bounded(text: string): string {
  return text.length > FEEDBACK_CHARS ? `${text.slice(0, FEEDBACK_CHARS)}…` : text;
}
