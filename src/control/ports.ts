/**
 * The small interfaces the command layer works against. The daemon provides the supervisor port
 * in-process (src/control/supervisor-port.ts) and the evolution port over the supervisor's events
 * (src/control/evolution-port.ts); without a daemon the evolution port works on the database under the
 * single-instance lock. A port never hands out a child actor's context: state is read from the
 * supervisor's own snapshot or the database, and changes happen by ONE event to the supervisor.
 */
import type { ModeChoice, ModeRequest, TradingMode } from '../db/mode-requests.repo.ts';
import type { SupervisorEmitted, SupervisorEvent } from '../../machines/supervisor-types.ts';
import type { FeedHealthReason, Pair } from '../contract/index.ts';
import type { ErrorInfo } from '../contract/errors.ts';
import type { PositionSlot } from '../trading/routing.ts';
import type { BreakerLevel } from '../trading/breaker.ts';
import type { NightReport } from '../orchestrator/use-cases.ts';
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
  /** Each connection line that has reported: up or not, with its closed feed.* health code (empty without connection children). */
  feedLines: Partial<Record<'public' | 'private', { up: boolean; health: FeedHealthReason }>>;
  error: ErrorInfo | null;
}

/** The events an operator may send to the supervisor (pause, resume, emergency stop, breaker, force exit). */
export type OperatorCommand = Extract<
  SupervisorEvent,
  {
    type:
      | 'supervisor.pause'
      | 'supervisor.resume'
      | 'supervisor.emergencyStop'
      | 'supervisor.breakerResume'
      | 'supervisor.breakerHalt'
      | 'supervisor.forceExit';
  }
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
  /** Stops the same way, then exits with EXIT.restart (75) so systemd or Docker starts it again (a /mode change). */
  requestRestart(by: string): void;
}

/** The trading mode: which config layer set the running one, and the operator's request for the next boot. */
export interface ModePort {
  /** The daemon's mode and the layer that set it ("default", a file, "env BRAIN_MODE", a recorded request, "flag --mode"); null without a daemon. */
  readonly running: { mode: TradingMode; source: string } | null;
  /** The newest recorded request (it applies at every boot until another one; 'config' clears it), or null. */
  requested(): ModeRequest | null;
  /** Records a request durably (mode_requests); it applies at the next boot. */
  record(mode: ModeChoice, by: string): ModeRequest;
  /** Why live mode would refuse to start on this host whatever the keys (the sandbox's isolation), or null. */
  liveRefusal(): string | null;
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

/** What an evolution request came to: a message, or a refusal that says why (untested: the same request with force would deploy). */
export type PipelineOutcome = { ok: true; message: string; versionId?: string } | { ok: false; reason: string; code?: 'untested' | 'not_found' | 'refused' };

/** The evolution pipeline's changes from the console (src/evolution use cases); each reaches a running supervisor as one event. */
export interface EvolutionPort {
  /** Deploys a version (id, label or ledger content hash); one that has not passed the pipeline only with `force`. */
  promote(ref: string, by: string, force: boolean): Promise<PipelineOutcome>;
  /** Rolls a slot (the strategy, or statistics:<name>) back to its previous good version. */
  rollback(slot: string, by: string): Promise<PipelineOutcome>;
  /** Starts the offline evolver now, inside the daemon; its winner goes to a paper test. */
  evolve(by: string): Promise<PipelineOutcome>;
  /** A paper test another process scheduled (brain evolve, brain strategy submit) starts in the running daemon. */
  startPaperTest(id: string): Promise<PipelineOutcome>;
  cancelPaperTest(id: string, by: string): Promise<PipelineOutcome>;
}

/**
 * What the console announces besides the supervisor's own events: a night's change report (built from
 * the night's record and the candidate ledger when the supervisor announces the night finished), and the
 * end of an evolver run an operator started with /evolve.
 */
export type ConsoleNotice =
  | { type: 'orchestrator.report'; report: NightReport; at: number }
  | { type: 'evolver.finished'; by: string; summary: string; at: number };
