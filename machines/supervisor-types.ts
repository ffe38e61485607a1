/** The supervisor's data: boot hand-over, input, events in and out, context (the machine is supervisor.machine.ts). */
import type { Candle, FeedHealthReason, Fill, Intent, OrderStatus, Pair, RiskLimits, Timeframe } from '../src/contract/index.ts';
import type { BalanceMismatch } from '../src/trading/balances.ts';
import type { PortfolioRow, RouteSettings, PositionSlot } from '../src/trading/routing.ts';
import type { BreakerLevel } from '../src/trading/breaker.ts';
import type { DayRecord, Ledger } from '../src/trading/portfolio.ts';
import type { VenueOrder } from '../src/trading/venue.ts';
import type { BreakerEmitted, BreakerRecord } from './breaker.machine.ts';
import type { PositionEmitted, PositionRecord, PositionTimeouts } from './position.machine.ts';
import type { ScannerEmitted } from './scanner.machine.ts';
import type { ScheduleEvent } from '../src/contract/schedule.ts';
import type { RollbackTrigger } from '../src/contract/risk.ts';
import type { PaperTestEmitted, PaperTestRecord } from './paper-test.machine.ts';
import type { EvolutionContext, EvolutionEvent, EvolutionSettings } from './supervisor-evolution.ts';
import type { CycleEmitted } from './orchestrator-cycle.machine.ts';
import type { OrchestratorRunNow, OrchestratorSettings } from './supervisor-orchestrator.ts';
import type { FeedReport, FeedSettings, FeedState } from './supervisor-feed.ts';
import type { FeedLineChange } from './supervisor-feed-line.ts';
import type { ErrorInfo } from '../src/contract/errors.ts';

/** Housekeeping the scheduler's slots start; the daemon does the I/O. */
export type Chore = 'feeRefresh' | 'candleMaintenance' | 'audit' | 'backup' | 'drift';

/** What the daily self-audit reports to the supervisor: a failure holds the breaker at reducing and alerts. */
export interface AuditOutcome {
  reportId: number;
  passed: boolean;
  /** Names of the failed checks. */
  failed: string[];
}

/** What a chore reports back: refreshed fees replace the routing fees at once. */
export type ChoreEvent =
  | { type: 'chore.done'; chore: Chore; fees?: RouteSettings['fees']; audit?: AuditOutcome }
  | { type: 'chore.failed'; chore: Chore; error: ErrorInfo };

/** Who switched the strategy, from what and why: announced with the switch (the deploy and rollback notifications). */
export interface StrategySwitch {
  kind: 'deploy' | 'rollback';
  /** The version that ran before. */
  from: string | null;
  by: string;
  reason: string;
  /** The rollback watch's trigger with its numbers; null for a deploy or a rollback by hand. */
  trigger: RollbackTrigger | null;
}

/** The supervisor's switch (a deploy or a rollback) is done and the live host runs the version: scanners switch at their next candle. */
export type StrategyEvent =
  | ({ type: 'strategy.activated'; versionId: string } & Partial<StrategySwitch>)
  | { type: 'strategy.swapFailed'; versionId: string; error: ErrorInfo };

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
  /** This boot's prefix of position ids, unused in the database (src/daemon/ids.ts): ids never come from the clock. */
  idPrefix: string;
  /** Paper tests to resume, and versions whose passed paper test was not yet deployed (a restart mid-deploy). */
  paperTests?: PaperTestRecord[];
  /** Paper tests another process scheduled while the daemon was stopped (a row without a machine yet). */
  scheduledPaperTests?: Array<Extract<EvolutionEvent, { type: 'paperTest.scheduled' }>>;
  pendingDeploys?: Array<{ versionId: string; paperTestId: string }>;
  /** Open time of the newest stored candle per pair at the trading timeframe: the first live candle must follow it, or the hole is back-filled. */
  candleTimes?: Partial<Record<Pair, number>>;
}

export interface SupervisorInput {
  pairs: Pair[];
  limits: RiskLimits;
  timeframe: Timeframe;
  positionTimeouts?: Partial<PositionTimeouts>;
  /** The nightly cycle child's settings; absent = no orchestrator in this daemon (replays, tests). */
  orchestrator?: OrchestratorSettings;
  /** Paper tests, deploy and rollback (default: DEFAULT_EVOLUTION_SETTINGS). */
  evolution?: EvolutionSettings;
  /** The market (and, live, account) lines as children; absent = no connection children (tests feed events by hand). */
  feed?: FeedSettings;
}

/** Commands the journal (fills: their only writer; portfolio and daily rows) receives; signals are written by their scanner with the verdict. */
export type JournalCommand =
  | { type: 'journal.fill'; fill: Fill }
  /** A candle heard closed on the live line, written to the candle store as it arrives (paper-test shadows, their judge and the drift replay read them). */
  | { type: 'journal.candle'; pair: Pair; timeframe: Timeframe; candle: Candle }
  | { type: 'journal.daily'; day: DayRecord; ledger: { realizedPnl: number; feesPaid: number; peakEquity: number } }
  | ({ type: 'journal.portfolio' } & PortfolioRow);

/** What the supervisor asks of the venue watch. */
export type VenueWatchCommand =
  | { type: 'venue.checkBalances' }
  /** The private line is (back) up: recover by cl_ord_id what it may have missed, then compare balances. */
  | { type: 'venue.sweep' }
  /** Paper: a live price, which fills the paper orders waiting for it. */
  | { type: 'venue.price'; pair: Pair; price: number };

export type SupervisorEvent =
  | ScannerEmitted
  | { type: 'market.price'; pair: Pair; price: number; time: number }
  | { type: 'market.candle'; pair: Pair; candle: Candle }
  | { type: 'venue.fill'; fill: Fill; order: VenueOrder }
  /** An order's state from the executions feed without a fill (filled, canceled, expired): for its position. */
  | { type: 'venue.orderUpdate'; clOrdId: string; status: OrderStatus; venueOrderId: string | null; filledQuantity: number; time: number }
  /** The venue's spot balances (total per WS v2 asset code), read while no order was live: reconciled with the ledger. */
  | { type: 'venue.balances'; balances: Record<string, number>; at: number }
  | { type: 'supervisor.pause'; by: string }
  | { type: 'supervisor.resume'; by: string }
  | { type: 'supervisor.emergencyStop'; by: string }
  /** The operator lifts a halted breaker, or halts it (forwarded to the breaker child). */
  | { type: 'supervisor.breakerResume'; by: string }
  | { type: 'supervisor.breakerHalt'; by: string }
  /** The operator closes the working positions of one pair (null: every pair) at market, exit reason manual. */
  | { type: 'supervisor.forceExit'; pair: Pair | null; by: string }
  | { type: 'shutdown.requested'; signal: string }
  | ScheduleEvent
  | ChoreEvent
  | StrategyEvent
  | PositionEmitted
  | BreakerEmitted
  | OrchestratorRunNow
  | CycleEmitted
  | EvolutionEvent
  | FeedReport;

export type SupervisorEmitted =
  | { type: 'intent.accepted'; intent: Intent; positionId: string; quantity: number; at: number }
  | { type: 'intent.rejected'; intent: Intent; reason: string; at: number }
  | { type: 'order.filled'; fill: Fill }
  | { type: 'portfolio.daily'; day: DayRecord }
  /** `error`: the failure behind the alert, code and retry verdict as thrown, when there is one. */
  | { type: 'supervisor.alert'; message: string; error?: ErrorInfo; at: number }
  /** The nightly orchestrator slot (also forwarded to the cycle child when the daemon runs one). */
  | { type: 'orchestrator.slot'; due: number; at: number }
  | ({ type: 'strategy.activated'; versionId: string; at: number } & Partial<StrategySwitch>)
  /** A self-audit finished (the daily chore): a failure also raises an alert and holds the breaker. */
  | { type: 'audit.finished'; reportId: number; passed: boolean; failed: string[]; at: number }
  /** Venue balances compared with the ledger: empty mismatches = they agree. */
  | { type: 'balances.reconciled'; mismatches: BalanceMismatch[]; at: number }
  /** The market line's health flipped whether entries are accepted (once per real transition): the console notifies the feed going down and coming back. */
  | { type: 'venue.healthChanged'; healthy: boolean; reason: FeedHealthReason; at: number }
  | { type: 'strategy.rollingBack'; by: string; trigger: RollbackTrigger | null; at: number }
  | PaperTestEmitted
  /** A connection child went up or down, or gave up while down (its health, supervisor-feed-line.ts). */
  | (FeedLineChange & { at: number })
  | BreakerEmitted
  | PositionEmitted
  | CycleEmitted;

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
  /** Positions (and chores) started since boot: with idPrefix, the next position id. */
  seq: number;
  idPrefix: string;
  seenTrades: Record<string, true>;
  boot: BootState | null;
  /** Why boot or shutdown failed, code and retry verdict as thrown (the CLI's failure line, /readyz, /health). */
  error: ErrorInfo | null;
  /** Set when the daemon runs the nightly cycle child. */
  orchestrator: OrchestratorSettings | null;
  evolution: EvolutionContext;
  /** The connection children's state and the candle gate (supervisor-feed.ts); null without connection children. */
  feed: FeedState | null;
}
