/**
 * What the daemon does on a timetable, as cron patterns evaluated in UTC: scans a few seconds after
 * each candle close, the daily snapshot at 00:00 UTC, the daily fee refresh, candle aggregation and
 * pruning, and the nightly orchestrator slot. Pure: builds the plan from config, runs nothing.
 */
import { Cron } from 'croner';
import { DAY_MS, utcDayStart } from '../clock/time.ts';
import { TIMEFRAME_MINUTES, timeframeMs, type Timeframe } from '../contract/pairs.ts';
import type { ScheduleEvent } from '../contract/schedule.ts';
import { BrainError } from '../contract/errors.ts';

export type { ScheduleEvent } from '../contract/schedule.ts';

export type ScheduleEventType = ScheduleEvent['type'];

export interface ScheduleJob {
  readonly name: ScheduleEventType;
  /** Cron pattern (5 or 6 fields), evaluated in UTC. */
  readonly pattern: string;
  /** The event for a slot due at `due` that fired at `time`. */
  readonly event: (due: number, time: number) => ScheduleEvent;
}

export interface SchedulePlanOptions {
  timeframe: Timeframe;
  /** Seconds after a candle boundary before scanning, so the venue has published the closed candle (0..59). */
  scanDelaySeconds?: number;
  /** Orchestrator cron (UTC); null or omitted = no orchestrator slot. */
  orchestratorPattern?: string | null;
  dailySnapshotPattern?: string;
  feeRefreshPattern?: string;
  candleMaintenancePattern?: string;
  /** Self-audit cron (UTC); null or omitted = none. */
  auditPattern?: string | null;
  /** Backup cron (UTC); null or omitted = none. */
  backupPattern?: string | null;
}

export class ScheduleError extends BrainError<'invalid_schedule'> {
  override readonly name = 'ScheduleError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, { domain: 'scheduler', code: 'invalid_schedule', retryable: false, cause: options?.cause });
  }
}

/** Fee refresh and candle maintenance sit after midnight so they see the finished day. */
export const DEFAULT_PATTERNS = {
  dailySnapshot: '0 0 0 * * *',
  feeRefresh: '0 10 0 * * *',
  candleMaintenance: '0 30 0 * * *',
} as const;

/** A 6-field pattern firing `delaySeconds` after every close of `timeframe` (UTC-aligned, like Kraken's candles). */
export function scanPattern(timeframe: Timeframe, delaySeconds: number): string {
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 59) {
    throw new ScheduleError(`scan delay must be a whole number of seconds in 0..59, got ${delaySeconds}; a later scan would overlap the next minute's slot`);
  }
  const minutes = TIMEFRAME_MINUTES[timeframe];
  const s = String(delaySeconds);
  if (minutes < 60) return `${s} ${minutes === 1 ? '*' : `*/${minutes}`} * * * *`;
  if (minutes < 1440) return `${s} 0 ${minutes === 60 ? '*' : `*/${minutes / 60}`} * * *`;
  return `${s} 0 0 * * *`;
}

export function buildSchedule(opts: SchedulePlanOptions): ScheduleJob[] {
  const delayMs = (opts.scanDelaySeconds ?? 5) * 1000;
  const tfMs = timeframeMs(opts.timeframe);
  const jobs: ScheduleJob[] = [
    {
      name: 'schedule.scan',
      pattern: scanPattern(opts.timeframe, opts.scanDelaySeconds ?? 5),
      event: (due, time) => ({ type: 'schedule.scan', due, time, timeframe: opts.timeframe, candleTime: due - delayMs - tfMs }),
    },
    {
      name: 'schedule.dailySnapshot',
      pattern: opts.dailySnapshotPattern ?? DEFAULT_PATTERNS.dailySnapshot,
      event: (due, time) => ({ type: 'schedule.dailySnapshot', due, time, day: dayEndedBy(due) }),
    },
    slotJob('schedule.feeRefresh', opts.feeRefreshPattern ?? DEFAULT_PATTERNS.feeRefresh),
    slotJob('schedule.candleMaintenance', opts.candleMaintenancePattern ?? DEFAULT_PATTERNS.candleMaintenance),
  ];
  if (opts.orchestratorPattern) jobs.push(slotJob('schedule.orchestrator', opts.orchestratorPattern));
  if (opts.auditPattern) jobs.push(slotJob('schedule.audit', opts.auditPattern));
  if (opts.backupPattern) jobs.push(slotJob('schedule.backup', opts.backupPattern));
  for (const job of jobs) validatePattern(job);
  return jobs;
}

/** The plan the daemon runs, from its config (`market.timeframe`, `orchestrator.enabled/schedule`). */
export function scheduleFromConfig(
  config: {
    readonly market: { readonly timeframe: Timeframe };
    readonly orchestrator: { readonly enabled: boolean; readonly schedule: string };
    readonly audit?: { readonly enabled: boolean; readonly schedule: string };
    readonly backup?: { readonly enabled: boolean; readonly schedule: string };
  },
  scanDelaySeconds = 5,
): ScheduleJob[] {
  return buildSchedule({
    timeframe: config.market.timeframe,
    scanDelaySeconds,
    orchestratorPattern: config.orchestrator.enabled ? config.orchestrator.schedule : null,
    auditPattern: config.audit?.enabled ? config.audit.schedule : null,
    backupPattern: config.backup?.enabled ? config.backup.schedule : null,
  });
}

/** The first slot of `job` strictly after `afterMs`, or null when the pattern never fires again. */
export function nextDue(cron: Cron, afterMs: number): number | null {
  return cron.nextRun(new Date(afterMs))?.getTime() ?? null;
}

export function cronFor(job: ScheduleJob): Cron {
  // No callback: croner arms no timer of its own; the scheduler arms the injected clock instead.
  return new Cron(job.pattern, { timezone: 'UTC', paused: true });
}

/** A job whose event carries only its slot times. */
export function slotJob(
  name:
    | 'schedule.feeRefresh'
    | 'schedule.candleMaintenance'
    | 'schedule.orchestrator'
    | 'schedule.audit'
    | 'schedule.backup'
    | 'schedule.dailyReport'
    | 'schedule.webhookCheck',
  pattern: string,
): ScheduleJob {
  return { name, pattern, event: (due, time) => ({ type: name, due, time }) };
}

/** The UTC day a midnight slot closes: the day before the one `due` falls in. */
function dayEndedBy(due: number): number {
  return utcDayStart(due) - DAY_MS;
}

function validatePattern(job: ScheduleJob): void {
  try {
    cronFor(job);
  } catch (cause) {
    throw new ScheduleError(`${job.name} pattern "${job.pattern}" is not a valid cron expression (5 or 6 fields, UTC), e.g. "0 3 * * *"`, { cause });
  }
}
