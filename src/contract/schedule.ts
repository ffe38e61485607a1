/**
 * The scheduler's events as the supervisor receives them (src/scheduler builds the timetable that fires
 * them). Here because they cross from the scheduler's I/O into the pure machines.
 */
import type { Timeframe } from './pairs.ts';

/** Every event the scheduler emits; `due` is the slot's time (ms), `time` when it actually fired. */
export type ScheduleEvent =
  /** The candle that opened at `candleTime` has closed; scan every pair. */
  | { readonly type: 'schedule.scan'; readonly due: number; readonly time: number; readonly timeframe: Timeframe; readonly candleTime: number }
  /** The UTC day starting at `day` (midnight, ms) is over: write the daily snapshot. */
  | { readonly type: 'schedule.dailySnapshot'; readonly due: number; readonly time: number; readonly day: number }
  | { readonly type: 'schedule.feeRefresh'; readonly due: number; readonly time: number }
  /** Aggregate closed candles into higher tiers and prune by retention. */
  | { readonly type: 'schedule.candleMaintenance'; readonly due: number; readonly time: number }
  /** The nightly evolution slot; the orchestrator itself decides what to do with it. */
  | { readonly type: 'schedule.orchestrator'; readonly due: number; readonly time: number }
  /** The daily self-audit (src/audit). */
  | { readonly type: 'schedule.audit'; readonly due: number; readonly time: number }
  /** The daily online database backup (src/backup). */
  | { readonly type: 'schedule.backup'; readonly due: number; readonly time: number }
  /** The Telegram console's daily report (telegram.dailyReportCron); its own scheduler, not the supervisor's. */
  | { readonly type: 'schedule.dailyReport'; readonly due: number; readonly time: number }
  /** Webhook mode: the Telegram console asks getWebhookInfo whether Telegram still reaches us; its own scheduler too. */
  | { readonly type: 'schedule.webhookCheck'; readonly due: number; readonly time: number };
