/** The supervisor's data: boot hand-over, input, events in and out, context (the machine is supervisor.machine.ts). */
import type { Candle, Fill, Intent, Pair, RiskLimits, Timeframe } from '../src/contract/index.ts';
import type { RouteSettings, PositionSlot } from '../src/daemon/routing.ts';
import type { BreakerLevel } from '../src/trading/breaker.ts';
import type { DayRecord, Ledger } from '../src/trading/portfolio.ts';
import type { VenueOrder } from '../src/trading/venue.ts';
import type { BreakerEmitted, BreakerRecord } from './breaker.machine.ts';
import type { PositionEmitted, PositionRecord, PositionTimeouts } from './position.machine.ts';
import type { ScannerEmitted } from './scanner.machine.ts';
import type { ScheduleEvent } from '../src/scheduler/jobs.ts';
import type { RollbackTrigger } from '../src/evolution/triggers.ts';
import type { PaperTestEmitted, PaperTestRecord } from './paper-test.machine.ts';
import type { EvolutionContext, EvolutionEvent, EvolutionSettings } from './supervisor-evolution.ts';

/** Housekeeping the scheduler's slots start; the daemon does the I/O. */
export type Chore = 'feeRefresh' | 'candleMaintenance' | 'drift' | 'evolve';

/** What a chore reports back: refreshed fees replace the routing fees at once. */
export type ChoreEvent =
  | { type: 'chore.done'; chore: Chore; fees?: RouteSettings['fees'] }
  | { type: 'chore.failed'; chore: Chore; message: string };

/** The active strategy pointer moved (deploy/rollback) and the live host now runs it: scanners switch at their next candle. */
export type StrategyEvent =
  /** kind: set when the supervisor's own switch (a deploy or a rollback) made it; absent for a pointer moved elsewhere. */
  | { type: 'strategy.activated'; versionId: string; kind?: 'deploy' | 'rollback' }
  | { type: 'strategy.swapFailed'; versionId: string; message: string };

/** What reconciliation at boot hands over: the venue's rules and fees, the rebuilt ledger, the durable children. */
export interface BootState {
  now: number;
  settings: Omit<RouteSettings, 'limits'>;
  ledger: Ledger;
  /** Trade ids of the fills the ledger was rebuilt from: heard or found again after a restart, they are not booked twice. */
  bookedTradeIds: string[];
  positions: PositionRecord[];
  breaker: BreakerRecord | null;
  /** The active strategy version the scanners start with. */
  strategyVersion: string;
  /** Paper tests to resume, and versions whose passed paper test was not yet deployed (a restart mid-deploy). */
  paperTests?: PaperTestRecord[];
  pendingDeploys?: Array<{ versionId: string; paperTestId: string }>;
}

export interface SupervisorInput {
  pairs: Pair[];
  limits: RiskLimits;
  timeframe: Timeframe;
  positionTimeouts?: Partial<PositionTimeouts>;
  /** Paper tests, deploy and rollback (default: DEFAULT_EVOLUTION_SETTINGS). */
  evolution?: EvolutionSettings;
}

/** Commands the journal (fills: their only writer; portfolio and daily rows) receives; signals are written by their scanner with the verdict. */
export type JournalCommand =
  | { type: 'journal.fill'; fill: Fill }
  | { type: 'journal.candle'; pair: Pair; timeframe: Timeframe; candle: Candle }
  | { type: 'journal.daily'; day: DayRecord; ledger: { realizedPnl: number; feesPaid: number; peakEquity: number } }
  | { type: 'journal.portfolio'; time: number; cash: number; equity: number; peakEquity: number; realizedPnl: number; unrealizedPnl: number; feesPaid: number };

export type SupervisorEvent =
  | ScannerEmitted
  | { type: 'market.price'; pair: Pair; price: number; time: number }
  | { type: 'market.candle'; pair: Pair; candle: Candle }
  | { type: 'venue.fill'; fill: Fill; order: VenueOrder }
  | { type: 'venue.health'; healthy: boolean; reason: string }
  | { type: 'supervisor.pause'; by: string }
  | { type: 'supervisor.resume'; by: string }
  | { type: 'supervisor.emergencyStop'; by: string }
  | { type: 'shutdown.requested'; signal: string }
  | ScheduleEvent
  | ChoreEvent
  | StrategyEvent
  | PositionEmitted
  | BreakerEmitted
  | EvolutionEvent;

export type SupervisorEmitted =
  | { type: 'intent.accepted'; intent: Intent; positionId: string; quantity: number; at: number }
  | { type: 'intent.rejected'; intent: Intent; reason: string; at: number }
  | { type: 'order.filled'; fill: Fill }
  | { type: 'portfolio.daily'; day: DayRecord }
  | { type: 'supervisor.alert'; message: string; at: number }
  /** The nightly orchestrator slot (the orchestrator itself is not part of the daemon yet). */
  | { type: 'orchestrator.slot'; due: number; at: number }
  | { type: 'strategy.activated'; versionId: string; at: number }
  | { type: 'strategy.rollingBack'; by: string; trigger: RollbackTrigger | null; at: number }
  | PaperTestEmitted
  | BreakerEmitted
  | PositionEmitted;

export interface SupervisorContext {
  pairs: Pair[];
  limits: RiskLimits;
  timeframe: Timeframe;
  positionTimeouts: Partial<PositionTimeouts>;
  settings: Omit<RouteSettings, 'limits'> | null;
  now: number;
  ledger: Ledger;
  marks: Partial<Record<Pair, number>>;
  breaker: BreakerLevel;
  /** The breaker's losing streak: mirrored on each closed trade, corrected by every breaker report (a resume resets it). */
  streak: number;
  venueHealthy: boolean;
  slots: PositionSlot[];
  seq: number;
  seenTrades: Record<string, true>;
  boot: BootState | null;
  error: string | null;
  evolution: EvolutionContext;
}
