/**
 * The small interfaces the command layer works against. The daemon provides the supervisor port
 * in-process (src/control/supervisor-port.ts); the evolution pipeline (src/evolution) and the nightly
 * orchestrator (src/orchestrator) implement theirs when they exist — until then the commands that need
 * them say plainly what is missing. A port never hands out a child actor's context: state is read from
 * the supervisor's own snapshot or the database, and changes happen by ONE event to the supervisor.
 */
import type { SupervisorEmitted, SupervisorEvent } from '../../machines/supervisor-types.ts';
import type { Pair } from '../contract/index.ts';
import type { PositionSlot } from '../daemon/routing.ts';
import type { BreakerLevel } from '../trading/breaker.ts';
import type { Ledger } from '../trading/portfolio.ts';

export type DaemonState = 'booting' | 'trading' | 'paused' | 'emergencyStop' | 'halted' | 'shuttingDown' | 'stopped' | 'failed';

/** The supervisor's own snapshot, digested: what every status command reads. */
export interface SupervisorView {
  state: DaemonState;
  /** Market time the supervisor has reached (ms). */
  now: number;
  ledger: Ledger;
  marks: Partial<Record<Pair, number>>;
  slots: readonly PositionSlot[];
  breaker: BreakerLevel;
  streak: number;
  venueHealthy: boolean;
  error: string | null;
}

/** The events an operator may send to the supervisor (pause, resume, emergency stop, breaker, force exit). */
export type OperatorCommand = Extract<
  SupervisorEvent,
  { type: 'supervisor.pause' | 'supervisor.resume' | 'supervisor.emergencyStop' | 'supervisor.breakerResume' | 'supervisor.breakerHalt' | 'supervisor.forceExit' }
>;

export interface SupervisorPort {
  view(): SupervisorView;
  send(command: OperatorCommand): void;
  /**
   * Resolves with the first announced event `pick` maps to a value, or null after `timeoutMs`. Call it
   * before `send`, so an outcome announced while the event is processed is not missed.
   */
  awaitEvent<T>(pick: (e: SupervisorEmitted) => T | undefined, timeoutMs: number): Promise<T | null>;
  /** Resolves with the view once `done` holds (at once if it holds now), or null after `timeoutMs`. */
  awaitView(done: (v: SupervisorView) => boolean, timeoutMs: number): Promise<SupervisorView | null>;
}

/** Leaves the process the way a SIGTERM does (positions and the breaker persist); the daemon's entry owns it. */
export interface Lifecycle {
  requestStop(by: string): void;
}

/** The last lines the daemon logged (already scrubbed of secrets), newest last. */
export interface LogTail {
  lines(n: number): string[];
}

/** What a change to the breaker came to, whether the daemon ran it or the database was changed directly. */
export type BreakerOutcome =
  | { kind: 'resumed'; from: BreakerLevel; at: number }
  | { kind: 'halted'; at: number }
  /** A hard limit still holds after the streak is reset (daily loss or drawdown): the halt stays. */
  | { kind: 'refused'; reason: string; at: number }
  | { kind: 'unchanged'; level: BreakerLevel }
  | { kind: 'noAnswer'; waitedMs: number };

/** The breaker changed without a running daemon: the persisted row, under the single-instance lock. */
export interface OfflineBreaker {
  apply(action: 'resume' | 'halt', by: string): Promise<BreakerOutcome>;
}

export type PipelineOutcome = { ok: true; message: string; versionId?: string } | { ok: false; reason: string };

/** What the evolution pipeline (src/evolution) offers the console; each call is one event to the supervisor. */
export interface EvolutionPort {
  /** Promotes a candidate that passed its gates; refuses (with the failing gate) otherwise. */
  promote(versionId: string, by: string): Promise<PipelineOutcome>;
  /** Rolls the strategy back to its previous good version (or to `versionId`). */
  rollback(versionId: string | null, by: string): Promise<PipelineOutcome>;
  /** Starts an offline evolver run now. */
  evolve(by: string): Promise<PipelineOutcome>;
}

export interface MetricComparison {
  name: string;
  candidate: string;
  incumbent: string;
}

/** The nightly cycle's change report (what /night shows and the nightly notification carries). */
export interface NightReport {
  cycleId: string;
  finishedAt: number;
  decision: string;
  hypothesis: string;
  diffSummary: string;
  metrics: MetricComparison[];
  gates: Array<{ name: string; passed: boolean; detail: string }>;
  costUsd: number;
}

/** What the nightly orchestrator (src/orchestrator) offers the console. */
export interface OrchestratorPort {
  /** The newest finished cycle's report, or null before the first. */
  lastReport(): Promise<NightReport | null>;
}

/**
 * Events the evolution pipeline and the orchestrator announce for the notifications (they join the
 * supervisor's announced events; the console renders them when they appear).
 */
export type PipelineNotice =
  | { type: 'strategy.rolledBack'; fromVersion: string; toVersion: string; trigger: string; at: number }
  | { type: 'paperTest.finished'; testId: string; versionId: string; verdict: 'passed' | 'failed' | 'cancelled'; summary: string; at: number }
  | { type: 'orchestrator.report'; report: NightReport; at: number }
  | { type: 'selfAudit.finished'; ok: boolean; findings: string[]; at: number };
